import { HardwareNetwork, ProgrammedNetwork, TENSOR_OPS, crossbarConfig, erf, idealDevice, runNetwork, tensor } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { SUPPORTED_OPS, importOnnx } from '../src/index.js';
import { TENSOR_OP_ATTRIBUTES } from '../src/tensor-op-specs.js';
import { type AttributeValue, type ModelSpec, floatAttribute, values } from './builders.js';
import { buildModel } from './builders.js';

// An attention-like block of digital tensor ops around one weight layer, against a direct float64
// computation: LayerNormalization, a constant MatMul (a dense layer on crossbars), Transpose, MatMul of
// two activations, Mul by a constant, Softmax, Gelu, ReduceMean, Neg, Concat and Slice.

const [T, D] = [4, 6];
// float32 values, as the model stores them
const scale = values(D, 1).map((v) => Math.fround(0.5 + v));
const shift = values(D, 2).map(Math.fround);
const w = values(D * D, 3).map((v) => Math.fround(v - 0.5));

const spec: ModelSpec = {
  input: { name: 'x', dims: ['batch', T, D] },
  outputs: ['y'],
  opset: 17,
  nodes: [
    { op: 'LayerNormalization', inputs: ['x', 'scale', 'shift'], outputs: ['n'], attributes: { axis: -1 }, rawAttributes: [floatAttribute('epsilon', 1e-5)] },
    { op: 'MatMul', inputs: ['n', 'w'], outputs: ['q'] },
    { op: 'Transpose', inputs: ['q'], outputs: ['qt'], attributes: { perm: [0, 2, 1] } },
    { op: 'MatMul', inputs: ['q', 'qt'], outputs: ['s'] },
    { op: 'Mul', inputs: ['s', 'half'], outputs: ['s2'] },
    { op: 'Softmax', inputs: ['s2'], outputs: ['a'], attributes: { axis: -1 } },
    { op: 'MatMul', inputs: ['a', 'q'], outputs: ['c'] },
    { op: 'Gelu', inputs: ['c'], outputs: ['g'], domain: '' },
    { op: 'ReduceMean', inputs: ['g'], outputs: ['r'], attributes: { axes: [1], keepdims: 0 } },
    { op: 'Neg', inputs: ['r'], outputs: ['m'] },
    { op: 'Concat', inputs: ['r', 'm'], outputs: ['cat'], attributes: { axis: 1 } },
    { op: 'Slice', inputs: ['cat', 'starts', 'ends', 'axes'], outputs: ['y'] },
  ],
  initializers: [
    { name: 'scale', dims: [D], values: scale },
    { name: 'shift', dims: [D], values: shift },
    { name: 'w', dims: [D, D], values: w },
    { name: 'half', dims: [], values: [0.5] },
    { name: 'starts', dims: [1], values: [2], type: 'int64' },
    { name: 'ends', dims: [1], values: [9], type: 'int64' },
    { name: 'axes', dims: [1], values: [1], type: 'int64' },
  ],
};

/** The block for one sample (T x D), computed directly. */
function reference(x: readonly number[]): number[] {
  const rows = Array.from({ length: T }, (_, t) => x.slice(t * D, (t + 1) * D));
  const q = rows.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / D;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / D;
    const n = row.map((v, d) => ((v - mean) / Math.sqrt(variance + 1e-5)) * scale[d] + shift[d]);
    return Array.from({ length: D }, (_, o) => n.reduce((sum, v, i) => sum + v * w[i * D + o], 0));
  });
  const attention = q.map((qi) => {
    const s = q.map((qj) => 0.5 * qi.reduce((sum, v, d) => sum + v * qj[d], 0));
    const top = Math.max(...s);
    const e = s.map((v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  });
  const g = attention.map((a) => Array.from({ length: D }, (_, d) => a.reduce((sum, v, j) => sum + v * q[j][d], 0))).map((row) => row.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))));
  const r = Array.from({ length: D }, (_, d) => g.reduce((sum, row) => sum + row[d], 0) / T);
  return [...r, ...r.map((v) => -v)].slice(2, 9);
}

describe('digital tensor ops (core TENSOR_OPS) imported from ONNX', () => {
  const network = importOnnx(buildModel(spec)).network;
  const batch = 3;
  const input = values(batch * T * D, 9).map((v) => 4 * v - 2);

  it('compute an attention block as ONNX defines it, for every sample of a batch', () => {
    const [y] = runNetwork(network, tensor([batch, T, D], Float64Array.from(input)));
    expect(y.shape).toEqual([batch, 7]);
    for (let b = 0; b < batch; b++) {
      const expected = reference(input.slice(b * T * D, (b + 1) * T * D));
      Array.from(y.data.subarray(b * 7, (b + 1) * 7)).forEach((value, i) => expect(value).toBeCloseTo(expected[i], 12));
    }
    expect(network.nodes.filter((node) => node.op === 'dense')).toHaveLength(1);
    expect(network.nodes.filter((node) => node.op === 'tensor').map((node) => (node.op === 'tensor' ? node.kind : ''))).toEqual(['LayerNormalization', 'Transpose', 'MatMul', 'Mul', 'MatMul', 'Gelu', 'ReduceMean', 'Neg', 'Concat', 'Slice']);
  });

  it('run digitally around the weight layer on crossbars (ideal device: the ideal outputs)', () => {
    const x = tensor([batch, T, D], Float64Array.from(input));
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: idealDevice.create({}), rows: 8, cols: 8 }));
    hardware.calibrate(x);
    const y = ProgrammedNetwork.program(hardware, 1, 0).run(x).get(network.nodes.at(-1)!.name)!;
    const [ideal] = runNetwork(network, x);
    Array.from(y.data).forEach((value, i) => expect(value).toBeCloseTo(ideal.data[i], 9));
  });

  it('are one list: the importer maps exactly core ops it reads the attributes of', () => {
    expect(Object.keys(TENSOR_OP_ATTRIBUTES).sort()).toEqual(Object.keys(TENSOR_OPS).sort());
    for (const op of Object.keys(TENSOR_OPS)) expect(SUPPORTED_OPS).toContain(op);
  });

  it('refuse a graph output whose batch is not its first axis, and ops that reduce or mix the batch, naming the node', () => {
    const moved = buildModel({ input: { name: 'x', dims: ['batch', T, D] }, outputs: ['y'], nodes: [{ op: 'Transpose', inputs: ['x'], outputs: ['y'], name: 'swap', attributes: { perm: [1, 0, 2] } }] });
    expect(() => importOnnx(moved)).toThrow(/graph output 'y' has the batch on axis 1 of \[4, batch, 6\]/);
    const mixed = buildModel({
      input: { name: 'x', dims: ['batch', T, D] },
      outputs: ['y'],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: { perm: [1, 0, 2] } },
        { op: 'LayerNormalization', inputs: ['t', 'gamma'], outputs: ['c'], name: 'norm', attributes: { axis: 1 } },
        { op: 'Transpose', inputs: ['c'], outputs: ['y'], attributes: { perm: [1, 0, 2] } },
      ],
      initializers: [{ name: 'gamma', dims: [D], values: Array.from({ length: D }, () => 1) }],
      opset: 17,
    });
    // normalising over axes [1, 3) of [T, batch, D] keeps the shape and mixes the samples
    expect(() => importOnnx(mixed)).toThrow(/node 'norm' \(LayerNormalization\): the result of a sample depends on the other samples/);
    const softmaxOverBatch = buildModel({
      input: { name: 'x', dims: ['batch', T, D] },
      outputs: ['y'],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: { perm: [1, 0, 2] } },
        { op: 'ReduceMax', inputs: ['t'], outputs: ['m'], name: 'peak', attributes: { axes: [1], keepdims: 1 } },
        { op: 'Sub', inputs: ['t', 'm'], outputs: ['c'] },
        { op: 'Transpose', inputs: ['c'], outputs: ['y'], attributes: { perm: [1, 0, 2] } },
      ],
      opset: 17,
    });
    expect(() => importOnnx(softmaxOverBatch)).toThrow(/node 'peak' \(ReduceMax\): the result does not keep one axis for the batch/);
    // with a fixed batch of 1 in the model, a sum over the batch looked batch-preserving: it is
    // imported as that one whole batch, and refuses to mix the samples of a larger one
    const summed = buildModel({ input: { name: 'x', dims: [1, D] }, outputs: ['y'], nodes: [{ op: 'ReduceSum', inputs: ['x', 'zero'], outputs: ['y'], name: 'total' }], initializers: [{ name: 'zero', dims: [1], values: [0], type: 'int64' }] });
    const { network } = importOnnx(summed);
    expect(network.wholeBatch).toBe(1);
    expect(() => runNetwork(network, tensor([2, D]))).toThrow(/runs on exactly 1 inputs at once, got 2/);
  });

  it('read the older attribute forms: Slice before opset 10, Clip before 11', () => {
    const model = buildModel({
      input: { name: 'x', dims: ['batch', 5] },
      outputs: ['y'],
      opset: 9,
      nodes: [
        { op: 'Slice', inputs: ['x'], outputs: ['s'], attributes: { starts: [1], ends: [4], axes: [1] } },
        { op: 'Clip', inputs: ['s'], outputs: ['y'], rawAttributes: [floatAttribute('min', -0.5), floatAttribute('max', 0.5)] },
      ],
    });
    const [y] = runNetwork(importOnnx(model).network, tensor([2, 5], Float64Array.of(-2, -0.25, 0, 0.25, 2, 1, 0.75, -0.75, 0.1, 3)));
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([-0.25, 0, 0.25, 0.5, -0.5, 0.1]);
    const clipInputs = buildModel({ input: { name: 'x', dims: ['batch', 2] }, outputs: ['y'], opset: 9, nodes: [{ op: 'Clip', inputs: ['x', 'lo'], outputs: ['y'] }], initializers: [{ name: 'lo', dims: [], values: [0] }] });
    expect(() => importOnnx(clipInputs)).toThrow(/\(Clip\): before opset 11, Clip takes one input and its min, max as attributes/);
  });
});


describe('Pad and Split against ONNX Runtime', () => {
  const batch = 2;
  const input = Float32Array.from(values(batch * 3 * 4, 21));
  const run = async (bytes: Uint8Array, outputs: string[]) => {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const expected = await session.run({ x: new ort.Tensor('float32', input, [batch, 3, 4]) });
    const { network } = importOnnx(bytes);
    const ours = runNetwork(network, tensor([batch, 3, 4], Float64Array.from(input)));
    outputs.forEach((name, k) => {
      expect(ours[k].shape).toEqual([...expected[name].dims]);
      (expected[name].data as Float32Array).forEach((value, i) => expect(ours[k].data[i]).toBeCloseTo(value, 6));
    });
  };

  it.each([
    { mode: 'constant', pads: [0, 1, 2, 0, 2, 1], opset: 13 },
    { mode: 'reflect', pads: [0, 2, 3, 0, 1, 2], opset: 13 },
    { mode: 'edge', pads: [0, 2, 1, 0, 0, 3], opset: 13 },
    { mode: 'wrap', pads: [0, 1, 2, 0, 3, 1], opset: 19 },
    { mode: 'constant', pads: [0, -1, 1, 0, 0, -2], opset: 13 },
  ])('Pad $mode, pads $pads', async ({ mode, pads, opset }) => {
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', 3, 4] },
      outputs: ['y'],
      opset,
      nodes: [{ op: 'Pad', inputs: ['x', 'pads', 'value'], outputs: ['y'], attributes: { mode } }],
      initializers: [{ name: 'pads', dims: [6], values: pads, type: 'int64' }, { name: 'value', dims: [], values: [0.5] }],
    });
    await run(bytes, ['y']);
  });

  it('Split into given and equal parts, one Slice per used output', async () => {
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', 3, 4] },
      outputs: ['a', 'b', 'c', 'd'],
      nodes: [
        { op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b'], attributes: { axis: 2 } },
        { op: 'Split', inputs: ['x'], outputs: ['c', 'unused', 'd'], attributes: { axis: 1 } },
      ],
      initializers: [{ name: 'sizes', dims: [2], values: [1, 3], type: 'int64' }],
    });
    await run(bytes, ['a', 'b', 'c', 'd']);
    const batchSplit = buildModel({ input: { name: 'x', dims: ['batch', 3, 4] }, outputs: ['a'], nodes: [{ op: 'Split', inputs: ['x'], outputs: ['a', 'b'], name: 'halves' }] });
    expect(() => importOnnx(batchSplit)).toThrow(/node 'halves' \(Split\): splitting the batch axis 0 is not supported/);
  });
});

describe('ConvTranspose 1-D and 2-D (a stride-1 conv on crossbars after zero stuffing) against ONNX Runtime', () => {
  const [batch, C, H, W] = [2, 4, 3, 5];
  const input = Float32Array.from(values(batch * C * H * W, 31));
  const cases: { name: string; attributes: Record<string, AttributeValue>; group: number; k: number[] }[] = [
    { name: 'defaults', attributes: {}, group: 1, k: [3, 3] },
    { name: 'stride 2, pads, output_padding', attributes: { strides: [2, 2], pads: [1, 0, 1, 2], output_padding: [1, 0] }, group: 1, k: [3, 2] },
    { name: 'grouped, dilated, stride 3 x 1', attributes: { strides: [3, 1], dilations: [2, 1], pads: [0, 1, 2, 0] }, group: 2, k: [2, 3] },
    { name: 'pads larger than the kernel (cropping)', attributes: { strides: [2, 2], pads: [3, 3, 2, 2] }, group: 1, k: [3, 3] },
    { name: 'output_shape', attributes: { strides: [2, 2], output_shape: [8, 11] }, group: 1, k: [3, 3] },
    { name: 'SAME_UPPER', attributes: { strides: [2, 2], auto_pad: 'SAME_UPPER' }, group: 1, k: [3, 3] },
    { name: 'SAME_LOWER', attributes: { strides: [2, 3], auto_pad: 'SAME_LOWER' }, group: 1, k: [3, 2] },
  ];
  it.each(cases)('$name', async ({ attributes, group, k }) => {
    const outPerGroup = 3;
    const wSize = C * outPerGroup * k[0] * k[1];
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', C, H, W] },
      outputs: ['y'],
      nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w', 'b'], outputs: ['y'], name: 'up', attributes: { ...attributes, group } }],
      initializers: [{ name: 'w', dims: [C, outPerGroup, k[0], k[1]], values: values(wSize, 32) }, { name: 'b', dims: [outPerGroup * group], values: values(outPerGroup * group, 33) }],
    });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const expected = (await session.run({ x: new ort.Tensor('float32', input, [batch, C, H, W]) })).y;
    const { network } = importOnnx(bytes);
    expect(network.nodes.filter((node) => node.op === 'conv2d').map((node) => node.name)).toEqual(['up']);
    const [ours] = runNetwork(network, tensor([batch, C, H, W], Float64Array.from(input)));
    expect(ours.shape).toEqual([...expected.dims]);
    (expected.data as Float32Array).forEach((value, i) => expect(ours.data[i]).toBeCloseTo(value, 5));
  });

  it.each([
    { name: '1-D defaults', attributes: {}, k: 3 },
    { name: '1-D stride 2, pads, output_padding, grouped', attributes: { strides: [2], pads: [1, 2], output_padding: [1], group: 2 }, k: 4 },
    { name: '1-D SAME_UPPER, dilated', attributes: { strides: [3], dilations: [2], auto_pad: 'SAME_UPPER' }, k: 2 },
  ] as { name: string; attributes: Record<string, AttributeValue>; k: number }[])('$name (a 2-D one of height 1)', async ({ attributes, k }) => {
    const [L, outPerGroup] = [7, 3];
    const group = typeof attributes.group === 'number' ? attributes.group : 1;
    const signal = Float32Array.from(values(batch * C * L, 34));
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', C, L] },
      outputs: ['y'],
      nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w', 'b'], outputs: ['y'], name: 'up', attributes }],
      initializers: [{ name: 'w', dims: [C, outPerGroup, k], values: values(C * outPerGroup * k, 35) }, { name: 'b', dims: [outPerGroup * group], values: values(outPerGroup * group, 36) }],
    });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const expected = (await session.run({ x: new ort.Tensor('float32', signal, [batch, C, L]) })).y;
    const [ours] = runNetwork(importOnnx(bytes).network, tensor([batch, C, L], Float64Array.from(signal)));
    expect(ours.shape).toEqual([...expected.dims]);
    (expected.data as Float32Array).forEach((value, i) => expect(ours.data[i]).toBeCloseTo(value, 5));
  });
});

describe('Resize (nearest, linear, cubic) against ONNX Runtime', () => {
  const [batch, C, H, W] = [2, 2, 3, 4];
  const input = Float32Array.from(values(batch * C * H * W, 41));
  const cases: { name: string; attributes: Record<string, AttributeValue>; scales?: number[]; sizes?: number[] }[] = [
    { name: 'nearest x2 (nn.Upsample)', attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, scales: [1, 1, 2, 2] },
    { name: 'nearest half_pixel round_prefer_floor, to sizes', attributes: { mode: 'nearest' }, sizes: [batch, C, 5, 7] },
    { name: 'nearest round_prefer_ceil, downscale', attributes: { mode: 'nearest', nearest_mode: 'round_prefer_ceil' }, scales: [1, 1, 0.7, 0.5] },
    { name: 'linear half_pixel (bilinear, align_corners False)', attributes: { mode: 'linear' }, scales: [1, 1, 2, 1.5] },
    { name: 'linear pytorch_half_pixel', attributes: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, sizes: [batch, C, 1, 9] },
    { name: 'linear align_corners', attributes: { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, sizes: [batch, C, 6, 5] },
    { name: 'linear asymmetric, ceil nearest mode ignored', attributes: { mode: 'linear', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'ceil' }, scales: [1, 1, 1.5, 2] },
    { name: 'cubic half_pixel (bicubic, align_corners False)', attributes: { mode: 'cubic' }, scales: [1, 1, 2, 2] },
    { name: 'cubic A = -0.5, exclude_outside, downscale to sizes', attributes: { mode: 'cubic', cubic_coeff_a: -0.5, exclude_outside: 1 }, sizes: [batch, C, 2, 3] },
    { name: 'cubic align_corners', attributes: { mode: 'cubic', coordinate_transformation_mode: 'align_corners' }, sizes: [batch, C, 5, 6] },
    { name: 'nearest tf_half_pixel_for_nn', attributes: { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn' }, scales: [1, 1, 1.5, 1.5] },
    { name: 'linear half_pixel_symmetric', attributes: { mode: 'linear', coordinate_transformation_mode: 'half_pixel_symmetric' }, scales: [1, 1, 1.7, 2.3] },
  ];
  it.each(cases)('$name', async ({ attributes, scales, sizes }) => {
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', C, H, W] },
      outputs: ['y'],
      // sizes as PyTorch exports interpolate(size=...): the batch and channels read from Shape(x)
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
        { op: 'Slice', inputs: ['shape', 'zero', 'two'], outputs: ['leading'] },
        { op: 'Concat', inputs: ['leading', 'spatial'], outputs: ['sizes'], attributes: { axis: 0 } },
        { op: 'Resize', inputs: ['x', '', scales ? 'scales' : '', ...(sizes ? ['sizes'] : [])], outputs: ['y'], attributes },
      ],
      initializers: [
        ...(scales ? [{ name: 'scales', dims: [4], values: scales }] : []),
        { name: 'spatial', dims: [2], values: sizes?.slice(2) ?? [1, 1], type: 'int64' as const },
        { name: 'zero', dims: [1], values: [0], type: 'int64' as const },
        { name: 'two', dims: [1], values: [2], type: 'int64' as const },
      ],
    });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const expected = (await session.run({ x: new ort.Tensor('float32', input, [batch, C, H, W]) })).y;
    const [ours] = runNetwork(importOnnx(bytes).network, tensor([batch, C, H, W], Float64Array.from(input)));
    expect(ours.shape).toEqual([...expected.dims]);
    (expected.data as Float32Array).forEach((value, i) => expect(ours.data[i]).toBeCloseTo(value, 5));
  });

  it('refuses what it does not compute, naming the node', () => {
    const crop = buildModel({ input: { name: 'x', dims: ['batch', C, H, W] }, outputs: ['y'], nodes: [{ op: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], name: 'up', attributes: { coordinate_transformation_mode: 'tf_crop_and_resize' } }], initializers: [{ name: 's', dims: [4], values: [1, 1, 2, 2] }] });
    // tf_crop_and_resize without its region of interest
    expect(() => importOnnx(crop)).toThrow(/node 'up' \(Resize\): Resize with tf_crop_and_resize needs a roi of 8 values \(starts, then ends\) for \[\d+, \d+, \d+, \d+\], got 0/);
    const batchScaled = buildModel({ input: { name: 'x', dims: ['batch', C, H, W] }, outputs: ['y'], nodes: [{ op: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], name: 'up' }], initializers: [{ name: 's', dims: [4], values: [2, 1, 1, 1] }] });
    expect(() => importOnnx(batchScaled)).toThrow(/node 'up' \(Resize\): the result merges the batch/);
  });
});
