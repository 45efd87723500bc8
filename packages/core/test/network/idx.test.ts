import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdx, idxToFloat64 } from '../../src/index.js';

function idx(type: number, dims: number[], data: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

describe('IDX', () => {
  it('decodes images (0x0803) and labels (0x0801)', () => {
    const images = decodeIdx(idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]));
    expect(images.dims).toEqual([2, 2, 3]);
    expect([...images.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    expect(idxToFloat64(images, 1 / 255)[11]).toBe(1);
    expect(decodeIdx(idx(0x08, [3], [7, 8, 9])).dims).toEqual([3]);
  });

  it('refuses gzip, other element types, and wrong lengths with clear messages', () => {
    const good = idx(0x08, [2], [1, 2]);
    expect(() => decodeIdx(gzipSync(good), 'labels.gz')).toThrow('labels.gz is gzip-compressed: gunzip it first');
    expect(() => decodeIdx(idx(0x0d, [1], [0, 0, 0, 0]))).toThrow(/float32 elements \(type 0x0d\); only unsigned bytes/);
    expect(() => decodeIdx(idx(0x08, [3], [1, 2]))).toThrow('IDX data: dimensions [3] need 3 bytes of data, the file has 2');
    expect(() => decodeIdx(new Uint8Array([1, 2, 3, 4]))).toThrow(/not an IDX file/);
  });
});
