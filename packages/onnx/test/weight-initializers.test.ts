import { isWeightNode } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { buildModel, values } from './builders.js';

describe('weight initializers of an import', () => {
  it('maps every weight node (Conv, ConvTranspose, Gemm, MatMul) to the ONNX tensor of its weights, and nothing else', () => {
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', 1, 4, 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Conv', name: 'features.0', inputs: ['x', 'conv.weight'], outputs: ['c'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { op: 'ConvTranspose', name: 'up', inputs: ['c', 'up.weight'], outputs: ['u'], attributes: { kernel_shape: [1, 1] } },
        { op: 'Relu', inputs: ['u'], outputs: ['r'] },
        { op: 'Flatten', inputs: ['r'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['h'], attributes: { transB: 1 } },
        { op: 'MatMul', name: 'head', inputs: ['h', 'head.weight'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'conv.weight', dims: [2, 1, 3, 3], values: values(18, 1) },
        { name: 'up.weight', dims: [2, 2, 1, 1], values: values(4, 2) },
        { name: 'fc.weight', dims: [3, 32], values: values(96, 3) },
        { name: 'fc.bias', dims: [3], values: values(3, 4) },
        { name: 'head.weight', dims: [3, 2], values: values(6, 5) },
      ],
    });
    const { network, weightInitializers } = importOnnx(bytes);
    expect(Object.fromEntries(weightInitializers)).toEqual({ 'features.0': 'conv.weight', up: 'up.weight', Gemm_h: 'fc.weight', head: 'head.weight' });
    expect([...weightInitializers.keys()].sort()).toEqual(network.nodes.filter(isWeightNode).map((node) => node.name).sort());
  });
});
