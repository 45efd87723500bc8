/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) decoded from and encoded to bytes. Pure: no
 * file system here. Supported: little-endian (or byte-order-free) float32, float64, int32, int64,
 * uint8 arrays of any rank, in C order. int64 values are read as numbers (exact up to 2^53).
 */

export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

export interface NpyArray {
  readonly dtype: NpyDtype;
  /** Dimensions, outermost first (C order); [] for a scalar. */
  readonly shape: readonly number[];
  /** The elements as doubles, in C order. */
  readonly data: Float64Array;
}

/** A malformed or unsupported `.npy` file; the message says what is wrong. */
export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Readonly<Record<string, { dtype: NpyDtype; size: number }>> = {
  '<f4': { dtype: 'float32', size: 4 },
  '<f8': { dtype: 'float64', size: 8 },
  '<i4': { dtype: 'int32', size: 4 },
  '<i8': { dtype: 'int64', size: 8 },
  '|u1': { dtype: 'uint8', size: 1 },
  '<u1': { dtype: 'uint8', size: 1 },
};

const DESCR_OF: Readonly<Record<NpyDtype, string>> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
};

function describeDescr(descr: string): string {
  if (descr.startsWith('>')) return `big-endian dtype '${descr}' is not supported (save it little-endian, e.g. a.astype('<f8'))`;
  return `unsupported dtype '${descr}' (supported: float32, float64, int32, int64, uint8)`;
}

/** Parses the Python-literal header dict {'descr': ..., 'fortran_order': ..., 'shape': (...), }. */
function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw new NpyFormatError(`malformed .npy header: ${text.trim()}`);
  const dims = shape[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const value = Number(part.replace(/L$/, ''));
      if (!Number.isInteger(value) || value < 0) throw new NpyFormatError(`malformed shape in .npy header: (${shape[1]})`);
      return value;
    });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Decodes a `.npy` file's bytes. Throws NpyFormatError on anything it cannot read exactly. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) throw new NpyFormatError('not a .npy file (bad magic string)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyFormatError('truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyFormatError(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyFormatError('truncated .npy header');
  const header = parseHeader(new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart)));
  if (header.fortranOrder) throw new NpyFormatError('Fortran-order .npy arrays are not supported (save with np.ascontiguousarray)');
  const entry = Object.hasOwn(DESCR, header.descr) ? DESCR[header.descr] : undefined;
  if (!entry) throw new NpyFormatError(describeDescr(header.descr));
  const count = header.shape.reduce((a, b) => a * b, 1);
  const needed = count * entry.size;
  if (bytes.length - dataStart < needed) {
    throw new NpyFormatError(`truncated .npy data: shape (${header.shape.join(', ')}) needs ${needed} bytes, file has ${bytes.length - dataStart}`);
  }
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const at = dataStart + k * entry.size;
    switch (entry.dtype) {
      case 'float32':
        data[k] = view.getFloat32(at, true);
        break;
      case 'float64':
        data[k] = view.getFloat64(at, true);
        break;
      case 'int32':
        data[k] = view.getInt32(at, true);
        break;
      case 'int64':
        data[k] = Number(view.getBigInt64(at, true));
        break;
      case 'uint8':
        data[k] = bytes[at];
        break;
    }
  }
  return { dtype: entry.dtype, shape: header.shape, data };
}

/**
 * Encodes an array as a `.npy` file (version 1.0, or 2.0 if the header needs it), C order,
 * little-endian. Values are converted to `dtype` (float32 rounds; integer types must hold integers
 * in range).
 */
export function encodeNpy(array: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }, dtype: NpyDtype = 'float64'): Uint8Array {
  const { shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyFormatError(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const size = DESCR[DESCR_OF[dtype]].size;
  // header padded with spaces and a newline so that the data starts on a 64-byte boundary
  let prefix = 10;
  let version = 1;
  if (dict.length + 1 + prefix > 65535) {
    prefix = 12;
    version = 2;
  }
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const bytes = new Uint8Array(total + count * size);
  bytes.set(MAGIC, 0);
  bytes[6] = version;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let k = 0; k < dict.length; k++) bytes[prefix + k] = dict.charCodeAt(k);
  for (let k = 0; k < count; k++) {
    const at = total + k * size;
    const value = data[k];
    switch (dtype) {
      case 'float32':
        view.setFloat32(at, value, true);
        break;
      case 'float64':
        view.setFloat64(at, value, true);
        break;
      case 'int32':
        if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw new NpyFormatError(`value ${value} does not fit int32`);
        view.setInt32(at, value, true);
        break;
      case 'int64':
        if (!Number.isSafeInteger(value)) throw new NpyFormatError(`value ${value} is not a safe integer for int64`);
        view.setBigInt64(at, BigInt(value), true);
        break;
      case 'uint8':
        if (!Number.isInteger(value) || value < 0 || value > 255) throw new NpyFormatError(`value ${value} does not fit uint8`);
        bytes[at] = value;
        break;
    }
  }
  return bytes;
}
