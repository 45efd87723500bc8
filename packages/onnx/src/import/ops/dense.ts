/** Dense weight layers on crossbars: Gemm, and MatMul of an activation by a constant matrix (any other MatMul is a tensor op). */
import { matrix } from '@xbar/core';
import { formatDims } from '../../batch-layout.js';
import { type ConstantTensor, OnnxImportError } from '../../constant.js';
import type { Handler, NodeContext } from '../node-context.js';
import { appendTensorOp } from '../tensor-node.js';
import { fullDims } from '../values.js';
import { tensorOp } from './tensor.js';

/**
 * Gemm as a dense layer, alpha folded into the weights and beta C into the bias. In a whole batch
 * (GraphImporter.wholeBatch) A may be transposed first and C may be any matrix broadcast to the
 * result (an Add after the layer).
 */
function gemm(context: NodeContext): void {
  const attributes = context.attributes(['alpha', 'beta', 'transA', 'transB']);
  const alpha = attributes.float('alpha', 1);
  const beta = attributes.float('beta', 1);
  const whole = context.graph.wholeBatch !== undefined;
  const transA = attributes.int('transA', 0) !== 0;
  if (transA && !whole) throw new OnnxImportError(`${context.where}: transA = 1 would transpose the batch; not supported`);
  const transB = attributes.int('transB', 0) !== 0;
  // in a whole batch, a WHOLE value (any axis may be the samples')
  let a = context.wholeInput(0, 'A');
  if (fullDims(a).length !== 2 || !(whole || a.batch.axis === 0)) throw new OnnxImportError(`${context.where}: A must be a batch of vectors (batch x K), got [${formatDims(fullDims(a))}]`);
  if (transA) {
    const transposed = `${context.name}/A^T`;
    appendTensorOp(context, 'Transpose', { perm: [1, 0] }, [a], transposed);
    a = context.graph.activation(transposed, context.where);
  }
  const b = context.constantInput(1, 'B (the weights)');
  if (b.dims.length !== 2) throw new OnnxImportError(`${context.where}: B must be a matrix, got dims [${b.dims.join(', ')}]`);
  const [k, n] = transB ? [b.dims[1], b.dims[0]] : [b.dims[0], b.dims[1]];
  const features = a.shape[a.shape.length - 1];
  if (k !== features) throw new OnnxImportError(`${context.where}: A has ${features} features, B expects ${k}`);
  const weights = matrix(n, k);
  for (let o = 0; o < n; o++) {
    for (let i = 0; i < k; i++) weights.data[o * k + i] = alpha * b.values[transB ? o * k + i : i * n + o];
  }
  const bias = new Float64Array(n);
  const c = context.optionalInput(2);
  let matrixBias: ConstantTensor | undefined;
  if (c !== undefined) {
    if (c.kind !== 'constant') throw new OnnxImportError(`${context.where}: C (the bias) must be a constant`);
    const perOutput = biasPerOutput(c.tensor, n);
    if (perOutput !== undefined) for (let o = 0; o < n; o++) bias[o] = beta * perOutput[o];
    else if (whole) matrixBias = { ...c.tensor, values: c.tensor.values.map((v) => beta * v) };
    else throw new OnnxImportError(`${context.where}: C of dims [${c.tensor.dims.join(', ')}] is not a bias broadcast over the batch (want [${n}], [1, ${n}] or a scalar)`);
  }
  const product = matrixBias === undefined ? context.output(0) : `${context.name}/AB`;
  context.addWeightNode(1, { op: 'dense', name: context.name, inputs: [a.id], output: product, weights, bias }, [a.shape], a.batch);
  if (matrixBias !== undefined) appendTensorOp(context, 'Add', {}, [context.graph.value(product, context.where), { kind: 'constant', tensor: matrixBias }], context.output(0));
}

/** A Gemm C as one value per output, if it broadcasts over the batch: dims [], [1], [n], [1, 1] or [1, n]. */
function biasPerOutput(c: ConstantTensor, n: number): Float64Array | undefined {
  const dims = c.dims.length === 2 ? (c.dims[0] === 1 ? [c.dims[1]] : undefined) : c.dims;
  if (dims === undefined || dims.length > 1) return undefined;
  const size = dims.length === 0 ? 1 : dims[0];
  if (size === n) return Float64Array.from(c.values);
  if (size === 1) return new Float64Array(n).fill(c.values[0]);
  return undefined;
}

function matmul(context: NodeContext): void {
  context.attributes([]);
  const a = context.input(0);
  const b = context.input(1);
  // activation x constant matrix: a weight layer (crossbars); any other product stays digital
  if (a.kind !== 'activation' || b.kind !== 'constant' || b.tensor.dims.length !== 2) return tensorOp(context, 'MatMul');
  const [k, n] = b.tensor.dims;
  const dims = fullDims(a);
  if (a.batch.axis === dims.length - 1 || dims[dims.length - 1] !== k) {
    throw new OnnxImportError(`${context.where}: [${formatDims(dims)}] does not end in the ${k} rows of the matrix`);
  }
  const weights = matrix(n, k);
  for (let o = 0; o < n; o++) for (let i = 0; i < k; i++) weights.data[o * k + i] = b.tensor.values[i * n + o];
  context.addWeightNode(1, { op: 'dense', name: context.name, inputs: [a.id], output: context.output(0), weights, bias: new Float64Array(n) }, [a.shape], a.batch);
}

export const DENSE_HANDLERS: Readonly<Record<string, Handler>> = {
  Gemm: gemm,
  MatMul: matmul,
};
