import { windowOutputSize } from './geometry.js';
import type { Network, NetworkNode, Window2d } from './graph.js';
import { RECURRENT_GATES } from './recurrent.js';
import { formatShape, shapeSize } from './tensor.js';

/** NumPy broadcast of two shapes (aligned on the right; a dimension of 1 stretches). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) throw new RangeError(`shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Output height and width of a 2-D window over an H x W input. */
export function windowOutputSize2d(height: number, width: number, window: Window2d, ceilMode = false): [number, number] {
  const [top, left, bottom, right] = window.pads;
  return [
    windowOutputSize(height, window.kernel[0], window.strides[0], window.dilations[0], { begin: top, end: bottom }, ceilMode),
    windowOutputSize(width, window.kernel[1], window.strides[1], window.dilations[1], { begin: left, end: right }, ceilMode),
  ];
}

/** Per-sample output shape of `node` given the per-sample shapes of its inputs; throws on a mismatch. */
export function nodeOutputShape(node: NetworkNode, inputShapes: readonly (readonly number[])[]): number[] {
  const [shape] = inputShapes;
  const where = `node '${node.name}' (${node.op})`;
  switch (node.op) {
    case 'dense': {
      const features = shape[shape.length - 1];
      if (shape.length === 0 || features !== node.weights.cols) {
        throw new RangeError(`${where}: input ${formatShape(shape)} does not end in the ${node.weights.cols} features the weights take`);
      }
      return [...shape.slice(0, -1), node.weights.rows];
    }
    case 'conv2d': {
      if (shape.length !== 3 || shape[0] !== node.inChannels) {
        throw new RangeError(`${where}: expects ${node.inChannels} x H x W per sample, got ${formatShape(shape)}`);
      }
      const [height, width] = windowOutputSize2d(shape[1], shape[2], node);
      return [node.weights.rows, height, width];
    }
    case 'maxpool':
    case 'avgpool': {
      if (shape.length !== 3) throw new RangeError(`${where}: expects C x H x W per sample, got ${formatShape(shape)}`);
      const [height, width] = windowOutputSize2d(shape[1], shape[2], node, node.ceilMode);
      return [shape[0], height, width];
    }
    case 'globalavgpool':
      if (shape.length < 2) throw new RangeError(`${where}: expects C x spatial... per sample, got ${formatShape(shape)}`);
      return [shape[0], ...shape.slice(1).map(() => 1)];
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'identity':
      return [...shape];
    case 'softmax':
      if (!(node.axis >= 0 && node.endAxis > node.axis && node.endAxis <= shape.length + 1)) {
        throw new RangeError(`${where}: axes [${node.axis}, ${node.endAxis}) do not fit a batch of ${formatShape(shape)}`);
      }
      return [...shape];
    case 'reshape':
      if (shapeSize(node.shape) !== shapeSize(shape)) {
        throw new RangeError(`${where}: cannot reshape ${formatShape(shape)} to ${formatShape(node.shape)}`);
      }
      return [...node.shape];
    case 'add':
      return broadcastShapes(shape, inputShapes[1]);
    case 'addConstant': {
      const out = broadcastShapes(shape, node.constantShape);
      if (out.length !== shape.length) throw new RangeError(`${where}: constant ${formatShape(node.constantShape)} has more axes than ${formatShape(shape)}`);
      return out;
    }
    case 'affine':
      if (!(node.axis >= 1 && node.axis <= shape.length) || shape[node.axis - 1] !== node.scale.length) {
        throw new RangeError(`${where}: ${node.scale.length} channels on axis ${node.axis} do not fit ${formatShape(shape)}`);
      }
      return [...shape];
    case 'tensor':
      return [...node.outputShape];
    case 'recurrent': {
      const directions = node.direction === 'bidirectional' ? 2 : 1;
      const width = directions * RECURRENT_GATES[node.cell] * node.hiddenSize;
      // per sample [time, width] when batch first, else the whole [time, 1, width] at batch 1
      const fits = node.batchFirst ? shape.length === 2 && shape[1] === width : shape.length === 3 && shape[1] === 1 && shape[2] === width;
      if (!fits) throw new RangeError(`${where}: expects the projected sequence ${node.batchFirst ? `[time, ${width}] per sample` : `[time, batch, ${width}]`}, got ${formatShape(shape)}`);
      return node.batchFirst ? [shape[0], directions, node.hiddenSize] : [shape[0], directions, 1, node.hiddenSize];
    }
  }
}

/** Per-sample shape of every value of `network`; throws naming the node when shapes do not fit. */
export function networkShapes(network: Network): Map<string, number[]> {
  const shapes = new Map<string, number[]>([[network.inputName, [...network.inputShape]]]);
  for (const node of network.nodes) {
    const inputShapes = node.inputs.map((name) => {
      const found = shapes.get(name);
      if (found === undefined) throw new RangeError(`node '${node.name}' reads '${name}', which no earlier node produces`);
      return found;
    });
    shapes.set(node.output, nodeOutputShape(node, inputShapes));
  }
  for (const name of network.outputs) {
    if (!shapes.has(name)) throw new RangeError(`network output '${name}' is not produced by any node`);
  }
  return shapes;
}
