import { describe, expect, it } from 'vitest';
import { OnnxImportError, decodeOnnxModel, decodeTensor, importOnnx } from '../src/index.js';
import { buildModel } from './builders.js';

// Truncated, random and inconsistent files: every failure is an OnnxImportError saying what is wrong
// (were "index out of range", "invalid wire type", "Invalid typed array length: -1").
const model = buildModel({
  input: { name: 'x', dims: ['batch', 4] },
  outputs: ['y'],
  nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attributes: { transB: 1 } }],
  initializers: [{ name: 'w', dims: [3, 4], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], raw: true }],
});

describe('corrupt ONNX files', () => {
  it('a truncated file', () => {
    for (const length of [1, 7, model.length >> 1, model.length - 3]) {
      expect(() => importOnnx(model.subarray(0, length))).toThrow(OnnxImportError);
    }
  });

  it('random bytes', () => {
    let state = 12345;
    for (let trial = 0; trial < 50; trial++) {
      const bytes = new Uint8Array(64 + trial * 7).map(() => ((state = (state * 1103515245 + 12345) >>> 0) >>> 24));
      try {
        importOnnx(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(OnnxImportError);
      }
    }
  });

  it('negative or fractional dims, and data that does not match its dims', () => {
    const tensor = (dims: number[], raw: Uint8Array) => ({ dims, data_type: 1, raw_data: raw, float_data: [], double_data: [], int64_data: [], int32_data: [], uint64_data: [], external_data: [] });
    expect(() => decodeTensor(tensor([-1], new Uint8Array(4)), "initializer 'w'")).toThrow("initializer 'w': dims [-1] must be whole numbers >= 0");
    expect(() => decodeTensor(tensor([2 ** 40, 2 ** 40], new Uint8Array(4)), "initializer 'w'")).toThrow(/raw_data has 4 bytes/);
    expect(() => decodeOnnxModel(new Uint8Array([0x3a, 0x05, 1]))).toThrow('not a valid ONNX model: index out of range');
  });

  it('refuses non-finite initializers, naming the tensor (outputs were all NaN)', () => {
    const withNan = buildModel({
      input: { name: 'x', dims: ['batch', 2] },
      outputs: ['y'],
      nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [{ name: 'fc.weight', dims: [2, 2], values: [1, Number.NaN, 0, 1] }],
    });
    expect(() => importOnnx(withNan)).toThrow("initializer 'fc.weight': element 1 is NaN; weights and other initializers must be finite");
  });
});
