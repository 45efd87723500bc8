/**
 * Recurrent layers (LSTM, GRU, RNN): a dense node projecting every step's input, a recurrent node
 * reading R at every step, initial states, and Y_h sliced from Y. Attributes and weights are read
 * by ../../recurrent.ts.
 */
import type { NetworkNode } from '@xbar/core';
import { type BatchLayout, FIRST_AXIS, SYMBOLIC_BATCH, formatDims } from '../../batch-layout.js';
import { OnnxImportError } from '../../constant.js';
import { type RecurrentOp, readRecurrentSettings, recurrentAttributeNames, recurrentWeights } from '../../recurrent.js';
import { type Handler, NodeContext } from '../node-context.js';
import { reshapeTo } from '../reshape.js';
import { appendTensorOp } from '../tensor-node.js';
import { type Activation, fullDims, listConstant } from '../values.js';

/**
 * LSTM, GRU or RNN: a dense node projecting every step's input (W x + Wb, on crossbars), then a
 * recurrent node reading R at every step. Y_h is taken from Y by tensor ops; Y_c is refused.
 */
function recurrent(context: NodeContext, op: RecurrentOp): void {
  const { where, graph } = context;
  const settings = readRecurrentSettings(op, context.attributes(recurrentAttributeNames(op, graph.opset)), where);
  const timeFirst: BatchLayout = { axis: 1, outer: 1, inner: 1 };
  const expected = settings.batchFirst ? FIRST_AXIS : timeFirst;
  const x = context.layoutInput(0, expected, 'X');
  const dims = fullDims(x);
  if (dims.length !== 3 || x.batch.axis !== expected.axis || x.batch.outer !== 1 || x.batch.inner !== 1) {
    throw new OnnxImportError(`${where}: X must be ${settings.batchFirst ? '[batch, time, input]' : '[time, batch, input]'} (layout ${settings.batchFirst ? 1 : 0}), got [${formatDims(dims)}]`);
  }
  const steps = settings.batchFirst ? dims[1] : dims[0];
  const inputSize = dims[2];
  const optionalConstant = (index: number, what: string) => (context.node.input[index] ? context.constantInput(index, what) : undefined);
  const weights = recurrentWeights(settings, inputSize, context.constantInput(1, 'W'), context.constantInput(2, 'R'), optionalConstant(3, 'B'), op === 'LSTM' ? optionalConstant(7, 'P') : undefined, where);
  const sequenceLengths = optionalConstant(4, 'sequence_lens');
  if (sequenceLengths !== undefined && sequenceLengths.values.some((length) => length !== steps)) {
    throw new OnnxImportError(`${where}: sequence_lens [${[...sequenceLengths.values].join(', ')}] must all be the sequence length ${steps} (sequences of different lengths are not supported)`);
  }
  const stateDims = settings.batchFirst ? [SYMBOLIC_BATCH, settings.directions, weights.hiddenSize] : [settings.directions, SYMBOLIC_BATCH, weights.hiddenSize];
  const initialHidden = initialState(context, 5, 'initial_h', stateDims, settings.batchFirst);
  const initialCell = op === 'LSTM' ? initialState(context, 6, 'initial_c', stateDims, settings.batchFirst) : undefined;
  if (op === 'LSTM' && graph.isUsed(context.node.output[2] ?? '')) throw new OnnxImportError(`${where}: the last cell state Y_c is used, which the importer does not provide (Y and Y_h are)`);
  const projectionId = `${context.name}/W`;
  context.addWeightNode(1, { op: 'dense', name: projectionId, inputs: [x.id], output: projectionId, weights: weights.input, bias: weights.inputBias }, [x.shape], x.batch);
  const gates = graph.activation(projectionId, where);
  const yName = graph.isUsed(context.node.output[0] ?? '') ? context.output(0) : `${context.name}/Y`;
  const inputs = [gates, initialHidden, initialCell].filter((value): value is Activation => value !== undefined);
  const node: NetworkNode = {
    op: 'recurrent',
    name: `${context.name}/R`,
    inputs: inputs.map((value) => value.id),
    output: yName,
    cell: settings.cell,
    direction: settings.direction,
    hiddenSize: weights.hiddenSize,
    batchFirst: settings.batchFirst,
    weights: weights.recurrent,
    groups: weights.groups,
    recurrentBias: weights.recurrentBias,
    ...(weights.peepholes === undefined ? {} : { peepholes: weights.peepholes }),
    activations: settings.activations,
    ...(settings.clip === undefined ? {} : { clip: settings.clip }),
    inputForget: settings.inputForget,
    linearBeforeReset: settings.linearBeforeReset,
    initialHidden: initialHidden !== undefined,
    initialCell: initialCell !== undefined,
  };
  context.addWeightNode(2, node, inputs.map((value) => value.shape), settings.batchFirst ? FIRST_AXIS : { axis: 2, outer: 1, inner: 1 });
  if (graph.isUsed(context.node.output[1] ?? '')) lastHiddenState(context, yName, steps, settings.direction, settings.batchFirst);
}

/**
 * An initial state input: absent, zeros (a constant or a batch-sized ConstantOfShape of 0: left out),
 * or an activation of dims `dims` (the batch on axis 1, or 0 when batch first).
 */
function initialState(context: NodeContext, index: number, what: string, dims: readonly number[], batchFirst: boolean): Activation | undefined {
  if (!context.node.input[index]) return undefined;
  const value = context.value(index);
  if (value.kind === 'filled' || value.kind === 'constant') {
    const zero = value.kind === 'filled' ? value.value === 0 : value.tensor.values.every((v) => v === 0);
    if (zero) return undefined;
    throw new OnnxImportError(`${context.where}: ${what} is a constant other than zeros; only zeros or a computed state are supported`);
  }
  const batchAxis = batchFirst ? 0 : 1;
  const state = context.layoutInput(index, { axis: batchAxis, outer: 1, inner: 1 }, what);
  const got = fullDims(state);
  if (state.batch.axis !== batchAxis || state.batch.outer !== 1 || state.batch.inner !== 1 || got.length !== 3 || got.some((d, i) => i !== batchAxis && d !== dims[i])) {
    throw new OnnxImportError(`${context.where}: ${what} must be [${formatDims(dims)}], got [${formatDims(got)}]`);
  }
  return state;
}

/** Y_h from Y: the last step of the forward direction and the first of the reverse, as tensor ops. */
function lastHiddenState(context: NodeContext, yName: string, steps: number, direction: string, batchFirst: boolean): void {
  const { graph } = context;
  const directions = direction === 'bidirectional' ? 2 : 1;
  const y = graph.value(yName, context.where);
  const [timeAxis, directionAxis] = batchFirst ? [1, 2] : [0, 1];
  const parts = Array.from({ length: directions }, (_, d) => {
    const t = direction === 'reverse' || d === 1 ? 0 : steps - 1;
    const id = `${context.output(1)}/${d}`;
    appendTensorOp(context, 'Slice', {}, [y, listConstant([t, d]), listConstant([t + 1, d + 1]), listConstant([timeAxis, directionAxis])], id);
    return graph.value(id, context.where);
  });
  const joined = `${context.output(1)}/steps`;
  appendTensorOp(context, 'Concat', { axis: directionAxis }, parts, joined);
  const kept = fullDims(graph.value(joined, context.where)).filter((_, axis) => axis !== timeAxis);
  const stateContext = new NodeContext(graph, { ...context.node, output: [context.output(1)] }, context.where);
  reshapeTo(stateContext, graph.activation(joined, context.where), kept);
}

export const RECURRENT_HANDLERS: Readonly<Record<string, Handler>> = {
  LSTM: (context) => recurrent(context, 'LSTM'),
  GRU: (context) => recurrent(context, 'GRU'),
  RNN: (context) => recurrent(context, 'RNN'),
};
