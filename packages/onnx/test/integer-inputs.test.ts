/**
 * Integer and bool graph inputs (token ids feeding an embedding Gather): imported as float64
 * values, followed through the ops that keep integers, integer arithmetic truncated and wrapped
 * around as ONNX's, and refused at a weight layer.
 */
import { runNetwork, tensor } from '@xbar/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxRuntimeNetwork } from '../src/engine/index.js';
import { OnnxDataType, OnnxImportError, importOnnx } from '../src/index.js';
import { type ModelSpec, buildModel, values } from './builders.js';

const [VOCABULARY, WIDTH, TOKENS, CLASSES] = [10, 4, 5, 3];
const table = values(VOCABULARY * WIDTH, 1);
const weights = values(TOKENS * WIDTH * CLASSES, 2);
const bias = values(CLASSES, 3);

/** int64 ids [batch, 5] -> Gather(embedding [10, 4], ids) -> Flatten -> Gemm: logits [batch, 3]. */
const embedding: ModelSpec = {
  input: { name: 'ids', dims: ['batch', TOKENS], type: OnnxDataType.INT64 },
  outputs: ['logits'],
  nodes: [
    { op: 'Gather', inputs: ['table', 'ids'], outputs: ['embedded'], name: 'embed', attributes: { axis: 0 } },
    { op: 'Flatten', inputs: ['embedded'], outputs: ['flat'], name: 'flatten', attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'w', 'b'], outputs: ['logits'], name: 'classify' },
  ],
  initializers: [
    { name: 'table', dims: [VOCABULARY, WIDTH], values: table },
    { name: 'w', dims: [TOKENS * WIDTH, CLASSES], values: weights },
    { name: 'b', dims: [CLASSES], values: bias },
  ],
};

const ids = [
  [0, 3, 9, 3, 1],
  [7, 7, 2, 0, 5],
];

/** The logits computed by hand: each sample's embedded tokens, flattened, times w plus b. */
function handLogits(sample: readonly number[]): number[] {
  const flat = sample.flatMap((id) => table.slice(id * WIDTH, (id + 1) * WIDTH));
  return Array.from({ length: CLASSES }, (_, o) => flat.reduce((sum, v, i) => sum + v * weights[i * CLASSES + o], bias[o]));
}

/** A model of int64 input `x` [batch, 4] through `nodes` to output `y`. */
function integerModel(nodes: ModelSpec['nodes'], initializers: ModelSpec['initializers'] = [], type: number = OnnxDataType.INT64): Uint8Array {
  return buildModel({ input: { name: 'x', dims: ['batch', 4], type }, outputs: ['y'], nodes, initializers });
}

describe('integer graph inputs', () => {
  it('imports int64 token ids feeding an embedding Gather, Flatten and Gemm, and computes the hand result', () => {
    const { network } = importOnnx(buildModel(embedding));
    expect(network.inputShape).toEqual([TOKENS]);
    const [logits] = runNetwork(network, tensor([ids.length, TOKENS], Float64Array.from(ids.flat())));
    expect(logits.shape).toEqual([ids.length, CLASSES]);
    const expected = ids.flatMap(handLogits);
    for (const [i, v] of expected.entries()) expect(logits.data[i]).toBeCloseTo(v, 12);
  });

  it("agrees with ONNX Runtime on the int64 model, and its export (float32 ids cast back to int64) agrees with runNetwork", async () => {
    const bytes = buildModel(embedding);
    const session = await ort.InferenceSession.create(bytes);
    const feeds = { ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat().map(BigInt)), [ids.length, TOKENS]) };
    const reference = (await session.run(feeds)).logits.data as Float32Array;
    const { network } = importOnnx(bytes);
    const input = tensor([ids.length, TOKENS], Float64Array.from(ids.flat()));
    const [ours] = runNetwork(network, input);
    for (let i = 0; i < reference.length; i++) expect(Math.abs(ours.data[i] - reference[i])).toBeLessThan(1e-5);
    const engine = await OnnxRuntimeNetwork.create(network);
    try {
      const [exported] = await engine.run(input);
      for (let i = 0; i < reference.length; i++) expect(Math.abs(exported.data[i] - ours.data[i])).toBeLessThan(1e-5);
    } finally {
      await engine.release();
    }
  });

  it('divides integers as ONNX does, truncating toward zero, and wraps int8 products around', () => {
    const halve = integerModel([{ op: 'Div', inputs: ['x', 'two'], outputs: ['y'], name: 'halve' }], [{ name: 'two', dims: [], values: [2], type: 'int64' }]);
    expect([...runNetwork(importOnnx(halve).network, tensor([1, 4], Float64Array.of(-3, 3, 7, -8)))[0].data]).toEqual([-1, 1, 3, -4]);
    // int8: 2 * 100 = 200 wraps to -56, -2 * 100 to 56, -128 * 100 = -12800 to 0
    const scale = integerModel([{ op: 'Mul', inputs: ['x', 'x'], outputs: ['y'], name: 'square' }], [], OnnxDataType.INT8);
    expect([...runNetwork(importOnnx(scale).network, tensor([1, 4], Float64Array.of(12, -12, 16, 3)))[0].data]).toEqual([-112, -112, 0, 9]);
    const negate = integerModel([{ op: 'Neg', inputs: ['x'], outputs: ['y'], name: 'negate' }], [], OnnxDataType.INT8);
    expect([...runNetwork(importOnnx(negate).network, tensor([1, 4], Float64Array.of(-128, -1, 0, 127)))[0].data]).toEqual([-128, 1, 0, -127]);
  });

  it('follows integers through layout ops, Min / Max and arithmetic to the weight layer that refuses them', () => {
    const nodes: ModelSpec['nodes'] = [
      { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'], name: 'reshape' },
      { op: 'Transpose', inputs: ['r'], outputs: ['t'], name: 'transpose', attributes: { perm: [0, 2, 1] } },
      { op: 'Max', inputs: ['t', 'one'], outputs: ['m'], name: 'floor_at_one' },
      { op: 'Flatten', inputs: ['m'], outputs: ['f'], name: 'flatten' },
      { op: 'Mul', inputs: ['f', 'one'], outputs: ['g'], name: 'scale' },
      { op: 'Gemm', inputs: ['g', 'w'], outputs: ['y'], name: 'layer' },
    ];
    const initializers: ModelSpec['initializers'] = [
      { name: 'shape', dims: [3], values: [-1, 2, 2], type: 'int64' },
      { name: 'one', dims: [], values: [1], type: 'int64' },
      { name: 'w', dims: [4, 2], values: values(8, 4) },
    ];
    expect(() => importOnnx(integerModel(nodes, initializers))).toThrow(OnnxImportError);
    expect(() => importOnnx(integerModel(nodes, initializers))).toThrow(/node 'layer' \(Gemm\): Gemm of integer values is not modelled .*input 0 \('g'\) holds int64 values; cast it to float/);
    // the same graph on a float input imports
    expect(() => importOnnx(buildModel({ input: { name: 'x', dims: ['batch', 4] }, outputs: ['y'], nodes, initializers: initializers.map((i) => ({ ...i, type: i.name === 'shape' ? 'int64' : 'float' })) }))).not.toThrow();
  });

  it('sums integers in ReduceSum and refuses weight layers on integer activations', () => {
    const total = integerModel([{ op: 'ReduceSum', inputs: ['x'], outputs: ['y'], name: 'total', attributes: { axes: [1], keepdims: 0 } }], [], OnnxDataType.UINT8);
    // uint8: 200 + 100 wraps to 44
    expect([...runNetwork(importOnnx(total).network, tensor([1, 4], Float64Array.of(200, 100, 0, 0)))[0].data]).toEqual([44]);
    const gemm = integerModel([{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], name: 'layer' }], [{ name: 'w', dims: [4, 2], values: values(8, 4) }]);
    expect(() => importOnnx(gemm)).toThrow(/node 'layer' \(Gemm\): Gemm of integer values is not modelled/);
  });

  it('takes a Cast to float, comparisons and Where conditions on integers, and computes them', () => {
    const nodes: ModelSpec['nodes'] = [
      { op: 'Cast', inputs: ['x'], outputs: ['xf'], name: 'to_float', attributes: { to: OnnxDataType.FLOAT } },
      { op: 'Div', inputs: ['xf', 'two'], outputs: ['half'], name: 'halve' },
      { op: 'Greater', inputs: ['x', 'twoInt'], outputs: ['big'], name: 'big' },
      { op: 'Where', inputs: ['big', 'half', 'xf'], outputs: ['y'], name: 'pick' },
    ];
    const { network } = importOnnx(integerModel(nodes, [{ name: 'two', dims: [], values: [2] }, { name: 'twoInt', dims: [], values: [2], type: 'int64' }]));
    const [y] = runNetwork(network, tensor([1, 4], Float64Array.of(1, 2, 3, 5)));
    expect([...y.data]).toEqual([1, 2, 1.5, 2.5]);
  });

  it('keeps a Cast of a float activation to an integer type integer-valued: integer Div after it truncates', () => {
    const model = buildModel({
      input: { name: 'x', dims: ['batch', 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Cast', inputs: ['x'], outputs: ['i'], name: 'to_int', attributes: { to: OnnxDataType.INT64 } },
        { op: 'Div', inputs: ['i', 'two'], outputs: ['y'], name: 'halve' },
      ],
      initializers: [{ name: 'two', dims: [], values: [2], type: 'int64' }],
    });
    expect([...runNetwork(importOnnx(model).network, tensor([1, 4], Float64Array.of(3.7, -3.7, 5, 9.9)))[0].data]).toEqual([1, -1, 2, 4]);
  });

  it('wraps a Cast to a narrower integer type around, as an integer cast in C', () => {
    const cast = (to: number, type: number) => integerModel([{ op: 'Cast', inputs: ['x'], outputs: ['y'], name: 'narrow', attributes: { to } }], [], type);
    const run = (to: number, type: number, x: number[]) => [...runNetwork(importOnnx(cast(to, type)).network, tensor([1, 4], Float64Array.from(x)))[0].data];
    expect(run(OnnxDataType.INT8, OnnxDataType.INT64, [200, -129, 127, -1000])).toEqual([-56, 127, 127, 24]);
    expect(run(OnnxDataType.UINT8, OnnxDataType.INT8, [-1, -128, 0, 127])).toEqual([255, 128, 0, 127]);
    expect(run(OnnxDataType.BOOL, OnnxDataType.INT64, [0, 2, -3, 0])).toEqual([0, 1, 1, 0]);
  });

  it('takes a bool input as a Where condition', () => {
    const model = integerModel([{ op: 'Where', inputs: ['x', 'a', 'b'], outputs: ['y'], name: 'pick' }], [{ name: 'a', dims: [4], values: [1, 2, 3, 4] }, { name: 'b', dims: [4], values: [-1, -2, -3, -4] }], OnnxDataType.BOOL);
    const [y] = runNetwork(importOnnx(model).network, tensor([1, 4], Float64Array.of(1, 0, 0, 1)));
    expect([...y.data]).toEqual([1, -2, -3, 4]);
  });

  it('refuses graph inputs of other types (strings), naming the type', () => {
    expect(() => importOnnx(integerModel([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], [], 8))).toThrow(/graph input 'x' must be float32, float64, float16, bfloat16, an integer type or bool, it is data type 8/);
  });
});
