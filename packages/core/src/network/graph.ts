import type { Matrix } from '../tensor/matrix.js';
import type { Tensor } from './tensor.js';
import type { TensorOpAttributes } from './tensor-ops/op.js';

/**
 * A neural network for inference: a DAG of typed nodes over named values. Shapes in a network are
 * per-sample (the batch dimension left out); axes stored in nodes count the batch as axis 0, as ONNX
 * does (a softmax over the classes of a B x 10 batch has axis 1). Nodes are listed in topological
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

/** Same values, new per-sample shape (flatten is a reshape to [size]). */
export interface ReshapeNode extends NodeBase {
  readonly op: 'reshape';
  readonly shape: readonly number[];
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
 * (full shape, broadcast NumPy-style). `outputShape` is the per-sample shape found at import.
 */
export interface TensorOpNode extends NodeBase {
  readonly op: 'tensor';
  readonly kind: string;
  readonly attributes: TensorOpAttributes;
  readonly operands: readonly (number | Tensor)[];
  readonly outputShape: readonly number[];
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
  | TensorOpNode;

/** The nodes holding weight matrices, the ones crossbars run. */
export type WeightNode = DenseNode | Conv2dNode;

export function isWeightNode(node: NetworkNode): node is WeightNode {
  return node.op === 'dense' || node.op === 'conv2d';
}
