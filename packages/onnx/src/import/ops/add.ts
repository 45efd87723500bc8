/**
 * Add: constants summed at import, two activations a residual add, an activation plus a constant a
 * bias folded into the layer before it or an add-constant node; a moved batch, a batch-sized fill
 * or a whole batch leaves it to the Add tensor op.
 */
import { broadcastShapes } from '@xbar/core';
import { isFirstAxis } from '../../batch-layout.js';
import { type ConstantTensor, OnnxImportError } from '../../constant.js';
import { foldBias } from '../folding/bias.js';
import { addConstants } from '../folding/constants.js';
import type { Handler, NodeContext } from '../node-context.js';
import type { Activation } from '../values.js';
import { tensorOp } from './tensor.js';

function add(context: NodeContext): void {
  context.attributes([]);
  if (context.value(0).kind === 'filled' || context.value(1).kind === 'filled') return tensorOp(context, 'Add');
  const a = context.input(0);
  const b = context.input(1);
  if (a.kind === 'constant' && b.kind === 'constant') {
    context.graph.setConstant(context.output(0), addConstants(a.tensor, b.tensor));
    return;
  }
  const wholeBatch = context.graph.wholeBatch !== undefined;
  if (wholeBatch || (a.kind === 'activation' && !isFirstAxis(a.batch)) || (b.kind === 'activation' && !isFirstAxis(b.batch))) {
    return tensorOp(context, 'Add');
  }
  if (a.kind === 'activation' && b.kind === 'activation') {
    context.addNode({ op: 'add', name: context.name, inputs: [a.id, b.id], output: context.output(0) }, [a.shape, b.shape]);
    return;
  }
  if (a.kind === 'activation' && b.kind === 'constant') return addConstant(context, a, b.tensor, context.node.input[0]);
  if (a.kind === 'constant' && b.kind === 'activation') return addConstant(context, b, a.tensor, context.node.input[1]);
}

/** Activation x (ONNX name `xName`) plus constant c, broadcast without touching the batch. */
function addConstant(context: NodeContext, x: Activation, c: ConstantTensor, xName: string): void {
  const rank = x.shape.length + 1;
  if (c.dims.length > rank || (c.dims.length === rank && c.dims[0] !== 1)) {
    throw new OnnxImportError(`${context.where}: a constant of dims [${c.dims.join(', ')}] would change the batch axis`);
  }
  const constantShape = c.dims.length === rank ? c.dims.slice(1) : [...c.dims];
  let broadcast: number[];
  try {
    broadcast = broadcastShapes(x.shape, constantShape);
  } catch (error) {
    throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (broadcast.length !== x.shape.length || broadcast.some((d, i) => d !== x.shape[i])) {
    throw new OnnxImportError(`${context.where}: the constant [${c.dims.join(', ')}] would broadcast the activation [${x.shape.join(', ')}]`);
  }
  if (foldBias(context.graph, x, xName, constantShape, c.values, context.output(0))) return;
  context.addNode({ op: 'addConstant', name: context.name, inputs: [x.id], output: context.output(0), constantShape, constant: Float64Array.from(c.values) }, [x.shape]);
}

export const ADD_HANDLERS: Readonly<Record<string, Handler>> = {
  Add: add,
};
