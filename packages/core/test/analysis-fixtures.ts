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

/**
 * A residual MLP: fc1 - relu - [fc2 - relu] + skip - fc3 (32 inputs, 10 outputs). fc2 is 0.8 I plus
 * small seeded weights, so the branch's error is strongly correlated with the skip's (as in trained
 * residual blocks, which learn corrections to their input).
 */
export function exampleResidualMlp(): Network {
  const nearIdentity = weights(32, 32, 'res-fc2');
  for (let i = 0; i < nearIdentity.data.length; i++) nearIdentity.data[i] *= 0.2;
  for (let i = 0; i < 32; i++) nearIdentity.data[i * 33] += 0.8;
  return {
    inputName: 'x',
    inputShape: [32],
    outputs: ['y'],
    nodes: [
      { op: 'dense', name: 'fc1', inputs: ['x'], output: 'h1', weights: weights(32, 32, 'res-fc1'), bias: biases(32, 'res-fc1') },
      { op: 'relu', name: 'relu1', inputs: ['h1'], output: 'a1' },
      { op: 'dense', name: 'fc2', inputs: ['a1'], output: 'h2', weights: nearIdentity, bias: biases(32, 'res-fc2') },
      { op: 'relu', name: 'relu2', inputs: ['h2'], output: 'a2' },
      { op: 'add', name: 'residual', inputs: ['a2', 'a1'], output: 's' },
      { op: 'dense', name: 'fc3', inputs: ['s'], output: 'y', weights: weights(10, 32, 'res-fc3'), bias: biases(10, 'res-fc3') },
    ],
  };
}

/**
 * A residual CNN on 8x8 inputs: conv(1->4, 3x3) - relu - [conv(4->4, 3x3) - relu] + skip -
 * [conv(4->4, 3x3)] + skip (a second block on the first block's sum) - avgpool 2x2 - flatten - dense(64 -> 10).
 * The block convs are 0.6 x (centre tap identity) plus small seeded kernels.
 */
export function exampleResidualCnn(): Network {
  const conv = (name: string, input: string, output: string, inChannels: number, nearIdentity: boolean) => {
    const w = weights(4, inChannels * 9, name);
    if (nearIdentity) {
      for (let i = 0; i < w.data.length; i++) w.data[i] *= 0.3;
      for (let c = 0; c < 4; c++) w.data[c * inChannels * 9 + c * 9 + 4] += 0.6;
    }
    return {
      op: 'conv2d' as const, name, inputs: [input], output, inChannels, groups: 1,
      kernel: [3, 3] as [number, number], strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], dilations: [1, 1] as [number, number],
      weights: w, bias: biases(4, name),
    };
  };
  const window = { strides: [2, 2] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], kernel: [2, 2] as [number, number] };
  return {
    inputName: 'x',
    inputShape: [1, 8, 8],
    outputs: ['y'],
    nodes: [
      conv('conv1', 'x', 'c1', 1, false),
      { op: 'relu', name: 'relu1', inputs: ['c1'], output: 'r1' },
      conv('block1', 'r1', 'b1', 4, true),
      { op: 'relu', name: 'relu2', inputs: ['b1'], output: 'r2' },
      { op: 'add', name: 'add1', inputs: ['r2', 'r1'], output: 's1' },
      conv('block2', 's1', 'b2', 4, true),
      { op: 'add', name: 'add2', inputs: ['b2', 's1'], output: 's2' },
      { op: 'avgpool', name: 'pool', inputs: ['s2'], output: 'p', ceilMode: false, countIncludePad: false, ...window },
      { op: 'reshape', name: 'flatten', inputs: ['p'], output: 'f', shape: [64] },
      { op: 'dense', name: 'fc', inputs: ['f'], output: 'y', weights: weights(10, 64, 'res-fc'), bias: biases(10, 'res-fc') },
    ],
  };
}
