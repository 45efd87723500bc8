/**
 * Graphs that mix the samples of a fixed batch (a mean over the batch, a constant spanning it,
 * Gemm's transA) import as one whole batch (Network.wholeBatch): the executor runs them on exactly
 * that batch, weight layers included, and ONNX Runtime agrees.
 */
import { HardwareNetwork, ProgrammedNetwork, type Tensor, crossbarConfig, idealDevice, runNetwork, runNetworkBatched, tensor } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { OnnxRuntimeNetwork } from '../src/engine/index.js';
import { importOnnx } from '../src/index.js';
import { type ModelSpec, buildModel, floatAttribute, values } from './builders.js';

const [N, C, H, W, M] = [4, 2, 5, 5, 3];
const kernels = values(M * C * 9, 7);

/** x minus its mean over the batch, then a 3x3 convolution: batch normalisation by the batch's own statistics. */
function centredConv(batch: number | string): ModelSpec {
  return {
    input: { name: 'x', dims: [batch, C, H, W] },
    outputs: ['y'],
    nodes: [
      { op: 'ReduceMean', inputs: ['x'], outputs: ['mean'], name: 'batch-mean', attributes: { axes: [0], keepdims: 1 } },
      { op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'] },
      { op: 'Conv', inputs: ['centred', 'w'], outputs: ['y'], name: 'conv', attributes: { kernel_shape: [3, 3] } },
    ],
    initializers: [{ name: 'w', dims: [M, C, 3, 3], values: kernels }],
  };
}

/** The same convolution alone, per sample. */
const convAlone = buildModel({
  input: { name: 'x', dims: ['batch', C, H, W] },
  outputs: ['y'],
  nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { kernel_shape: [3, 3] } }],
  initializers: [{ name: 'w', dims: [M, C, 3, 3], values: kernels }],
});

function centred(x: Tensor): Tensor {
  const sample = C * H * W;
  const out = tensor([...x.shape]);
  for (let i = 0; i < sample; i++) {
    let mean = 0;
    for (let n = 0; n < N; n++) mean += x.data[n * sample + i] / N;
    for (let n = 0; n < N; n++) out.data[n * sample + i] = x.data[n * sample + i] - mean;
  }
  return out;
}

const x = tensor([N, C, H, W], Float64Array.from(values(N * C * H * W, 3)));

describe('a graph that mixes the samples of its fixed batch', () => {
  it('imports as that one whole batch; a convolution after the batch mean runs on it as on the centred inputs', () => {
    const { network } = importOnnx(buildModel(centredConv(N)));
    expect(network.wholeBatch).toBe(N);
    const [y] = runNetwork(network, x);
    const [expected] = runNetwork(importOnnx(convAlone).network, centred(x));
    expect(y.shape).toEqual(expected.shape);
    Array.from(y.data).forEach((value, i) => expect(value).toBeCloseTo(expected.data[i], 12));
    // in one piece whatever the chunk size, and on exactly its batch
    expect(Array.from(runNetworkBatched(network, x, 1)[0].data)).toEqual(Array.from(y.data));
    expect(() => runNetwork(network, tensor([N + 1, C, H, W]))).toThrow(/runs on exactly 4 inputs at once, got 5/);
  });

  it('is refused, naming the node, when the batch size is left to run time', () => {
    expect(() => importOnnx(buildModel(centredConv('batch')))).toThrow(/node 'batch-mean' \(ReduceMean\)/);
  });

  it('runs its weight layers on crossbars (ideal cells: the ideal outputs)', () => {
    const { network } = importOnnx(buildModel(centredConv(N)));
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: idealDevice.create({}), rows: 8, cols: 8 }));
    hardware.calibrate(x);
    const y = ProgrammedNetwork.program(hardware, 1, 0).run(x).get('conv')!;
    const [ideal] = runNetwork(network, x);
    Array.from(y.data).forEach((value, i) => expect(value).toBeCloseTo(ideal.data[i], 9));
  });

  it('transposes A and adds a matrix C in Gemm, as ONNX Runtime does', async () => {
    // A is [K, N]: its columns are the samples
    const [K, outputs] = [3, 2];
    const model = buildModel({
      input: { name: 'a', dims: [K, N] },
      outputs: ['y'],
      nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attributes: { transA: 1, alpha: 0.5 }, rawAttributes: [floatAttribute('beta', 2)] }],
      initializers: [
        { name: 'b', dims: [K, outputs], values: values(K * outputs, 5) },
        { name: 'c', dims: [N, outputs], values: values(N * outputs, 6) },
      ],
    });
    const { network } = importOnnx(model);
    expect(network.wholeBatch).toBe(K);
    const a = tensor([K, N], Float64Array.from(values(K * N, 8)));
    const [y] = runNetwork(network, a);
    const b = values(K * outputs, 5);
    const c = values(N * outputs, 6);
    expect(y.shape).toEqual([N, outputs]);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < outputs; o++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += a.data[k * N + n] * b[k * outputs + o];
        expect(y.data[n * outputs + o]).toBeCloseTo(0.5 * sum + 2 * c[n * outputs + o], 12);
      }
    }
    const engine = await OnnxRuntimeNetwork.create(network);
    try {
      const [ours] = await engine.run(a);
      expect(ours.shape).toEqual(y.shape);
      Array.from(ours.data).forEach((value, i) => expect(value).toBeCloseTo(y.data[i], 5));
    } finally {
      await engine.release();
    }
  });
});
