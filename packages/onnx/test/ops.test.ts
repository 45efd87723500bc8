import { type Tensor, runNetwork, tensor } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { OnnxImportError, importOnnx } from '../src/index.js';
import { type ModelSpec, type NodeSpec, buildModel, floatAttribute, values } from './builders.js';
import { type WindowSpec, referenceConv, referencePool } from './reference.js';

function run(spec: ModelSpec, input: Tensor): Tensor {
  return runNetwork(importOnnx(buildModel(spec)).network, input)[0];
}

function expectClose(actual: Float64Array, expected: ArrayLike<number>, tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tolerance);
}

const single = (op: string, attributes: NodeSpec['attributes'] = {}, extraInputs: string[] = []): NodeSpec => ({ op, inputs: ['x', ...extraInputs], outputs: ['y'], attributes });

describe('Gemm and MatMul', () => {
  const x = tensor([3, 4], Float64Array.from(values(12, 1)));
  const w = values(20, 2); // 4 x 5 (K x N) or, transposed, 5 x 4
  const c = values(5, 3);

  it.each([
    { transB: 0, alpha: 1, beta: 1, raw: false },
    { transB: 1, alpha: 2, beta: 0.5, raw: true },
  ])('computes alpha x B + beta C (transB $transB, alpha $alpha, beta $beta, raw_data $raw)', ({ transB, alpha, beta, raw }) => {
    const y = run(
      {
        input: { name: 'x', dims: ['batch', 4] },
        outputs: ['y'],
        nodes: [{ op: 'Gemm', inputs: ['x', 'w', 'c'], outputs: ['y'], attributes: { transB }, rawAttributes: [floatAttribute('alpha', alpha), floatAttribute('beta', beta)] }],
        initializers: [
          { name: 'w', dims: transB ? [5, 4] : [4, 5], values: w, raw },
          { name: 'c', dims: [1, 5], values: c },
        ],
      },
      x,
    );
    const expected = new Float64Array(15);
    for (let b = 0; b < 3; b++)
      for (let n = 0; n < 5; n++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += x.data[b * 4 + k] * (transB ? w[n * 4 + k] : w[k * 5 + n]);
        expected[b * 5 + n] = alpha * sum + beta * c[n];
      }
    expect(y.shape).toEqual([3, 5]);
    expectClose(y.data, expected);
  });

  it('folds MatMul + Add into one dense layer with bias, and keeps a non-bias Add as a node', () => {
    const spec: ModelSpec = {
      input: { name: 'x', dims: ['batch', 4] },
      outputs: ['z'],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
        { op: 'Add', inputs: ['c', 'm'], outputs: ['y'] },
        { op: 'Relu', inputs: ['y'], outputs: ['r'] },
        { op: 'Add', inputs: ['r', 'd'], outputs: ['z'] },
      ],
      initializers: [
        { name: 'w', dims: [4, 5], values: w },
        { name: 'c', dims: [5], values: c },
        { name: 'd', dims: [1, 1], values: [0.25] },
      ],
    };
    const { network } = importOnnx(buildModel(spec));
    expect(network.nodes.map((n) => n.op)).toEqual(['dense', 'relu', 'addConstant']);
    const y = runNetwork(network, x)[0];
    for (let b = 0; b < 3; b++)
      for (let n = 0; n < 5; n++) {
        let sum = c[n];
        for (let k = 0; k < 4; k++) sum += x.data[b * 4 + k] * w[k * 5 + n];
        expect(y.data[b * 5 + n]).toBeCloseTo(Math.max(sum, 0) + 0.25, 12);
      }
  });

  it('adds two activations (residual) with broadcasting', () => {
    const y = run(
      {
        input: { name: 'x', dims: ['batch', 2, 3] },
        outputs: ['y'],
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'] },
          { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] },
        ],
      },
      tensor([1, 2, 3], Float64Array.from([-1, 2, -3, 4, -5, 6])),
    );
    expect([...y.data]).toEqual([-1, 4, -3, 8, -5, 12]);
  });
});

describe('activations', () => {
  const input = tensor([2, 2, 3], Float64Array.from(values(12, 4).map((v) => 3 * v)));

  it('Relu, Sigmoid, Tanh, Identity and Dropout (ignored) compose element-wise', () => {
    const y = run(
      {
        input: { name: 'x', dims: ['batch', 2, 3] },
        outputs: ['y'],
        opset: 12,
        nodes: [
          { op: 'Sigmoid', inputs: ['x'], outputs: ['s'] },
          { op: 'Dropout', inputs: ['s', 'ratio'], outputs: ['d', ''], attributes: { seed: 3 } },
          { op: 'Tanh', inputs: ['d'], outputs: ['t'] },
          { op: 'Identity', inputs: ['t'], outputs: ['i'] },
          { op: 'Relu', inputs: ['i'], outputs: ['y'] },
        ],
        initializers: [{ name: 'ratio', dims: [], values: [0.5] }],
      },
      input,
    );
    expectClose(y.data, Array.from(input.data, (v) => Math.max(0, Math.tanh(1 / (1 + Math.exp(-v))))));
  });

  it('Softmax normalises one axis from opset 13 and the flattened trailing axes before', () => {
    const last = run({ input: { name: 'x', dims: ['batch', 2, 3] }, outputs: ['y'], nodes: [single('Softmax')], opset: 13 }, input);
    const coerced = run({ input: { name: 'x', dims: ['batch', 2, 3] }, outputs: ['y'], nodes: [single('Softmax')], opset: 11 }, input);
    const softmax = (xs: number[]) => xs.map((v) => Math.exp(v) / xs.reduce((s, u) => s + Math.exp(u), 0));
    const x = [...input.data];
    expectClose(last.data, [0, 3, 6, 9].flatMap((o) => softmax(x.slice(o, o + 3))));
    expectClose(coerced.data, [0, 6].flatMap((o) => softmax(x.slice(o, o + 6))));
    const axis1 = run({ input: { name: 'x', dims: ['batch', 2, 3] }, outputs: ['y'], nodes: [single('Softmax', { axis: 1 })], opset: 13 }, input);
    expect(axis1.data[0] + axis1.data[3]).toBeCloseTo(1, 14);
  });
});

describe('Conv', () => {
  const x = { shape: [2, 4, 7, 6] as [number, number, number, number], data: Float64Array.from(values(2 * 4 * 7 * 6, 5)) };
  const cases: { name: string; attributes: Record<string, number | number[] | string>; groups: number; window: WindowSpec }[] = [
    { name: 'defaults', attributes: {}, groups: 1, window: { kernel: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] } },
    {
      name: 'strides, asymmetric pads, dilations',
      attributes: { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [2, 1], kernel_shape: [3, 3] },
      groups: 1,
      window: { kernel: [3, 3], strides: [2, 1], pads: [1, 0, 2, 1], dilations: [2, 1] },
    },
    { name: 'groups', attributes: { group: 2, pads: [1, 1, 1, 1] }, groups: 2, window: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] } },
    { name: 'depthwise', attributes: { group: 4, strides: [2, 2] }, groups: 4, window: { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] } },
    // SAME_UPPER on 7 x 6 with stride 2: outputs 4 x 3, total pads 2 (rows) and 1 (cols), odd one at the end
    { name: 'auto_pad SAME_UPPER', attributes: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, groups: 1, window: { kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], dilations: [1, 1] } },
    { name: 'auto_pad SAME_LOWER', attributes: { auto_pad: 'SAME_LOWER', strides: [2, 2] }, groups: 1, window: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0], dilations: [1, 1] } },
    { name: 'auto_pad VALID', attributes: { auto_pad: 'VALID', strides: [2, 2] }, groups: 1, window: { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] } },
  ];

  it.each(cases)('matches a direct convolution ($name)', ({ attributes, groups, window }) => {
    const outChannels = 8;
    const weights = values(outChannels * (4 / groups) * 9, 6);
    const bias = values(outChannels, 7);
    const y = run(
      {
        input: { name: 'x', dims: ['N', 4, 7, 6] },
        outputs: ['y'],
        nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attributes }],
        initializers: [
          { name: 'w', dims: [outChannels, 4 / groups, 3, 3], values: weights },
          { name: 'b', dims: [outChannels], values: bias },
        ],
      },
      tensor(x.shape, x.data),
    );
    const expected = referenceConv(x, weights, outChannels, [3, 3], bias, window, groups);
    expect(y.shape).toEqual(expected.shape);
    expectClose(y.data, expected.data);
  });

  it('folds BatchNormalization into the conv', () => {
    const weights = values(3 * 4 * 4, 8);
    const bn = { scale: [1.5, -0.5, 2], bias: [0.1, 0.2, -0.3].map(Math.fround), mean: [0.05, -0.1, 0.2].map(Math.fround), variance: [0.5, 1.5, 0.25] };
    const spec: ModelSpec = {
      input: { name: 'x', dims: ['N', 4, 7, 6] },
      outputs: ['y'],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { kernel_shape: [2, 2] } },
        { op: 'BatchNormalization', inputs: ['c', 's', 'bb', 'm', 'v'], outputs: ['y'], rawAttributes: [floatAttribute('epsilon', 1e-3)] },
      ],
      initializers: [
        { name: 'w', dims: [3, 4, 2, 2], values: weights },
        { name: 's', dims: [3], values: bn.scale },
        { name: 'bb', dims: [3], values: bn.bias },
        { name: 'm', dims: [3], values: bn.mean },
        { name: 'v', dims: [3], values: bn.variance },
      ],
    };
    const { network } = importOnnx(buildModel(spec));
    expect(network.nodes.map((n) => n.op)).toEqual(['conv2d']);
    const y = runNetwork(network, tensor(x.shape, x.data))[0];
    const conv = referenceConv(x, weights, 3, [2, 2], [], { kernel: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] }, 1);
    const plane = conv.shape[2] * conv.shape[3];
    const expected = conv.data.map((v, i) => {
      const c = Math.floor(i / plane) % 3;
      return ((v - bn.mean[c]) / Math.sqrt(bn.variance[c] + Math.fround(1e-3))) * bn.scale[c] + bn.bias[c];
    });
    expectClose(y.data, expected, 1e-12);
  });

  it('keeps a BatchNormalization that follows no weight layer as a per-channel affine node', () => {
    const spec: ModelSpec = {
      input: { name: 'x', dims: ['N', 2, 1, 2] },
      outputs: ['y'],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'BatchNormalization', inputs: ['r', 's', 'b', 'm', 'v'], outputs: ['y'], rawAttributes: [floatAttribute('epsilon', 0)] },
      ],
      initializers: [
        { name: 's', dims: [2], values: [2, 3] },
        { name: 'b', dims: [2], values: [1, -1] },
        { name: 'm', dims: [2], values: [0, 1] },
        { name: 'v', dims: [2], values: [4, 1] },
      ],
    };
    const { network } = importOnnx(buildModel(spec));
    expect(network.nodes.map((n) => n.op)).toEqual(['relu', 'affine']);
    const y = runNetwork(network, tensor([1, 2, 1, 2], Float64Array.from([2, -4, 3, 5])))[0];
    expect([...y.data]).toEqual([3, 1, 5, 11]);
  });
});

describe('pooling', () => {
  const x = { shape: [2, 3, 7, 6] as [number, number, number, number], data: Float64Array.from(values(2 * 3 * 7 * 6, 9)) };
  const cases: { op: 'MaxPool' | 'AveragePool'; attributes: Record<string, number | number[] | string>; window: WindowSpec; ceil: boolean; include: boolean }[] = [
    { op: 'MaxPool', attributes: { kernel_shape: [2, 2], strides: [2, 2] }, window: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] }, ceil: false, include: false },
    { op: 'MaxPool', attributes: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, window: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] }, ceil: true, include: false },
    { op: 'MaxPool', attributes: { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 1, 1, 0], dilations: [2, 2], storage_order: 0 }, window: { kernel: [3, 2], strides: [2, 1], pads: [1, 1, 1, 0], dilations: [2, 2] }, ceil: false, include: false },
    { op: 'MaxPool', attributes: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, window: { kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], dilations: [1, 1] }, ceil: false, include: false },
    { op: 'AveragePool', attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, window: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] }, ceil: false, include: false },
    { op: 'AveragePool', attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, window: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] }, ceil: false, include: true },
    { op: 'AveragePool', attributes: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1, count_include_pad: 1, pads: [0, 0, 1, 0] }, window: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 0], dilations: [1, 1] }, ceil: true, include: true },
    { op: 'AveragePool', attributes: { kernel_shape: [3, 3], strides: [3, 3], ceil_mode: 1 }, window: { kernel: [3, 3], strides: [3, 3], pads: [0, 0, 0, 0], dilations: [1, 1] }, ceil: true, include: false },
  ];

  it.each(cases)('$op matches a direct reference (%#)', ({ op, attributes, window, ceil, include }) => {
    const y = run({ input: { name: 'x', dims: ['N', 3, 7, 6] }, outputs: ['y'], nodes: [{ op, inputs: ['x'], outputs: ['y'], attributes }] }, tensor(x.shape, x.data));
    const expected = referencePool(x, op === 'MaxPool' ? 'max' : 'avg', window, ceil, include);
    expect(y.shape).toEqual(expected.shape);
    expectClose(y.data, expected.data);
  });

  it('ceil_mode keeps partial windows: 5 x 5 by 2 x 2 stride 2 gives 3 x 3', () => {
    const y = run(
      { input: { name: 'x', dims: [1, 1, 5, 5] }, outputs: ['y'], nodes: [single('MaxPool', { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })] },
      tensor([1, 1, 5, 5], Float64Array.from({ length: 25 }, (_, i) => i)),
    );
    expect([...y.data]).toEqual([6, 8, 9, 16, 18, 19, 21, 23, 24]);
  });

  it('GlobalAveragePool averages each channel', () => {
    const y = run({ input: { name: 'x', dims: ['N', 2, 2, 2] }, outputs: ['y'], nodes: [single('GlobalAveragePool')] }, tensor([1, 2, 2, 2], Float64Array.from([1, 2, 3, 4, 5, 6, 7, 9])));
    expect(y.shape).toEqual([1, 2, 1, 1]);
    expect([...y.data]).toEqual([2.5, 6.75]);
  });
});

describe('shapes and constant folding', () => {
  const x = tensor([2, 3, 2, 2], Float64Array.from({ length: 24 }, (_, i) => i));

  it("folds PyTorch's Shape -> Gather -> Unsqueeze -> Concat chain into a Reshape keeping the batch", () => {
    const { network } = importOnnx(
      buildModel({
        input: { name: 'x', dims: ['batch', 3, 2, 2] },
        outputs: ['y'],
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Constant', inputs: [], outputs: ['zero'], attributes: { value: { tensor: { dims: [], values: [0], type: 'int64' } } } },
          { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: 0 } },
          { op: 'Constant', inputs: [], outputs: ['axes'], attributes: { value_ints: [0] } },
          { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
          { op: 'Constant', inputs: [], outputs: ['minus1'], attributes: { value: { tensor: { dims: [1], values: [-1], type: 'int64', raw: true } } } },
          { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attributes: { axis: 0 } },
          { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
        ],
      }),
    );
    expect(network.nodes.map((n) => n.op)).toEqual(['reshape']);
    const y = runNetwork(network, x)[0];
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toBe(x.data);
  });

  it('Unsqueeze takes axes as an attribute before opset 13; Shape start/end; Reshape 0 copies a dimension', () => {
    const y = run(
      {
        input: { name: 'x', dims: ['batch', 1, 3, 2] },
        outputs: ['y'],
        opset: 11,
        nodes: [
          { op: 'Flatten', inputs: ['x'], outputs: ['f'], attributes: { axis: 2 } },
          { op: 'Unsqueeze', inputs: ['f'], outputs: ['u'], attributes: { axes: [-1] } },
          { op: 'Reshape', inputs: ['u', 'target'], outputs: ['y'] },
        ],
        initializers: [{ name: 'target', dims: [3], values: [0, 3, -1], type: 'int64' }],
      },
      tensor([2, 1, 3, 2], Float64Array.from({ length: 12 }, (_, i) => i)),
    );
    expect(y.shape).toEqual([2, 3, 2]);
    const withShapeEnd = importOnnx(
      buildModel({
        input: { name: 'x', dims: ['batch', 3, 2, 2] },
        outputs: ['y'],
        opset: 15,
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'], attributes: { start: 0, end: 2 } },
          { op: 'Concat', inputs: ['s', 'four'], outputs: ['t'], attributes: { axis: -1 } },
          { op: 'Reshape', inputs: ['x', 't'], outputs: ['y'], attributes: { allowzero: 0 } },
        ],
        initializers: [{ name: 'four', dims: [1], values: [4], type: 'int64' }],
      }),
    );
    expect(runNetwork(withShapeEnd.network, x)[0].shape).toEqual([2, 3, 4]);
  });

  it('folds integer Div as ONNX does, truncating (8 / 3 = 2 in a shape computation)', () => {
    const model = importOnnx(
      buildModel({
        input: { name: 'x', dims: ['batch', 8] },
        outputs: ['y'],
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Slice', inputs: ['s', 'zero', 'one'], outputs: ['batchDim'] },
          { op: 'Div', inputs: ['s', 'three'], outputs: ['q'] },
          { op: 'Slice', inputs: ['q', 'one', 'two'], outputs: ['rows'] },
          { op: 'Concat', inputs: ['batchDim', 'rows', 'minusOne'], outputs: ['t'], attributes: { axis: 0 } },
          { op: 'Reshape', inputs: ['x', 't'], outputs: ['y'] },
        ],
        initializers: [
          { name: 'three', dims: [1], values: [3], type: 'int64' },
          { name: 'zero', dims: [1], values: [0], type: 'int64' },
          { name: 'one', dims: [1], values: [1], type: 'int64' },
          { name: 'two', dims: [1], values: [2], type: 'int64' },
          { name: 'minusOne', dims: [1], values: [-1], type: 'int64' },
        ],
      }),
    );
    expect(runNetwork(model.network, tensor([3, 8]))[0].shape).toEqual([3, 2, 4]);
  });

  it('refuses a reshape that does not say where the batch goes, and Flatten(axis 0) as the graph output', () => {
    const reshape = buildModel({
      input: { name: 'x', dims: ['batch', 3, 2, 2] },
      outputs: ['y'],
      nodes: [{ op: 'Reshape', inputs: ['x', 't'], outputs: ['y'] }],
      initializers: [{ name: 't', dims: [2], values: [6, -1], type: 'int64' }],
    });
    expect(() => importOnnx(reshape)).toThrow(/target shape \[6, -1\] does not say which dimension holds the batch/);
    // Flatten(axis 0) merges the batch into axis 1: allowed inside a network, not as its output
    const flatten = buildModel({ input: { name: 'x', dims: ['batch', 3] }, outputs: ['y'], nodes: [single('Flatten', { axis: 0 })] });
    expect(() => importOnnx(flatten)).toThrow(/graph output 'y' has the batch on axis 1 of \[1, 3 x batch\]; graph outputs must be batch first/);
    // axis -r is axis 0 (was read as axis 1: a 2 x 60 output where ONNX gives 1 x 120)
    const negative = buildModel({ input: { name: 'x', dims: ['batch', 3, 4, 5] }, outputs: ['y'], nodes: [single('Flatten', { axis: -4 })] });
    expect(() => importOnnx(negative)).toThrow(/the batch on axis 1 of \[1, 60 x batch\]/);
    const minusThree = buildModel({ input: { name: 'x', dims: ['batch', 3, 4, 5] }, outputs: ['y'], nodes: [single('Flatten', { axis: -3 })] });
    expect(runNetwork(importOnnx(minusThree).network, tensor([2, 3, 4, 5]))[0].shape).toEqual([2, 60]);
  });
});

describe('refusals', () => {
  it('lists every unsupported op with its node names', () => {
    const bytes = buildModel({
      input: { name: 'x', dims: ['batch', 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Hardmax', inputs: ['x'], outputs: ['a'], name: 'pick1' },
        { op: 'NonMaxSuppression', inputs: ['a'], outputs: ['b'], name: 'boxes' },
        { op: 'Hardmax', inputs: ['b'], outputs: ['y'], name: 'pick2' },
      ],
    });
    expect(() => importOnnx(bytes)).toThrow(OnnxImportError);
    expect(() => importOnnx(bytes)).toThrow("unsupported ONNX ops: Hardmax (nodes 'pick1', 'pick2'); NonMaxSuppression (node 'boxes')");
  });

  it.each([6, 23])('refuses opset %i', (opset) => {
    expect(() => importOnnx(buildModel({ input: { name: 'x', dims: ['b', 2] }, outputs: ['y'], nodes: [single('Relu')], opset }))).toThrow(`operator set ${opset} is not supported (opset 7 to 22 are)`);
  });

  it('refuses unknown attributes, non-constant weights and bytes that are not ONNX', () => {
    expect(() => importOnnx(buildModel({ input: { name: 'x', dims: ['b', 2] }, outputs: ['y'], nodes: [single('Relu', { alpha: 1 })] }))).toThrow(/attribute 'alpha' is not supported for Relu/);
    expect(() =>
      importOnnx(buildModel({ input: { name: 'x', dims: ['b', 2] }, outputs: ['y'], nodes: [{ op: 'MatMul', inputs: ['x', 'x'], outputs: ['y'] }] })),
    ).toThrow(/\(MatMul\): MatMul: \[1, 2\] and \[1, 2\] do not multiply/);
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(/not a valid ONNX model/);
  });
});

describe('a rank-1 graph input: a batch of scalars', () => {
  it('imports a graph that treats its elements one by one, and one that combines them as one whole batch', () => {
    const elementwise = buildModel({
      input: { name: 'x', dims: [5] },
      outputs: ['y'],
      nodes: [
        { op: 'Mul', inputs: ['x', 'two'], outputs: ['doubled'] },
        { op: 'Relu', inputs: ['doubled'], outputs: ['y'] },
      ],
      initializers: [{ name: 'two', dims: [], values: [2] }],
    });
    const { network } = importOnnx(elementwise);
    expect(network.inputShape).toEqual([]);
    const [y] = runNetwork(network, tensor([5], Float64Array.of(-2, -0.5, 0, 1.5, 3)));
    expect(Array.from(y.data)).toEqual([0, 0, 0, 3, 6]);
    const summed = buildModel({
      input: { name: 'x', dims: [5] },
      outputs: ['y'],
      nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['y'], name: 'total', attributes: { keepdims: 1 } }],
    });
    // a fixed batch of five scalars summed: one whole batch
    const whole = importOnnx(summed).network;
    expect(whole.wholeBatch).toBe(5);
    expect(Array.from(runNetwork(whole, tensor([5], Float64Array.of(-2, -0.5, 0, 1.5, 3)))[0].data)).toEqual([2]);
  });
});
