/**
 * Shapes: Flatten, Reshape, Squeeze and Unsqueeze (on constants folded, on activations a reshape
 * that places the batch); Shape, Gather and Concat of constants folded (the shape arithmetic of
 * exported models; of activations, tensor ops); Split as one Slice per output; ConstantOfShape.
 */
import { SYMBOLIC_BATCH, batchMultiple, formatDim, formatDims } from '../../batch-layout.js';
import { OnnxImportError, dimsSize } from '../../constant.js';
import { concatConstants, gatherConstant, unsqueezeDims } from '../../shape-ops.js';
import { normalizeAxis } from '../axis.js';
import type { Handler, NodeContext } from '../node-context.js';
import { reshapeTo } from '../reshape.js';
import { appendTensorOp } from '../tensor-node.js';
import { type Activation, type Constant, fullDims, listConstant } from '../values.js';
import { tensorOp } from './tensor.js';

/** Most elements of a constant the importer creates (ConstantOfShape): 2^27 float64 values, 1 GiB. */
const MAX_CONSTANT_ELEMENTS = 2 ** 27;

function flatten(context: NodeContext): void {
  const attributes = context.attributes(['axis']);
  const x = context.input(0);
  const dims = fullDims(x);
  // Flatten's axis is in [-r, r] for rank r: a negative one counts from r
  const written = attributes.int('axis', 1);
  const axis = written < 0 ? written + dims.length : written;
  if (!(axis >= 0 && axis <= dims.length)) throw new OnnxImportError(`${context.where}: axis ${written} is out of range [-${dims.length}, ${dims.length}] for rank ${dims.length}`);
  const flat = [dimsSize(dims.slice(0, axis)), dimsSize(dims.slice(axis))];
  withDims(context, x, flat);
}

/** The node's input x with dims `dims` (full dims, the batch a multiple of SYMBOLIC_BATCH): a constant re-dimensioned, an activation reshaped. */
function withDims(context: NodeContext, x: Constant | Activation, dims: readonly number[]): void {
  if (x.kind === 'constant') {
    context.graph.setConstant(context.output(0), { ...x.tensor, dims });
    return;
  }
  reshapeTo(context, x, dims);
}

function reshape(context: NodeContext): void {
  const attributes = context.attributes(['allowzero']);
  const allowZero = attributes.int('allowzero', 0) !== 0;
  const x = context.input(0);
  const target = [...context.constantInput(1, 'shape').values];
  const dims = fullDims(x);
  const resolved = target.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
  if (x.kind === 'constant') {
    context.graph.setConstant(context.output(0), { ...x.tensor, dims: inferMinusOne(resolved, dimsSize(x.tensor.dims), context.where) });
    return;
  }
  // a target written with numbers only (a model exported for one batch size) keeps the batch as its first dimension
  if (context.graph.wholeBatch === undefined && !resolved.some((d) => batchMultiple(d) !== undefined)) {
    const { fixedBatch } = context.graph;
    const fixedFirst = fixedBatch !== undefined && resolved[0] === fixedBatch;
    const inferredFirst = resolved[0] === -1 && !resolved.slice(1).includes(-1);
    if (!fixedFirst && !inferredFirst) throw new OnnxImportError(`${context.where}: target shape [${formatDims(target)}] does not say which dimension holds the batch`);
    resolved[0] = SYMBOLIC_BATCH;
  }
  reshapeTo(context, context.activationInput(0), resolved);
}

/** dims with at most one -1 replaced so that the product is `size`. */
function inferMinusOne(dims: readonly number[], size: number, where: string): number[] {
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) throw new OnnxImportError(`${where}: more than one -1 in the target shape [${formatDims(dims)}]`);
  if (dims.some((d) => d < -1)) throw new OnnxImportError(`${where}: negative dimension in target shape [${formatDims(dims)}]`);
  if (unknown === 0) return [...dims];
  const known = dimsSize(dims.filter((d) => d !== -1));
  if (known === 0 || size % known !== 0) throw new OnnxImportError(`${where}: cannot infer -1 in [${formatDims(dims)}] for ${size} values`);
  return dims.map((d) => (d === -1 ? size / known : d));
}

function shape(context: NodeContext): void {
  const attributes = context.attributes(['start', 'end']);
  const dims = fullDims(context.input(0));
  const clamp = (axis: number) => Math.min(Math.max(axis < 0 ? axis + dims.length : axis, 0), dims.length);
  const start = clamp(attributes.int('start', 0));
  const end = clamp(attributes.int('end', dims.length));
  const values = dims.slice(start, Math.max(start, end));
  context.graph.setConstant(context.output(0), { kind: 'int', dims: [values.length], values: Float64Array.from(values) });
}

function gather(context: NodeContext): void {
  if (context.input(0).kind !== 'constant' || context.input(1).kind !== 'constant') return tensorOp(context, 'Gather');
  const attributes = context.attributes(['axis']);
  const data = context.constantInput(0, 'data');
  const indices = context.constantInput(1, 'indices');
  const axis = normalizeAxis(attributes.int('axis', 0), data.dims.length, context.where);
  context.graph.setConstant(context.output(0), gatherConstant(data, indices, axis, context.where));
}

function unsqueeze(context: NodeContext): void {
  const { opset } = context.graph;
  const attributes = context.attributes(opset >= 13 ? [] : ['axes']);
  const axes = opset >= 13 ? [...context.constantInput(1, 'axes').values] : attributes.ints('axes');
  if (axes === undefined) throw new OnnxImportError(`${context.where}: axes are required`);
  const x = context.input(0);
  const dims = unsqueezeDims(fullDims(x), axes, context.where);
  withDims(context, x, dims);
}

function squeeze(context: NodeContext): void {
  const { opset } = context.graph;
  const attributes = context.attributes(opset >= 13 ? [] : ['axes']);
  const axes = opset >= 13 ? context.optionalInput(1) : undefined;
  const listed = opset >= 13 ? (axes === undefined ? undefined : [...context.constantInput(1, 'axes').values]) : attributes.ints('axes');
  const x = context.input(0);
  const dims = fullDims(x);
  const squeezed = new Set((listed ?? dims.flatMap((dim, axis) => (dim === 1 ? [axis] : []))).map((axis) => normalizeAxis(axis, dims.length, context.where)));
  for (const axis of squeezed) if (dims[axis] !== 1) throw new OnnxImportError(`${context.where}: axis ${axis} has size ${formatDim(dims[axis])}, not 1`);
  const kept = dims.filter((_, axis) => !squeezed.has(axis));
  withDims(context, x, kept);
}

function concat(context: NodeContext): void {
  const attributes = context.attributes(['axis']);
  if (!attributes.has('axis')) throw new OnnxImportError(`${context.where}: axis is required`);
  if (context.node.input.some((_, i) => context.value(i).kind !== 'constant')) return tensorOp(context, 'Concat');
  const parts = context.node.input.map((_, i) => context.constantInput(i, 'input'));
  context.graph.setConstant(context.output(0), concatConstants(parts, attributes.int('axis', 0), context.where));
}

/**
 * Split along an axis (sizes from the `split` input, from opset 13, or attribute; else equal parts,
 * the last one smaller from opset 18): one Slice per output.
 */
function split(context: NodeContext): void {
  const { opset } = context.graph;
  const attributes = context.attributes(opset >= 18 ? ['axis', 'num_outputs'] : opset >= 13 ? ['axis'] : ['axis', 'split']);
  const x = context.input(0);
  const dims = fullDims(x);
  const axis = normalizeAxis(attributes.int('axis', 0), dims.length, context.where);
  const size = dims[axis];
  if (batchMultiple(size) !== undefined) throw new OnnxImportError(`${context.where}: splitting the batch axis ${axis} is not supported`);
  const given = opset >= 13 ? (context.node.input[1] ? [...context.constantInput(1, 'split').values] : undefined) : attributes.ints('split');
  const parts = attributes.has('num_outputs') ? attributes.int('num_outputs', 0) : context.node.output.length;
  let sizes: number[];
  if (given !== undefined) sizes = given;
  else if (opset >= 18) sizes = Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(Math.ceil(size / parts), size - k * Math.ceil(size / parts))));
  else if (size % parts === 0) sizes = new Array<number>(parts).fill(size / parts);
  else throw new OnnxImportError(`${context.where}: axis ${axis} of size ${size} does not split into ${parts} equal parts`);
  if (sizes.length !== context.node.output.length || sizes.some((part) => !(Number.isInteger(part) && part >= 0)) || sizes.reduce((a, b) => a + b, 0) !== size) {
    throw new OnnxImportError(`${context.where}: split sizes [${sizes.join(', ')}] do not cut axis ${axis} of size ${size} into ${context.node.output.length} outputs`);
  }
  let start = 0;
  sizes.forEach((part, k) => {
    const output = context.node.output[k];
    if (output && context.graph.isUsed(output)) appendTensorOp(context, 'Slice', {}, [x, listConstant([start]), listConstant([start + part]), listConstant([axis])], output);
    start += part;
  });
}

/** ConstantOfShape: a constant, or a filled value when the shape holds the batch size. */
function constantOfShape(context: NodeContext): void {
  const attributes = context.attributes(['value']);
  const given = attributes.tensor('value');
  if (given !== undefined && given.values.length !== 1) throw new OnnxImportError(`${context.where}: value must hold one element, it holds ${given.values.length}`);
  const value = given?.values[0] ?? 0;
  const dims = [...context.constantInput(0, 'input (the shape)').values];
  if (dims.some((d) => !(Number.isInteger(d) && d >= 0) && batchMultiple(d) === undefined)) throw new OnnxImportError(`${context.where}: shape [${formatDims(dims)}] must be whole numbers >= 0`);
  if (dims.some((d) => batchMultiple(d) !== undefined)) {
    context.graph.setValue(context.output(0), { kind: 'filled', value, dims });
    return;
  }
  if (dimsSize(dims) > MAX_CONSTANT_ELEMENTS) throw new OnnxImportError(`${context.where}: a constant of [${dims.join(', ')}] exceeds ${MAX_CONSTANT_ELEMENTS} elements`);
  context.graph.setConstant(context.output(0), { kind: given?.kind ?? 'float', dims, values: new Float64Array(dimsSize(dims)).fill(value) });
}

export const SHAPE_HANDLERS: Readonly<Record<string, Handler>> = {
  Flatten: flatten,
  Reshape: reshape,
  Shape: shape,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Split: split,
  ConstantOfShape: constantOfShape,
};
