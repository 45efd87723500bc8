import type { Matrix } from '../tensor/matrix.js';
import type { Tensor } from './tensor.js';
import type { RecurrentActivation } from './recurrent.js';
import type { TensorOpAttributes } from './tensor-ops/op.js';

/**
 * A neural network for inference: a DAG of typed nodes over named values. The input and outputs are
 * batch first. Shapes in a network are per-sample (the batch dimension left out) for values whose
 * batch is their first axis; inside the network a value may hold its batch on another axis (a
 * sequence model's [time, batch, features], attention's heads merged with the batch), and its shape
 * is then the whole value's for a batch of one. Axes stored in nodes count every axis, the batch
 * included, as ONNX does (a softmax over the classes of a B x 10 batch has axis 1). Nodes are listed in topological
 * order: every input of a node is the network input or the output of an earlier node.
 */
export interface Network {
  /** Name of the input value. */
  readonly inputName: string;
  /** Per-sample shape of the input, e.g. [1, 28, 28] for NCHW images or [784] for vectors. */
  readonly inputShape: readonly number[];
  readonly nodes: readonly NetworkNode[];
  /** Names of the output values, in order. */
  readonly outputs: readonly string[];
  /**
   * Set when the network's values mix the samples of its batch (a reduction, split or broadcast
   * along the batch axis, a constant spanning it, an output without it first): it runs on exactly
   * this many inputs at once, and its outputs are whole tensors, not one result per sample. Shapes
   * of values computed from the whole batch are then their whole shapes.
   */
  readonly wholeBatch?: number;
}

interface NodeBase {
  /** Name for messages and reports (the source model's node name). */
  readonly name: string;
  /** Names of the input values. */
  readonly inputs: readonly string[];
  /** Name of the value this node produces. */
  readonly output: string;
}

/** y = W x + b over the last axis: weights are outputs x inputs, bias has one value per output. */
export interface DenseNode extends NodeBase {
  readonly op: 'dense';
  readonly weights: Matrix;
  readonly bias: Float64Array;
}

/** Spatial settings shared by 2-D convolution and pooling: [height, width] pairs. */
export interface Window2d {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right], ONNX order (begins then ends). */
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
}

/**
 * 2-D convolution of an NCHW batch (ONNX Conv). The weight matrix is what a crossbar holds after
 * im2col: outChannels x (inChannels / groups * kernelHeight * kernelWidth), rows of group g being
 * output channels [g * outChannels / groups, (g + 1) * outChannels / groups); each row is the
 * ONNX kernel W[m, c, ky, kx] flattened in (c, ky, kx) order.
 */
export interface Conv2dNode extends NodeBase, Window2d {
  readonly op: 'conv2d';
  readonly inChannels: number;
  readonly groups: number;
  readonly weights: Matrix;
  readonly bias: Float64Array;
}

/** Max or average pooling of an NCHW batch (ONNX MaxPool / AveragePool). */
export interface Pool2dNode extends NodeBase, Window2d {
  readonly op: 'maxpool' | 'avgpool';
  /** Output size rounded up (ONNX ceil_mode). */
  readonly ceilMode: boolean;
  /** Average pooling divides by the whole window including padding (ONNX count_include_pad). */
  readonly countIncludePad: boolean;
}

/** Mean over every spatial axis (axes 2...): B x C x H x W to B x C x 1 x 1. */
export interface GlobalAveragePoolNode extends NodeBase {
  readonly op: 'globalavgpool';
}

/** Element-wise functions. */
export interface ElementwiseNode extends NodeBase {
  readonly op: 'relu' | 'sigmoid' | 'tanh' | 'identity';
}

/** Softmax normalised jointly over axes [axis, endAxis) (endAxis = axis + 1 for one axis). */
export interface SoftmaxNode extends NodeBase {
  readonly op: 'softmax';
  readonly axis: number;
  readonly endAxis: number;
}

/**
 * Same values, new shape (flatten is a reshape to [size]). Without `batchAxis` the result is batch
 * first and `shape` is its per-sample shape; with it, `shape` is the whole result's shape for a batch
 * of one, axis `batchAxis` growing with the batch (the batch merged into or moved to that axis).
 */
export interface ReshapeNode extends NodeBase {
  readonly op: 'reshape';
  readonly shape: readonly number[];
  readonly batchAxis?: number;
}

/** Sum of two values with NumPy broadcasting of the per-sample shapes (residual connections). */
export interface AddNode extends NodeBase {
  readonly op: 'add';
}

/** x + c with a constant broadcast NumPy-style against the per-sample shape. */
export interface AddConstantNode extends NodeBase {
  readonly op: 'addConstant';
  readonly constantShape: readonly number[];
  readonly constant: Float64Array;
}

/** y = scale[c] * x + shift[c] along one axis (a batch normalisation that could not be folded). */
export interface AffineNode extends NodeBase {
  readonly op: 'affine';
  readonly axis: number;
  readonly scale: Float64Array;
  readonly shift: Float64Array;
}

/**
 * A digital tensor op of ONNX's default domain (`kind`, a key of TENSOR_OPS) on whole tensors, the
 * batch included. Its operands in order: a number k is the value `inputs[k]`, a tensor is a constant
 * (full shape, broadcast NumPy-style). `outputShape` is the shape found at import: per sample when
 * the result is batch first, else the whole result's for a batch of one (the batch on another axis).
 */
export interface TensorOpNode extends NodeBase {
  readonly op: 'tensor';
  readonly kind: string;
  readonly attributes: TensorOpAttributes;
  readonly operands: readonly (number | Tensor)[];
  readonly outputShape: readonly number[];
}

/**
 * The recurrent part of an ONNX LSTM, GRU or RNN (see recurrent.ts): its first input is the
 * projected sequence W x + Wb of every step (a dense node), time x batch x directions * gates *
 * hidden, or batch x time x ... when `batchFirst` (ONNX layout 1); then the initial hidden state
 * and the initial cell state when `initialHidden` / `initialCell` (else zeros). Its output is Y,
 * time x directions x batch x hidden (batch x time x directions x hidden when batchFirst).
 */
export interface RecurrentNode extends NodeBase {
  readonly op: 'recurrent';
  readonly cell: 'lstm' | 'gru' | 'rnn';
  readonly direction: 'forward' | 'reverse' | 'bidirectional';
  readonly hiddenSize: number;
  readonly batchFirst: boolean;
  /**
   * The recurrent matrices R of every direction stacked by rows (hidden columns), in `groups` arrays
   * of equal rows: one per direction with the gates in ONNX order (LSTM i o f c, GRU z r h, RNN i),
   * or three per direction (z, r, h) for a GRU without linear_before_reset, whose candidate array
   * reads r * h instead of h.
   */
  readonly weights: Matrix;
  readonly groups: number;
  /** Rb of every direction, gates in order (added digitally). */
  readonly recurrentBias: Float64Array;
  /** LSTM peephole weights P (i o f) of every direction, if the model has them. */
  readonly peepholes?: Float64Array;
  /** Activation functions of every direction in order (LSTM f g h, GRU f g, RNN f). */
  readonly activations: readonly RecurrentActivation[];
  /** Cell clip: pre-activations are clipped to [-clip, clip]. */
  readonly clip?: number;
  /** LSTM: the forget gate is 1 - the input gate. */
  readonly inputForget: boolean;
  /** GRU: the candidate multiplies r by (R_h h + Rb_h) rather than reading r * h. */
  readonly linearBeforeReset: boolean;
  readonly initialHidden: boolean;
  readonly initialCell: boolean;
}

export type NetworkNode =
  | DenseNode
  | Conv2dNode
  | Pool2dNode
  | GlobalAveragePoolNode
  | ElementwiseNode
  | SoftmaxNode
  | ReshapeNode
  | AddNode
  | AddConstantNode
  | AffineNode
  | TensorOpNode
  | RecurrentNode;

/** The nodes holding weight matrices, the ones crossbars run. */
export type WeightNode = DenseNode | Conv2dNode | RecurrentNode;

export function isWeightNode(node: NetworkNode): node is WeightNode {
  return node.op === 'dense' || node.op === 'conv2d' || node.op === 'recurrent';
}
