import type { Network, NetworkNode, ReshapeNode } from './graph.js';
import {
  affineForward,
  broadcastAdd,
  conv2dForward,
  denseForward,
  elementwiseForward,
  globalAveragePoolForward,
  pool2dForward,
  softmaxForward,
} from './kernels.js';
import { recurrentForward } from './recurrent.js';
import { networkShapes } from './shapes.js';
import { tensorOpForward } from './tensor-ops/node.js';
import { type Tensor, batchSlice, formatShape, sameShape, shapeSize, tensor } from './tensor.js';

/** Runs one node on its input tensors (batch first) with the float64 reference kernels. */
export function evaluateNode(node: NetworkNode, inputs: readonly Tensor[]): Tensor {
  const [x] = inputs;
  switch (node.op) {
    case 'dense':
      return denseForward(x, node);
    case 'conv2d':
      return conv2dForward(x, node);
    case 'maxpool':
    case 'avgpool':
      return pool2dForward(x, node);
    case 'globalavgpool':
      return globalAveragePoolForward(x);
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'identity':
      return elementwiseForward(x, node.op);
    case 'softmax':
      return softmaxForward(x, node);
    case 'reshape':
      return reshapeForward(x, node);
    case 'add':
      return broadcastAdd(x, inputs[1]);
    case 'addConstant':
      return broadcastAdd(x, { shape: [1, ...node.constantShape], data: node.constant });
    case 'affine':
      return affineForward(x, node);
    case 'tensor':
      return tensorOpForward(node, inputs);
    case 'recurrent':
      return recurrentForward(node, inputs);
  }
}

/** A reshape node on a whole batch: the batch size is what the values hold beyond one sample's. */
function reshapeForward(x: Tensor, node: ReshapeNode): Tensor {
  const sampleSize = shapeSize(node.shape);
  const batch = sampleSize === 0 ? x.shape[0] : x.data.length / sampleSize;
  if (node.batchAxis === undefined) return { shape: [batch, ...node.shape], data: x.data };
  return { shape: node.shape.map((dim, axis) => (axis === node.batchAxis ? dim * batch : dim)), data: x.data };
}

/**
 * Checks that `input` is a batch of the network's input (B x inputShape) and returns B. A single
 * sample without the batch axis is refused: callers add the axis themselves.
 */
export function checkNetworkInput(network: Network, input: Tensor): number {
  if (input.shape.length !== network.inputShape.length + 1 || !sameShape(input.shape.slice(1), network.inputShape)) {
    throw new RangeError(`the network takes a batch B x ${formatShape(network.inputShape).slice(1, -1).replaceAll(', ', ' x ')}, got ${formatShape(input.shape)}`);
  }
  if (network.wholeBatch !== undefined && input.shape[0] !== network.wholeBatch) {
    throw new RangeError(`the network mixes the samples of its batch and runs on exactly ${network.wholeBatch} inputs at once, got ${input.shape[0]}`);
  }
  return input.shape[0];
}

/** A node evaluator: the float64 kernels by default; hardware runners substitute weight nodes. */
export type NodeEvaluator = (node: NetworkNode, inputs: readonly Tensor[]) => Tensor;

/**
 * Exact float64 inference of a batch (B x inputShape); returns the network outputs in order, each
 * B x its per-sample shape. Values no later node reads are released as soon as possible.
 */
export function runNetwork(network: Network, input: Tensor, evaluate: NodeEvaluator = evaluateNode): Tensor[] {
  checkNetworkInput(network, input);
  const lastUse = new Map<string, number>();
  network.nodes.forEach((node, index) => node.inputs.forEach((name) => lastUse.set(name, index)));
  for (const name of network.outputs) lastUse.set(name, Infinity);
  const values = new Map<string, Tensor>([[network.inputName, input]]);
  network.nodes.forEach((node, index) => {
    const inputs = node.inputs.map((name) => {
      const value = values.get(name);
      if (value === undefined) throw new RangeError(`node '${node.name}' reads '${name}', which no earlier node produces`);
      return value;
    });
    values.set(node.output, evaluate(node, inputs));
    for (const name of node.inputs) if ((lastUse.get(name) ?? -1) <= index) values.delete(name);
  });
  return network.outputs.map((name) => {
    const value = values.get(name);
    if (value === undefined) throw new RangeError(`network output '${name}' was not produced`);
    return value;
  });
}

/**
 * runNetwork over a large batch in chunks of `batchSize` samples, outputs concatenated. A network
 * with a whole batch (Network.wholeBatch) runs in one piece whatever `batchSize` says.
 */
export function runNetworkBatched(network: Network, input: Tensor, batchSize = 256, evaluate: NodeEvaluator = evaluateNode, onBatch?: (samples: number) => void): Tensor[] {
  const total = checkNetworkInput(network, input);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a whole number >= 1, got ${batchSize}`);
  if (network.wholeBatch !== undefined) {
    const results = runNetwork(network, input, evaluate);
    onBatch?.(total);
    return results;
  }
  const shapes = networkShapes(network);
  const outputs = network.outputs.map((name) => tensor([total, ...(shapes.get(name) ?? [])]));
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const results = runNetwork(network, batchSlice(input, start, count), evaluate);
    results.forEach((result, i) => {
      const sampleSize = shapeSize(outputs[i].shape.slice(1));
      outputs[i].data.set(result.data, start * sampleSize);
    });
    onBatch?.(count);
  }
  return outputs;
}
