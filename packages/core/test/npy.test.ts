import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NpyDtype, NpyFormatError, decodeNpy, encodeNpy } from '../src/index.js';

/** A .npy file built by hand: magic, version, header length, header text, data. */
function handBuilt(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const text = new TextEncoder().encode(header);
  const bytes = new Uint8Array(prefix + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(bytes.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  bytes.set(text, prefix);
  bytes.set(data, prefix + text.length);
  return bytes;
}

function float64Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float64Array(values).buffer);
}

describe('npy decode', () => {
  it('reads a hand-built version 1.0 float64 vector', () => {
    const bytes = handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }          \n", float64Bytes([1.5, -2, 1e-6]));
    const array = decodeNpy(bytes);
    expect(array.dtype).toBe('float64');
    expect(array.shape).toEqual([3]);
    expect(Array.from(array.data)).toEqual([1.5, -2, 1e-6]);
  });

  it('reads version 2.0 headers, 2-D shapes and every supported dtype', () => {
    const bytes = handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", float64Bytes([1, 2, 3, 4]), 2);
    expect(decodeNpy(bytes).shape).toEqual([2, 2]);
    const f4 = handBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(new Float32Array([0.5, 3]).buffer));
    expect(Array.from(decodeNpy(f4).data)).toEqual([0.5, 3]);
    const i8 = handBuilt("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(new BigInt64Array([-7n, 9n]).buffer));
    expect(Array.from(decodeNpy(i8).data)).toEqual([-7, 9]);
    const i4 = handBuilt("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n", new Uint8Array(new Int32Array([-3]).buffer));
    expect(Array.from(decodeNpy(i4).data)).toEqual([-3]);
    const u1 = handBuilt("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n", new Uint8Array([0, 128, 255]));
    expect(Array.from(decodeNpy(u1).data)).toEqual([0, 128, 255]);
    const scalar = handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", float64Bytes([4]));
    expect(decodeNpy(scalar).shape).toEqual([]);
  });

  it('rejects Fortran order, big-endian, unsupported dtypes, truncated data and bad magic with clear errors', () => {
    const fortran = handBuilt("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }\n", float64Bytes([1, 2, 3, 4]));
    expect(() => decodeNpy(fortran)).toThrow(/Fortran/);
    const big = handBuilt("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n", float64Bytes([1]));
    expect(() => decodeNpy(big)).toThrow(/big-endian/);
    const complex = handBuilt("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n", new Uint8Array(16));
    expect(() => decodeNpy(complex)).toThrow(/unsupported dtype '<c16'/);
    const truncated = handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }\n", float64Bytes([1, 2]));
    expect(() => decodeNpy(truncated)).toThrow(/truncated .npy data: shape \(4\) needs 32 bytes, file has 16/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(NpyFormatError);
    expect(() => decodeNpy(handBuilt('nonsense', new Uint8Array(0)))).toThrow(/malformed/);
  });
});

describe('npy encode', () => {
  it('writes a version 1.0 header padded to 64 bytes, ending in a newline', () => {
    const bytes = encodeNpy({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] + 256 * bytes[9];
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }")).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 48);
  });

  it('round-trips every dtype (fast-check)', () => {
    const dtypes: NpyDtype[] = ['float64', 'float32', 'int32', 'int64', 'uint8'];
    const valueFor = (dtype: NpyDtype): fc.Arbitrary<number> => {
      switch (dtype) {
        case 'float64':
          return fc.double();
        case 'float32':
          return fc.float().map((x) => Math.fround(x));
        case 'int32':
          return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
        case 'int64':
          return fc.maxSafeInteger();
        case 'uint8':
          return fc.integer({ min: 0, max: 255 });
      }
    };
    for (const dtype of dtypes) {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }).chain((shape) =>
            fc.array(valueFor(dtype), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((data) => ({ shape, data })),
          ),
          ({ shape, data }) => {
            const decoded = decodeNpy(encodeNpy({ shape, data }, dtype));
            expect(decoded.dtype).toBe(dtype);
            expect(decoded.shape).toEqual(shape);
            expect(Array.from(decoded.data)).toEqual(data.map((x) => (Object.is(x, -0) && dtype !== 'float64' && dtype !== 'float32' ? 0 : x)));
          },
        ),
        { numRuns: 100 },
      );
    }
  });

  it('rejects values that do not fit the dtype and data of the wrong length', () => {
    expect(() => encodeNpy({ shape: [1], data: [256] }, 'uint8')).toThrow(/uint8/);
    expect(() => encodeNpy({ shape: [1], data: [0.5] }, 'int32')).toThrow(/int32/);
    expect(() => encodeNpy({ shape: [2], data: [1] })).toThrow(/holds 2 values/);
  });

  it('decodes a subarray view of a larger buffer', () => {
    const bytes = encodeNpy({ shape: [2], data: [3, 4] });
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 5);
    expect(Array.from(decodeNpy(padded.subarray(5)).data)).toEqual([3, 4]);
  });
});

describe('.npy header, read as the Python literal it is', () => {
  /** A version 1.0 file with `header` (padded as numpy pads it) and `data` bytes. */
  function npyWith(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
    const padded = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
    const out = new Uint8Array(10 + padded.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
    out.set(new TextEncoder().encode(padded), 10);
    out.set(data, 10 + padded.length);
    return out;
  }
  const float64s = (...values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

  it('reads numpy headers, extra blanks, the L suffix and a trailing comma', () => {
    expect(decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", float64s(1, 2))).shape).toEqual([2]);
    expect(decodeNpy(npyWith("{ 'shape' : ( 1 , 2L ) , 'descr':\"<f8\",'fortran_order':False}", float64s(1, 2))).shape).toEqual([1, 2]);
    expect(decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': ()}", float64s(7))).data[0]).toBe(7);
  });

  it('takes the last value of a repeated key, as numpy does (was the first)', () => {
    const decoded = decodeNpy(npyWith("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", float64s(0.1)));
    expect(decoded.dtype).toBe('float64');
    expect(decoded.data[0]).toBe(0.1);
  });

  it("does not take a shape written inside another string (was read as the shape)", () => {
    expect(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'note': \"'shape': (1, 1)\"}", float64s(1)))).toThrow(/must have the keys descr, fortran_order and shape, found: descr, fortran_order, note/);
  });

  it.each(['(4e0, 3)', '(0x4, 3)', '(-1,)', '(1.0,)', '(3 4)', '(99999999999999999999,)'])('refuses the shape %s', (shape) => {
    expect(() => decodeNpy(npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`, float64s(1, 2, 3)))).toThrow(NpyFormatError);
  });

  it('refuses data beyond the declared shape (was ignored), and text after the dict', () => {
    expect(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", float64s(1, 2)))).toThrow(/longer than its shape: shape \(1\) needs 8 bytes, file has 16/);
    expect(() => decodeNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } junk", float64s(1)))).toThrow(/text after the header dict/);
  });
});
