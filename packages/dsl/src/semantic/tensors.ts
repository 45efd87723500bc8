/**
 * `.weights`, `.inputs`, `.labels`: where the numbers come from. A source is an inline matrix, a
 * `.npy` file, an IDX dataset file (MNIST family), an ONNX initializer, or (weights and inputs) random
 * values drawn by the engine:
 *
 *   .weights W1 [[0.1 -0.2] [0.3 0.4]]
 *   .weights W2 npy="w2.npy"
 *   .inputs X idx="t10k-images-idx3-ubyte.gz" first=8000 count=2000 gain={1/255}
 *   .weights fc1 onnx="mlp.onnx" layer="fc1.weight"
 *   .inputs X random rows=16 cols=64 dist=uniform scale=1 seed=3
 *   .labels Y [3 1 4]
 */
import type { Card, Item, MatrixValue, NumericMatrixValue, Span, Value } from '../ast.js';
import { describeValue, type SemanticContext } from './context.js';
import type { InlineMatrix, TensorDefinition, TensorRole, TensorSource } from './design.js';
import { type OptionSpec, readOptions } from './options.js';

export function tensorOptionSpecs(ctx: SemanticContext): OptionSpec[] {
  return [
    { kind: 'path', name: 'npy', doc: 'a NumPy .npy file, relative to the netlist' },
    { kind: 'path', name: 'idx', doc: 'an IDX dataset file (MNIST family, gzip or raw), relative to the netlist' },
    { kind: 'number', name: 'first', unit: '1', min: 0, max: 4_294_967_295, integer: true, default: 0, doc: 'first item taken from an IDX file' },
    { kind: 'number', name: 'count', unit: '1', min: 1, max: 4_294_967_295, integer: true, doc: 'items taken from an IDX file (default: to the end)' },
    { kind: 'number', name: 'gain', unit: '1', min: -1e12, max: 1e12, default: 1, doc: 'factor applied to the values of an IDX file (e.g. 1/255 for pixels)' },
    { kind: 'path', name: 'onnx', doc: 'an ONNX model file, relative to the netlist' },
    { kind: 'text', name: 'layer', doc: 'name of the initializer (weight tensor) in the ONNX model' },
    { kind: 'number', name: 'rows', unit: '1', min: 1, max: ctx.limits.maxArrayCells, integer: true, doc: 'rows of a random matrix' },
    { kind: 'number', name: 'cols', unit: '1', min: 1, max: ctx.limits.maxArrayCells, integer: true, doc: 'columns of a random matrix' },
    { kind: 'enum', name: 'dist', values: ['uniform', 'normal'], default: 'uniform', doc: 'distribution of a random matrix' },
    { kind: 'number', name: 'scale', unit: '1', min: 0, minExclusive: true, max: 1e12, default: 1, doc: 'half-width (uniform) or std (normal) of a random matrix' },
    { kind: 'number', name: 'seed', unit: '1', min: 0, max: 4_294_967_295, integer: true, default: 1, doc: 'seed of a random matrix' },
  ];
}

export function buildTensor(ctx: SemanticContext, card: Card, name: string, role: TensorRole): TensorDefinition | undefined {
  const where = `.${role} '${name}'`;
  const rest = card.items.slice(1);
  const positional = rest.filter((item) => item.key === undefined);
  const named = rest.filter((item) => item.key !== undefined);
  const values = readOptions(ctx, named, tensorOptionSpecs(ctx), where, card.keywordSpan);
  const sources: { kind: string; span: Span }[] = [];
  let inline: Item | undefined;
  let random: Item | undefined;
  for (const item of positional) {
    if ((item.value.kind === 'matrix' || item.value.kind === 'numbers') && !inline) inline = item;
    else if (item.value.kind === 'word' && item.value.name.toLowerCase() === 'random' && !random) random = item;
    else {
      ctx.bag.error('E507', item.span, `unexpected ${describeValue(item.value)} in ${where}`, 'a source is [matrix], npy="file", idx="file", onnx="file" layer="name" or random rows=R cols=C');
      return undefined;
    }
  }
  if (inline) sources.push({ kind: 'inline matrix', span: inline.span });
  if (random) sources.push({ kind: 'random', span: random.span });
  for (const key of ['npy', 'idx', 'onnx']) {
    const span = values.span(key);
    if (span) sources.push({ kind: `${key}=`, span });
  }
  if (sources.length === 0) {
    ctx.bag.error('E605', card.span, `${where} has no source`, 'give [matrix], npy="file", idx="file", onnx="file" layer="name" or random rows=R cols=C');
    return undefined;
  }
  if (sources.length > 1) {
    ctx.bag.error('E605', sources[1].span, `${where} has two sources (${sources[0].kind} and ${sources[1].kind})`, 'give exactly one source');
    return undefined;
  }
  const source = buildSource(ctx, role, where, inline, random, values);
  return source ? { name, role, source, span: card.span } : undefined;
}

function buildSource(
  ctx: SemanticContext,
  role: TensorRole,
  where: string,
  inline: Item | undefined,
  random: Item | undefined,
  values: ReturnType<typeof readOptions>,
): TensorSource | undefined {
  const randomKeys = ['rows', 'cols', 'dist', 'scale', 'seed'].filter((key) => values.written(key));
  if (!random && randomKeys.length > 0) {
    ctx.bag.error('E501', values.span(randomKeys[0])!, `${randomKeys[0]} is only for random sources`);
    return undefined;
  }
  const idxKeys = ['first', 'count', 'gain'].filter((key) => values.written(key));
  if (!values.written('idx') && idxKeys.length > 0) {
    ctx.bag.error('E501', values.span(idxKeys[0])!, `${idxKeys[0]} is only for idx= sources`);
    return undefined;
  }
  if (values.written('layer') && !values.written('onnx')) {
    ctx.bag.error('E501', values.span('layer')!, 'layer= names a tensor of an ONNX model; give onnx="model.onnx" too');
    return undefined;
  }
  if (inline) {
    const matrix = inline.value.kind === 'numbers' ? numericMatrix(ctx, inline.value) : inline.value.kind === 'matrix' ? inlineMatrix(ctx, inline.value) : undefined;
    if (matrix && role === 'labels') return checkLabels(ctx, matrix, inline.value.span) ? matrix : undefined;
    return matrix;
  }
  if (random) {
    if (role === 'labels') {
      ctx.bag.error('E605', random.span, 'labels cannot be random');
      return undefined;
    }
    const rows = values.number('rows');
    const cols = values.number('cols');
    if (!values.written('rows') || !values.written('cols')) {
      ctx.bag.error('E502', random.span, `random ${role} need rows=... and cols=...`);
      return undefined;
    }
    if (rows === undefined || cols === undefined) return undefined;
    if (rows * cols > ctx.limits.maxArrayCells) {
      ctx.bag.error('E901', values.span('cols')!, `${rows} x ${cols} = ${rows * cols} random values, more than the limit of ${ctx.limits.maxArrayCells}`);
      return undefined;
    }
    const scale = values.number('scale');
    const seed = values.number('seed');
    if (scale === undefined || seed === undefined) return undefined;
    return { kind: 'random', rows, cols, distribution: values.text('dist') as 'uniform' | 'normal', scale, seed };
  }
  if (values.written('idx')) {
    const path = values.text('idx');
    const first = values.number('first');
    const gain = values.number('gain');
    if (path === undefined || first === undefined || gain === undefined) return undefined;
    const count = values.written('count') ? values.number('count') : undefined;
    if (values.written('count') && count === undefined) return undefined;
    return { kind: 'idx', path, first, gain, ...(count !== undefined ? { count } : {}) };
  }
  if (values.written('npy')) {
    const path = values.text('npy');
    return path === undefined ? undefined : { kind: 'npy', path };
  }
  const path = values.text('onnx');
  if (path === undefined) return undefined;
  if (!values.written('layer')) {
    ctx.bag.error('E502', values.span('onnx')!, `${where} needs layer="NAME" to pick a tensor of the ONNX model`);
    return undefined;
  }
  const layer = values.text('layer');
  if (layer === undefined) return undefined;
  return { kind: 'onnx', path, layer };
}

/** A matrix the lexer read in one pass (plain numbers): ragged rows and the size limit checked like inlineMatrix's. */
function numericMatrix(ctx: SemanticContext, matrix: NumericMatrixValue): InlineMatrix | undefined {
  if (matrix.ragged) {
    const { row, length } = matrix.ragged;
    ctx.bag.error('E601', matrix.span, `row ${row} has ${length} value${length === 1 ? '' : 's'}, row 1 has ${matrix.cols}`, 'every row of a matrix needs the same number of values');
    return undefined;
  }
  if (matrix.data.length > ctx.limits.maxMatrixElements) {
    ctx.bag.error('E901', matrix.span, `inline matrix of ${matrix.data.length} values, more than the limit of ${ctx.limits.maxMatrixElements}`, 'store large matrices in a .npy file');
    return undefined;
  }
  for (let i = 0; i < matrix.data.length; i++) {
    if (!Number.isFinite(matrix.data[i])) {
      ctx.bag.error('E205', matrix.span, `value ${i + 1} of the matrix is not a finite number (${matrix.data[i]})`);
      return undefined;
    }
  }
  return { kind: 'inline', rows: matrix.rows, cols: matrix.cols, data: matrix.data };
}

/** `[a b c]` is 1 x 3; `[[a b] [c d]]` is 2 x 2. Ragged rows and deeper nesting are refused. */
export function inlineMatrix(ctx: SemanticContext, matrix: MatrixValue): InlineMatrix | undefined {
  const elements = matrix.elements;
  if (elements.length === 0) {
    ctx.bag.error('E601', matrix.span, 'empty matrix');
    return undefined;
  }
  const nestedCount = elements.filter((e) => e.kind === 'matrix').length;
  if (nestedCount > 0 && nestedCount < elements.length) {
    const scalar = elements.find((e) => e.kind !== 'matrix')!;
    ctx.bag.error('E602', scalar.span, 'a matrix mixes rows [..] and single values', 'write a vector as [a b c] and a matrix as [[a b] [c d]]');
    return undefined;
  }
  const rows: (readonly Value[])[] = nestedCount === 0 ? [elements] : (elements as MatrixValue[]).map((row) => row.elements);
  const cols = rows[0].length;
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const rowSpan = nestedCount === 0 ? matrix.span : elements[r].span;
    const deeper = row.find((e) => e.kind === 'matrix');
    if (deeper) {
      ctx.bag.error('E602', deeper.span, 'matrices have at most two levels of brackets');
      return undefined;
    }
    if (row.length !== cols) {
      ctx.bag.error('E601', rowSpan, `row ${r + 1} has ${row.length} value${row.length === 1 ? '' : 's'}, row 1 has ${cols}`, 'every row of a matrix needs the same number of values');
      return undefined;
    }
    total += row.length;
  }
  if (cols === 0) {
    ctx.bag.error('E601', matrix.span, 'empty matrix row');
    return undefined;
  }
  if (total > ctx.limits.maxMatrixElements) {
    ctx.bag.error('E901', matrix.span, `inline matrix of ${total} values, more than the limit of ${ctx.limits.maxMatrixElements}`, 'store large matrices in a .npy file');
    return undefined;
  }
  const data = new Float64Array(total);
  let ok = true;
  let index = 0;
  for (const row of rows) {
    for (const element of row) {
      const value = ctx.number(element);
      if (value === undefined) ok = false;
      else data[index] = value;
      index++;
    }
  }
  return ok ? { kind: 'inline', rows: rows.length, cols, data } : undefined;
}

function checkLabels(ctx: SemanticContext, matrix: InlineMatrix, span: Span): boolean {
  for (let i = 0; i < matrix.data.length; i++) {
    const label = matrix.data[i];
    if (!Number.isInteger(label) || label < 0) {
      ctx.bag.error('E503', span, `labels must be class indices (whole numbers >= 0); value ${i + 1} is ${label}`);
      return false;
    }
  }
  return true;
}

/** Shape of a source, when known without reading a file. */
export function shapeOf(source: TensorSource): { rows: number; cols: number } | undefined {
  if (source.kind === 'inline' || source.kind === 'random') return { rows: source.rows, cols: source.cols };
  return undefined;
}
