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

/** A value of the header's Python literal: the subset a .npy header holds. */
type HeaderValue = string | number | boolean | readonly number[];

/**
 * Parses the header, the Python literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`,
 * exactly: a dict of string keys whose values are strings, booleans, decimal integers or tuples of
 * decimal integers, as numpy writes it. A repeated key takes its last value (as in Python); the keys
 * must be descr, fortran_order and shape (numpy's own check); anything else is refused.
 */
function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const fields = new HeaderParser(text).dict();
  const keys = [...fields.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') throw new NpyFormatError(`.npy header must have the keys descr, fortran_order and shape, found: ${keys || 'none'}`);
  const descr = fields.get('descr');
  const fortranOrder = fields.get('fortran_order');
  const shape = fields.get('shape');
  if (typeof descr !== 'string') throw new NpyFormatError(`.npy header: descr must be a string, got ${String(descr)}`);
  if (typeof fortranOrder !== 'boolean') throw new NpyFormatError(`.npy header: fortran_order must be True or False, got ${String(fortranOrder)}`);
  if (!isTuple(shape)) throw new NpyFormatError(`.npy header: shape must be a tuple of whole numbers, got ${String(shape)}`);
  return { descr, fortranOrder, shape: [...shape] };
}

function isTuple(value: HeaderValue | undefined): value is readonly number[] {
  return Array.isArray(value);
}

/** A recursive-descent parser of the header's literal (bounded: the header is at most 4 GiB of text and nests one tuple deep). */
class HeaderParser {
  private at = 0;

  constructor(private readonly text: string) {}

  dict(): Map<string, HeaderValue> {
    const fields = new Map<string, HeaderValue>();
    this.expect('{');
    while (!this.accept('}')) {
      const key = this.string();
      this.expect(':');
      fields.set(key, this.value());
      if (!this.accept(',')) {
        this.expect('}');
        break;
      }
    }
    this.skipBlanks();
    if (this.at !== this.text.length) throw this.error('text after the header dict');
    return fields;
  }

  private value(): HeaderValue {
    this.skipBlanks();
    const c = this.text[this.at];
    if (c === "'" || c === '"') return this.string();
    if (c === '(') return this.tuple();
    if (this.word('True')) return true;
    if (this.word('False')) return false;
    return this.integer();
  }

  private tuple(): number[] {
    this.expect('(');
    const items: number[] = [];
    while (!this.accept(')')) {
      items.push(this.integer());
      if (!this.accept(',')) {
        this.expect(')');
        break;
      }
    }
    return items;
  }

  private integer(): number {
    this.skipBlanks();
    const match = /^(?:0|[1-9][0-9]*)L?(?![0-9A-Za-z_.])/.exec(this.text.slice(this.at, this.at + 40));
    if (!match) throw this.error('expected a whole number');
    const value = Number(match[0].replace(/L$/, ''));
    if (!Number.isSafeInteger(value)) throw this.error(`dimension ${match[0]} is too large`);
    this.at += match[0].length;
    return value;
  }

  private string(): string {
    this.skipBlanks();
    const quote = this.text[this.at];
    if (quote !== "'" && quote !== '"') throw this.error('expected a quoted string');
    const end = this.text.indexOf(quote, this.at + 1);
    if (end < 0) throw this.error('unterminated string');
    const value = this.text.slice(this.at + 1, end);
    if (value.includes('\\')) throw this.error('escapes in header strings are not supported');
    this.at = end + 1;
    return value;
  }

  private word(word: string): boolean {
    if (!this.text.startsWith(word, this.at) || /[0-9A-Za-z_]/.test(this.text[this.at + word.length] ?? '')) return false;
    this.at += word.length;
    return true;
  }

  private accept(token: string): boolean {
    this.skipBlanks();
    if (this.text[this.at] !== token) return false;
    this.at++;
    return true;
  }

  private expect(token: string): void {
    if (!this.accept(token)) throw this.error(`expected '${token}'`);
  }

  private skipBlanks(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private error(what: string): NpyFormatError {
    const shown = this.text.trim().slice(0, 200);
    return new NpyFormatError(`malformed .npy header at character ${this.at + 1} (${what}): ${shown}`);
  }
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
  if (bytes.length - dataStart > needed) {
    throw new NpyFormatError(`.npy data longer than its shape: shape (${header.shape.join(', ')}) needs ${needed} bytes, file has ${bytes.length - dataStart}`);
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
