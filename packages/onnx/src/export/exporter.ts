import { type Network, type NetworkNode, type Tensor, type TensorOpNode, RESIZE_COORDINATE_MODES, RECURRENT_GATES, type RecurrentNode, castsToInteger, type DenseNode, isWeightNode, networkShapes, type WeightNode } from '@xbar/core';
import { TAKES_ALPHA, TAKES_BETA } from '../recurrent.js';
import { OnnxDataType } from '../schema.js';
import { TENSOR_OP_ATTRIBUTES } from '../tensor-op-specs.js';
import { type ExportAttribute, type ExportElementType, type GraphInput, OnnxGraphBuilder } from './graph-builder.js';

/** A network node xbar cannot write as ONNX (so it cannot run on ONNX Runtime). */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
}

/**
 * Writes one node into the builder, reading its inputs by their ONNX names (their per-sample
 * shapes alongside, as networkShapes gives them); returns the name of its result.
 */
type NodeWriter<N extends NetworkNode> = (builder: OnnxGraphBuilder, node: N, inputs: readonly string[], shapes: readonly (readonly number[])[]) => string;

type NodeWriters = { readonly [Op in NetworkNode['op']]: NodeWriter<NetworkNode & { readonly op: Op }> };

/** The row-major transpose of a rows x cols matrix. */
function transposed(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function window2d(node: Extract<NetworkNode, { op: 'conv2d' | 'maxpool' | 'avgpool' }>): Record<string, ExportAttribute> {
  return { kernel_shape: { ints: node.kernel }, strides: { ints: node.strides }, pads: { ints: node.pads }, dilations: { ints: node.dilations } };
}

/** Dimensions [length, 1, ..., 1] of a constant that broadcasts along `axis` of a rank-`rank` value. */
function alongAxis(length: number, axis: number, rank: number): number[] {
  return [length, ...Array.from({ length: rank - axis - 1 }, () => 1)];
}

const WRITERS: NodeWriters = {
  dense: (b, node, [x]) => {
    const { rows, cols, data } = node.weights;
    const product = b.node('MatMul', [x, b.constant(transposed(data, rows, cols), [cols, rows], 'float', `${node.name}.weights`)]);
    return b.node('Add', [product, b.constant(node.bias, [rows], 'float', `${node.name}.bias`)], {}, node.output);
  },
  conv2d: (b, node, [x]) => {
    const { rows, data } = node.weights;
    const weights = b.constant(data, [rows, node.inChannels / node.groups, node.kernel[0], node.kernel[1]], 'float', `${node.name}.weights`);
    return b.node('Conv', [x, weights, b.constant(node.bias, [rows], 'float', `${node.name}.bias`)], { ...window2d(node), group: { int: node.groups } }, node.output);
  },
  maxpool: (b, node, [x]) => b.node('MaxPool', [x], { ...window2d(node), ceil_mode: { int: node.ceilMode ? 1 : 0 } }, node.output),
  avgpool: (b, node, [x]) =>
    b.node('AveragePool', [x], { ...window2d(node), ceil_mode: { int: node.ceilMode ? 1 : 0 }, count_include_pad: { int: node.countIncludePad ? 1 : 0 } }, node.output),
  globalavgpool: (b, node, [x]) => b.node('GlobalAveragePool', [x], {}, node.output),
  relu: (b, node, [x]) => b.node('Relu', [x], {}, node.output),
  sigmoid: (b, node, [x]) => b.node('Sigmoid', [x], {}, node.output),
  tanh: (b, node, [x]) => b.node('Tanh', [x], {}, node.output),
  identity: (b, node, [x]) => b.node('Identity', [x], {}, node.output),
  softmax: (b, node, [x]) => {
    if (node.endAxis === node.axis + 1) return b.node('Softmax', [x], { axis: { int: node.axis } }, node.output);
    // jointly over several axes: exp(x - max) / sum, reduced over those axes
    const axes = b.constant(Array.from({ length: node.endAxis - node.axis }, (_, k) => node.axis + k), [node.endAxis - node.axis], 'int64', 'axes');
    const largest = b.node('ReduceMax', [x, axes], { keepdims: { int: 1 } });
    const exponentials = b.node('Exp', [b.node('Sub', [x, largest])]);
    return b.node('Div', [exponentials, b.node('ReduceSum', [exponentials, axes], { keepdims: { int: 1 } })], {}, node.output);
  },
  reshape: (b, node, [x]) => {
    // -1 stands for the axis that grows with the batch: the first one, or batchAxis
    const at = node.batchAxis;
    const dims = at === undefined ? [-1, ...node.shape] : node.shape.map((dim, axis) => (axis === at ? -1 : dim));
    return b.node('Reshape', [x, b.constant(dims, [dims.length], 'int64', 'shape')], { allowzero: { int: 1 } }, node.output);
  },
  add: (b, node, [x, y]) => b.node('Add', [x, y], {}, node.output),
  addConstant: (b, node, [x]) => b.node('Add', [x, b.constant(node.constant, [1, ...node.constantShape], 'float', `${node.name}.constant`)], {}, node.output),
  affine: (b, node, [x], [shape]) => {
    // the input is batch first: its rank is one more than its per-sample shape's
    const dims = alongAxis(node.scale.length, node.axis, shape.length + 1);
    const scaled = b.node('Mul', [x, b.constant(node.scale, dims, 'float', `${node.name}.scale`)]);
    return b.node('Add', [scaled, b.constant(node.shift, dims, 'float', `${node.name}.shift`)], {}, node.output);
  },
  tensor: (b, node, inputs) => writeTensorOp(b, node, inputs),
  recurrent: (b, node, inputs) => writeRecurrent(b, node, inputs),
};

/**
 * A recurrent node as ONNX's LSTM, GRU or RNN: with its input projection (the dense node before it),
 * W and Wb are the projection's and the op reads the projection's input; without, it reads the
 * projected sequence with W selecting each direction's block (an identity) and Wb 0. The bias holds
 * Rb, then R, the peepholes and the settings as the node has them. ONNX Runtime runs only
 * time-first layouts: a batch-first node is transposed to time first and back.
 */
function writeRecurrent(b: OnnxGraphBuilder, node: RecurrentNode, given: readonly string[], projection?: DenseNode): string {
  const swap = (name: string) => b.node('Transpose', [name], { perm: { ints: [1, 0, 2] } });
  const inputs = node.batchFirst ? given.map(swap) : given;
  const directions = node.direction === 'bidirectional' ? 2 : 1;
  const width = RECURRENT_GATES[node.cell] * node.hiddenSize;
  const inputSize = projection ? projection.weights.cols : directions * width;
  let w: Float64Array;
  if (projection) {
    w = projection.weights.data;
  } else {
    w = new Float64Array(directions * width * inputSize);
    for (let d = 0; d < directions; d++) for (let j = 0; j < width; j++) w[(d * width + j) * inputSize + d * width + j] = 1;
  }
  const bias = new Float64Array(directions * 2 * width);
  for (let d = 0; d < directions; d++) {
    if (projection) bias.set(projection.bias.subarray(d * width, (d + 1) * width), 2 * d * width);
    bias.set(node.recurrentBias.subarray(d * width, (d + 1) * width), (2 * d + 1) * width);
  }
  const operands = [
    inputs[0],
    b.constant(w, [directions, width, inputSize], 'float', `${node.name}.W`),
    b.constant(node.weights.data, [directions, width, node.hiddenSize], 'float', `${node.name}.R`),
    b.constant(bias, [directions, 2 * width], 'float', `${node.name}.B`),
    '',
    node.initialHidden ? inputs[1] : '',
    ...(node.cell === 'lstm' ? [node.initialCell ? inputs[node.initialHidden ? 2 : 1] : '', node.peepholes ? b.constant(node.peepholes, [directions, 3 * node.hiddenSize], 'float', `${node.name}.P`) : ''] : []),
  ];
  const alphas = node.activations.filter((a) => TAKES_ALPHA.has(a.name)).map((a) => a.alpha);
  const betas = node.activations.filter((a) => TAKES_BETA.has(a.name)).map((a) => a.beta);
  const attributes: Record<string, ExportAttribute> = {
    hidden_size: { int: node.hiddenSize },
    direction: { string: node.direction },
    activations: { strings: node.activations.map((a) => a.name) },
    ...(alphas.length > 0 ? { activation_alpha: { floats: alphas } } : {}),
    ...(betas.length > 0 ? { activation_beta: { floats: betas } } : {}),
    ...(node.clip === undefined ? {} : { clip: { float: node.clip } }),
    ...(node.cell === 'lstm' ? { input_forget: { int: node.inputForget ? 1 : 0 } } : {}),
    ...(node.cell === 'gru' ? { linear_before_reset: { int: node.linearBeforeReset ? 1 : 0 } } : {}),
  };
  const op = node.cell.toUpperCase();
  if (!node.batchFirst) return b.node(op, operands.slice(0, lastGiven(operands) + 1), attributes, node.output);
  // Y [time, directions, batch, hidden] to the batch-first [batch, time, directions, hidden]
  return b.node('Transpose', [b.node(op, operands.slice(0, lastGiven(operands) + 1), attributes)], { perm: { ints: [2, 0, 1, 3] } }, node.output);
}

/** Index of the last non-empty input name (absent optional inputs at the end are left out). */
function lastGiven(names: readonly string[]): number {
  let last = names.length - 1;
  while (last > 0 && names[last] === '') last--;
  return last;
}

/** Operand positions ONNX types as int64, by op type (the rest are float); the others' are float. */
const INT64_OPERANDS: Readonly<Record<string, readonly number[]>> = {
  Slice: [1, 2, 3, 4],
  Pad: [1, 3],
  Gather: [1],
  Expand: [1],
  Reshape: [1],
  Resize: [3],
  ...Object.fromEntries(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare'].map((op) => [op, [1]])),
};

/** Operand positions ONNX types as bool. */
const BOOL_OPERANDS: Readonly<Record<string, readonly number[]>> = { Where: [0] };

/** Ops whose ONNX result is bool; xbar holds it as 0 and 1. */
const BOOL_RESULTS = new Set(['Equal', 'Less', 'Greater']);

function operandType(kind: string, position: number): ExportElementType {
  if (INT64_OPERANDS[kind]?.includes(position)) return 'int64';
  if (BOOL_OPERANDS[kind]?.includes(position)) return 'bool';
  return 'float';
}

/** The node's attributes in ONNX form: enumerations back to their strings, `axes` of a reduction moved to its input. */
function tensorOpAttributes(node: TensorOpNode): Record<string, ExportAttribute> {
  const spec = TENSOR_OP_ATTRIBUTES[node.kind];
  // the importer makes tensor nodes only of the ops this table lists
  if (spec === undefined) throw new OnnxExportError(`node '${node.name}': internal: tensor op ${node.kind} has no ONNX attributes listed`);
  const out: Record<string, ExportAttribute> = {};
  for (const [name, value] of Object.entries(node.attributes)) {
    const kind = spec[name];
    if (kind === undefined || (name === 'axes' && node.kind.startsWith('Reduce'))) continue;
    if (typeof value !== 'number') out[name] = { ints: value };
    else if (kind === 'int') out[name] = { int: value };
    else if (kind === 'float') out[name] = { float: value };
    else if (typeof kind === 'object') out[name] = { string: kind[value] };
    else out[name] = { ints: [value] };
  }
  return out;
}

/** A reduction's axes as its input: the operand, else the attribute of the older opsets, else none (all axes). */
function reductionOperands(node: TensorOpNode): readonly (number | Tensor)[] {
  const axes = node.attributes.axes;
  if (!node.kind.startsWith('Reduce') || node.operands.length > 1 || !Array.isArray(axes)) return node.operands;
  const list = axes as readonly number[];
  return [...node.operands, { shape: [list.length], data: Float64Array.from(list) }];
}

function writeTensorOp(b: OnnxGraphBuilder, node: TensorOpNode, inputs: readonly string[]): string {
  const attributes = tensorOpAttributes(node);
  const names = reductionOperands(node).map((operand, position) => {
    const type = operandType(node.kind, position);
    if (typeof operand !== 'number') return b.constant(operand.data, operand.shape, type, `${node.name}.operand${position}`);
    if (type === 'float') return inputs[operand];
    return b.node('Cast', [inputs[operand]], { to: { int: type === 'int64' ? OnnxDataType.INT64 : OnnxDataType.BOOL } });
  });
  if (node.kind === 'Resize') resizeOperands(b, node, names);
  if (node.kind === 'Cast') {
    const to = typeof node.attributes.to === 'number' ? node.attributes.to : OnnxDataType.FLOAT;
    // xbar's values are float: an integer cast truncates toward zero and stays float, a float cast is the identity in float32,
    // a float16 cast rounds and comes back to float32
    if (to === OnnxDataType.FLOAT16) return b.node('Cast', [b.node('Cast', names, { to: { int: to } })], { to: { int: OnnxDataType.FLOAT } }, node.output);
    if (!castsToInteger(to)) return b.node('Identity', names, {}, node.output);
    const integer = b.node('Cast', names, { to: { int: to === OnnxDataType.BOOL ? OnnxDataType.BOOL : OnnxDataType.INT64 } });
    return b.node('Cast', [integer], { to: { int: OnnxDataType.FLOAT } }, node.output);
  }
  if (BOOL_RESULTS.has(node.kind)) return b.node('Cast', [b.node(node.kind, names, attributes)], { to: { int: OnnxDataType.FLOAT } }, node.output);
  return b.node(node.kind, names, attributes, node.output);
}

/**
 * Resize's roi, scales and sizes: an empty one absent (ONNX Runtime takes scales or sizes, not an
 * empty list of the other), an entry -1 of the sizes ("keep this axis", the batch's) read from the
 * input's shape at run time.
 */
function resizeOperands(b: OnnxGraphBuilder, node: TensorOpNode, names: string[]): void {
  node.operands.forEach((operand, position) => {
    if (position > 0 && typeof operand !== 'number' && operand.data.length === 0) names[position] = '';
  });
  const sizes = node.operands[3];
  if (sizes === undefined || typeof sizes === 'number' || !sizes.data.includes(-1)) return;
  const kept = b.constant(Array.from(sizes.data, (size) => (size === -1 ? 1 : 0)), sizes.shape, 'bool', `${node.name}.kept`);
  names[3] = b.node('Where', [kept, b.node('Shape', [names[0]]), names[3]]);
}

/**
 * The network as an ONNX model (opset EXPORT_OPSET, float32): one input, batch first with a
 * symbolic batch dimension, and the network's outputs. Weights become initializers (dense layers
 * as MatMul with Wᵀ plus the bias, convolutions as Conv), digital ops their ONNX ops. A network
 * with a node that has no faithful ONNX Runtime form (see unexportableNodes) is an OnnxExportError
 * naming each such node and why.
 */
export function exportOnnx(network: Network): Uint8Array {
  const builder = OnnxGraphBuilder.create();
  writeNetwork(builder, network);
  return builder.encode([networkInput(network)], network.outputs);
}

/** The network's input as a graph input: batch first, the batch symbolic. */
export function networkInput(network: Network): GraphInput {
  return { name: network.inputName, dims: ['batch', ...network.inputShape] };
}

/**
 * Writes every node of `network` into `builder` (each writing its output value under its own name),
 * a node for which `writeWeightNode` returns a name through that instead (another engine's form of
 * the weight layers, e.g. crossbar tiles).
 */
export function writeNetwork(builder: OnnxGraphBuilder, network: Network, writeWeightNode?: (node: WeightNode, input: string, inputShape: readonly number[]) => string | undefined): void {
  const refused = unexportableNodes(network);
  if (refused.length > 0) throw new OnnxExportError(`no ONNX form for ${refused.map((r) => `node '${r.node}' (${r.reason})`).join('; ')}`);
  const shapes = networkShapes(network);
  // ideal graphs: a recurrent layer reads its input projection itself, as ONNX's W
  const projections = writeWeightNode ? new Map<string, DenseNode>() : recurrentProjections(network);
  const projected = new Set([...projections.values()].map((dense) => dense.name));
  for (const node of network.nodes) {
    if (projected.has(node.name)) continue;
    const inputShapes = node.inputs.map((name) => shapes.get(name) ?? []);
    const replaced = isWeightNode(node) && writeWeightNode ? writeWeightNode(node, node.inputs[0], inputShapes[0]) : undefined;
    const projection = node.op === 'recurrent' ? projections.get(node.name) : undefined;
    const write = WRITERS[node.op] as NodeWriter<typeof node>;
    const output = replaced ?? (node.op === 'recurrent' && projection ? writeRecurrent(builder, node, [projection.inputs[0], ...node.inputs.slice(1)], projection) : write(builder, node, node.inputs, inputShapes));
    if (output !== node.output) throw new OnnxExportError(`node '${node.name}': internal: its ONNX form writes '${output}', not '${node.output}'`);
  }
}

/** The dense nodes that only project a recurrent node's input (read by nothing else, not an output), by the recurrent node's name. */
function recurrentProjections(network: Network): Map<string, DenseNode> {
  const readers = new Map<string, number>();
  for (const node of network.nodes) for (const name of new Set(node.inputs)) readers.set(name, (readers.get(name) ?? 0) + 1);
  const producers = new Map(network.nodes.map((node) => [node.output, node]));
  const projections = new Map<string, DenseNode>();
  for (const node of network.nodes) {
    if (node.op !== 'recurrent') continue;
    const producer = producers.get(node.inputs[0]);
    if (producer?.op === 'dense' && readers.get(producer.output) === 1 && !network.outputs.includes(producer.output)) projections.set(node.name, producer);
  }
  return projections;
}

/** A node exportOnnx cannot write, and why. */
export interface UnexportableNode {
  readonly node: string;
  readonly reason: string;
}

const ALIGN_CORNERS = RESIZE_COORDINATE_MODES.indexOf('align_corners');

/** Why `node` has no faithful ONNX Runtime form, or undefined when it has one. */
function unexportableReason(node: NetworkNode): string | undefined {
  if (node.op !== 'tensor') return undefined;
  const scales = node.operands[2];
  if (node.kind === 'Resize' && node.attributes.coordinate_transformation_mode === ALIGN_CORNERS && typeof scales !== 'number' && scales !== undefined && scales.data.length > 0) {
    return "Resize with align_corners from scales: ONNX Runtime's coordinates differ from ONNX's reference there";
  }
  return undefined;
}

/** The nodes of `network` that exportOnnx cannot write, with the reason (empty when it can write them all). */
export function unexportableNodes(network: Network): UnexportableNode[] {
  return network.nodes.flatMap((node) => {
    const reason = unexportableReason(node);
    return reason === undefined ? [] : [{ node: node.name, reason }];
  });
}
