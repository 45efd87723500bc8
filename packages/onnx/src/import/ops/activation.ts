/** Activation functions: Relu, Sigmoid and Tanh (folded on constants), and Softmax (not over the batch axis). */
import { OnnxImportError } from '../../constant.js';
import { normalizeAxis } from '../axis.js';
import { foldElementwise } from '../folding/constants.js';
import type { Handler, NodeContext } from '../node-context.js';
import { fullDims } from '../values.js';

/** Each element-wise activation's core node and its function (for folding constants). */
const ELEMENTWISE = {
  Relu: { op: 'relu', f: (v: number) => Math.max(v, 0) },
  Sigmoid: { op: 'sigmoid', f: (v: number) => 1 / (1 + Math.exp(-v)) },
  Tanh: { op: 'tanh', f: Math.tanh },
} as const;

function elementwise(context: NodeContext, type: keyof typeof ELEMENTWISE): void {
  context.attributes([]);
  const x = context.input(0);
  const { op, f } = ELEMENTWISE[type];
  if (x.kind === 'constant') {
    context.graph.setConstant(context.output(0), foldElementwise(x.tensor, f));
    return;
  }
  context.addNode({ op, name: context.name, inputs: [x.id], output: context.output(0) }, [x.shape], x.batch);
}

function softmax(context: NodeContext): void {
  const { opset } = context.graph;
  const attributes = context.attributes(['axis']);
  const x = context.wholeInput(0, 'input');
  const rank = fullDims(x).length;
  const axis = normalizeAxis(attributes.int('axis', opset >= 13 ? -1 : 1), rank, context.where);
  // before opset 13 Softmax flattens axes [axis, rank) into one; from 13 on it is one axis
  const endAxis = opset >= 13 ? axis + 1 : rank;
  if (x.batch.axis >= axis && x.batch.axis < endAxis) throw new OnnxImportError(`${context.where}: softmax over the batch axis (axis ${x.batch.axis}) would mix the samples`);
  context.addNode({ op: 'softmax', name: context.name, inputs: [x.id], output: context.output(0), axis, endAxis }, [x.shape], x.batch);
}

export const ACTIVATION_HANDLERS: Readonly<Record<string, Handler>> = {
  Relu: (context) => elementwise(context, 'Relu'),
  Sigmoid: (context) => elementwise(context, 'Sigmoid'),
  Tanh: (context) => elementwise(context, 'Tanh'),
  Softmax: softmax,
};
