/**
 * IDX files (the MNIST family: MNIST, Fashion-MNIST): a big-endian header, magic 0x0000TTRR with
 * TT the element type (0x08 = unsigned byte, the only type these datasets use) and RR the rank,
 * then RR dimension sizes as 32-bit unsigned integers, then the elements in C order.
 * Images are 0x00000803 (count x rows x cols), labels 0x00000801 (count).
 * Decoding is pure: gunzip `.gz` files first (node:zlib gunzipSync); gzip input is detected and refused.
 */
export interface IdxArray {
  /** Dimension sizes, e.g. [10000, 28, 28] for images or [10000] for labels. */
  readonly dims: readonly number[];
  /** The elements, C order. */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/** Decodes IDX bytes; throws a RangeError saying what is wrong. `source` names the file in messages. */
export function decodeIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new RangeError(`${source} is gzip-compressed: gunzip it first (node:zlib gunzipSync)`);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(`${source} is not an IDX file (it must start with two zero bytes, a type byte and a rank byte)`);
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type];
    throw new RangeError(
      name === undefined
        ? `${source} has unknown IDX element type 0x${type.toString(16).padStart(2, '0')}`
        : `${source} holds ${name} elements (type 0x${type.toString(16).padStart(2, '0')}); only unsigned bytes (0x08) are supported`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new RangeError(`${source} has rank 0`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new RangeError(`${source} ends inside its header (${bytes.length} bytes, rank ${rank})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const available = bytes.length - headerLength;
  if (available !== count) {
    throw new RangeError(`${source}: dimensions [${dims.join(', ')}] need ${count} bytes of data, the file has ${available}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** IDX elements as float64 scaled by `scale` (e.g. 1 / 255 maps pixels to [0, 1]). */
export function idxToFloat64(idx: IdxArray, scale = 1): Float64Array {
  const out = new Float64Array(idx.data.length);
  for (let i = 0; i < out.length; i++) out[i] = idx.data[i] * scale;
  return out;
}
