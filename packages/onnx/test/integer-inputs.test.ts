/**
 * Integer and bool graph inputs (token ids feeding an embedding Gather): imported as float64
 * values, followed through the ops that keep integers, and refused at the first op whose integer
 * arithmetic differs from float64's (truncating division, wrap-around, weight layers).
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

  it('refuses integer division of the input, naming the node and why', () => {
    const model = integerModel([{ op: 'Div', inputs: ['x', 'two'], outputs: ['y'], name: 'halve' }], [{ name: 'two', dims: [], values: [2], type: 'int64' }]);
    expect(() => importOnnx(model)).toThrow(OnnxImportError);
    expect(() => importOnnx(model)).toThrow(/node 'halve' \(Div\): integer arithmetic on activations \(truncating division, wrap-around\) is not modelled: input 0 \('x'\) holds int64 values; cast it to float/);
  });

  it('follows integers through layout ops and Min / Max to the arithmetic that refuses them', () => {
    const nodes: ModelSpec['nodes'] = [
      { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'], name: 'reshape' },
      { op: 'Transpose', inputs: ['r'], outputs: ['t'], name: 'transpose', attributes: { perm: [0, 2, 1] } },
      { op: 'Max', inputs: ['t', 'one'], outputs: ['m'], name: 'floor_at_one' },
      { op: 'Flatten', inputs: ['m'], outputs: ['f'], name: 'flatten' },
      { op: 'Mul', inputs: ['f', 'one'], outputs: ['y'], name: 'scale' },
    ];
    const initializers: ModelSpec['initializers'] = [
      { name: 'shape', dims: [3], values: [-1, 2, 2], type: 'int64' },
      { name: 'one', dims: [], values: [1], type: 'int64' },
    ];
    expect(() => importOnnx(integerModel(nodes, initializers))).toThrow(/node 'scale' \(Mul\): integer arithmetic.*input 0 \('f'\) holds int64 values/);
    // the same graph on a float input imports
    expect(() => importOnnx(buildModel({ input: { name: 'x', dims: ['batch', 4] }, outputs: ['y'], nodes, initializers: initializers.map((i) => ({ ...i, type: i.name === 'shape' ? 'int64' : 'float' })) }))).not.toThrow();
  });

  it('refuses integer ReduceSum and weight layers on integer activations', () => {
    expect(() => importOnnx(integerModel([{ op: 'ReduceSum', inputs: ['x'], outputs: ['y'], name: 'total', attributes: { axes: [1], keepdims: 0 } }]))).toThrow(/node 'total' \(ReduceSum\): integer arithmetic/);
    const gemm = integerModel([{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], name: 'layer' }], [{ name: 'w', dims: [4, 2], values: values(8, 4) }]);
    expect(() => importOnnx(gemm)).toThrow(/node 'layer' \(Gemm\): integer arithmetic/);
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

  it('keeps a Cast of a float activation to an integer type integer-valued: integer Div after it is refused', () => {
    const model = buildModel({
      input: { name: 'x', dims: ['batch', 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Cast', inputs: ['x'], outputs: ['i'], name: 'to_int', attributes: { to: OnnxDataType.INT64 } },
        { op: 'Div', inputs: ['i', 'two'], outputs: ['y'], name: 'halve' },
      ],
      initializers: [{ name: 'two', dims: [], values: [2], type: 'int64' }],
    });
    expect(() => importOnnx(model)).toThrow(/node 'halve' \(Div\): integer arithmetic.*input 0 \('i'\) holds int64 values/);
  });

  it('refuses a Cast to a narrower integer type (wrap-around) and takes a widening one', () => {
    const cast = (to: number, type: number) => integerModel([{ op: 'Cast', inputs: ['x'], outputs: ['y'], name: 'narrow', attributes: { to } }], [], type);
    expect(() => importOnnx(cast(OnnxDataType.INT8, OnnxDataType.INT64))).toThrow(/node 'narrow' \(Cast\): Cast from int64 to int8 wraps values/);
    expect(() => importOnnx(cast(OnnxDataType.UINT8, OnnxDataType.INT8))).toThrow(/Cast from int8 to uint8/);
    expect(() => importOnnx(cast(OnnxDataType.INT32, OnnxDataType.INT8))).not.toThrow();
    expect(() => importOnnx(cast(OnnxDataType.BOOL, OnnxDataType.INT64))).not.toThrow();
  });

  it('takes a bool input as a Where condition', () => {
    const model = integerModel([{ op: 'Where', inputs: ['x', 'a', 'b'], outputs: ['y'], name: 'pick' }], [{ name: 'a', dims: [4], values: [1, 2, 3, 4] }, { name: 'b', dims: [4], values: [-1, -2, -3, -4] }], OnnxDataType.BOOL);
    const [y] = runNetwork(importOnnx(model).network, tensor([1, 4], Float64Array.of(1, 0, 0, 1)));
    expect([...y.data]).toEqual([1, -2, -3, 4]);
  });

  it('refuses graph inputs of other types (float16), naming the type', () => {
    expect(() => importOnnx(integerModel([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], [], 10))).toThrow(/graph input 'x' must be float32, float64, an integer type or bool, it is data type 10/);
  });
});
