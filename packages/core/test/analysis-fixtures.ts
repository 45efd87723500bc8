import { type Network, type Tensor, createRng, matrix, tensor } from '../src/index.js';

/** Seeded N(0, 1/fanIn) weights. */
function weights(rows: number, cols: number, seed: string) {
  const m = matrix(rows, cols);
  createRng(seed, 'weights').fillNormal(m.data);
  const scale = Math.sqrt(2 / cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] *= scale;
  return m;
}

function biases(count: number, seed: string, scale = 0.1): Float64Array {
  const b = new Float64Array(count);
  createRng(seed, 'bias').fillNormal(b);
  for (let i = 0; i < count; i++) b[i] *= scale;
  return b;
}

/** A 64-32-10 MLP with ReLU hidden layers (random seeded weights). */
export function exampleMlp(): Network {
  return {
    inputName: 'x',
    inputShape: [64],
    outputs: ['y'],
    nodes: [
      { op: 'dense', name: 'fc1', inputs: ['x'], output: 'h1', weights: weights(32, 64, 'fc1'), bias: biases(32, 'fc1') },
      { op: 'relu', name: 'relu1', inputs: ['h1'], output: 'a1' },
      { op: 'dense', name: 'fc2', inputs: ['a1'], output: 'y', weights: weights(10, 32, 'fc2'), bias: biases(10, 'fc2') },
    ],
  };
}

/** conv(1->4, 3x3, pad 1) - relu - maxpool 2x2 - flatten - dense(64 -> 10) on 8x8 inputs. */
export function exampleCnn(pool: 'maxpool' | 'avgpool' = 'maxpool'): Network {
  const window = { strides: [2, 2] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], kernel: [2, 2] as [number, number] };
  return {
    inputName: 'x',
    inputShape: [1, 8, 8],
    outputs: ['y'],
    nodes: [
      {
        op: 'conv2d', name: 'conv1', inputs: ['x'], output: 'c1', inChannels: 1, groups: 1,
        kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1],
        weights: weights(4, 9, 'conv1'), bias: biases(4, 'conv1'),
      },
      { op: 'relu', name: 'relu1', inputs: ['c1'], output: 'r1' },
      { op: pool, name: 'pool1', inputs: ['r1'], output: 'p1', ceilMode: false, countIncludePad: false, ...window },
      { op: 'reshape', name: 'flatten', inputs: ['p1'], output: 'f1', shape: [64] },
      { op: 'dense', name: 'fc', inputs: ['f1'], output: 'y', weights: weights(10, 64, 'fc'), bias: biases(10, 'fc') },
    ],
  };
}

/** B seeded inputs uniform in [0, 1) of the given per-sample shape. */
export function exampleInputs(batch: number, shape: readonly number[], seed = 'inputs'): Tensor {
  const x = tensor([batch, ...shape]);
  createRng(seed).fillUniform(x.data);
  return x;
}
