import { OnnxImportError } from './errors.js';
import type { OnnxTensor } from './model.js';
import { bfloat16FromBits, float16FromBits } from '@xbar/core/kernels';
import { OnnxDataType } from './schema.js';

/**
 * A constant known at import: float (from float32/float64 tensors) or integer (int64/int32 shape
 * arithmetic), values in C order as float64 (exact for integers up to 2^53).
 */
export interface ConstantTensor {
  readonly kind: 'float' | 'int';
  readonly dims: readonly number[];
  readonly values: Float64Array;
}

export { OnnxImportError };

/** Number of elements of dims. */
export function dimsSize(dims: readonly number[]): number {
  let size = 1;
  for (const dim of dims) size *= dim;
  return size;
}

/**
 * The values of an ONNX TensorProto (initializer or Constant attribute): FLOAT, DOUBLE from raw_data
 * (little-endian) or float_data / double_data; FLOAT16 and BFLOAT16 from raw_data or the bits in
 * int32_data; the integer types and BOOL from raw_data or
 * int64_data / int32_data / uint64_data (uint64 beyond 2^53 rounded). Other types, external data
 * and size mismatches are refused.
 */
export function decodeTensor(proto: OnnxTensor, what: string): ConstantTensor {
  const dims = proto.dims.map(Number);
  if (dims.some((dim) => !(Number.isSafeInteger(dim) && dim >= 0))) throw new OnnxImportError(`${what}: dims [${dims.join(', ')}] must be whole numbers >= 0`);
  const size = dimsSize(dims);
  const type = proto.data_type ?? 0;
  if (proto.data_location === 1 || proto.external_data.length > 0) {
    throw new OnnxImportError(`${what}: tensor data stored in an external file is not supported`);
  }
  const reader = TENSOR_READERS[type];
  if (reader === undefined) {
    const supported = Object.keys(TENSOR_READERS).map((t) => dataTypeName(Number(t)).toLowerCase());
    throw new OnnxImportError(`${what}: data type ${dataTypeName(type)} is not supported (${supported.join(', ')} are)`);
  }
  const raw = proto.raw_data !== undefined && proto.raw_data.length > 0 ? proto.raw_data : undefined;
  const listed = raw === undefined ? reader.listed(proto) : undefined;
  // the data present must match the dims before anything of their size is allocated
  if (raw !== undefined && raw.byteLength !== size * reader.bytes) throw new OnnxImportError(`${what}: raw_data has ${raw.byteLength} bytes, dims [${dims.join(', ')}] need ${size * reader.bytes}`);
  if (listed !== undefined && listed.length !== size) throw new OnnxImportError(`${what}: has ${listed.length} values, dims [${dims.join(', ')}] need ${size}`);
  const values = new Float64Array(size);
  if (listed !== undefined) {
    for (let i = 0; i < size; i++) values[i] = reader.value(Number(listed[i]));
  } else if (raw !== undefined) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) values[i] = reader.raw(view, i * reader.bytes);
  }
  return { kind: reader.kind, dims, values };
}

/**
 * How each data type's values are read: `bytes` per element of raw_data (little-endian) read by
 * `raw`, else the typed list field `listed` holds them, each turned into its value by `value`
 * (16-bit floats are listed as their bits).
 */
interface TensorReader {
  readonly kind: ConstantTensor['kind'];
  readonly bytes: number;
  raw(view: DataView, offset: number): number;
  listed(proto: OnnxTensor): readonly number[];
  value(listed: number): number;
}

const same = (v: number) => v;

const TENSOR_READERS: Readonly<Record<number, TensorReader>> = {
  [OnnxDataType.FLOAT]: { kind: 'float', bytes: 4, raw: (v, o) => v.getFloat32(o, true), listed: (p) => p.float_data, value: same },
  [OnnxDataType.DOUBLE]: { kind: 'float', bytes: 8, raw: (v, o) => v.getFloat64(o, true), listed: (p) => p.double_data, value: same },
  [OnnxDataType.FLOAT16]: { kind: 'float', bytes: 2, raw: (v, o) => float16FromBits(v.getUint16(o, true)), listed: (p) => p.int32_data, value: float16FromBits },
  [OnnxDataType.BFLOAT16]: { kind: 'float', bytes: 2, raw: (v, o) => bfloat16FromBits(v.getUint16(o, true)), listed: (p) => p.int32_data, value: bfloat16FromBits },
  [OnnxDataType.INT64]: { kind: 'int', bytes: 8, raw: (v, o) => Number(v.getBigInt64(o, true)), listed: (p) => p.int64_data, value: same },
  [OnnxDataType.INT32]: { kind: 'int', bytes: 4, raw: (v, o) => v.getInt32(o, true), listed: (p) => p.int32_data, value: same },
  [OnnxDataType.INT16]: { kind: 'int', bytes: 2, raw: (v, o) => v.getInt16(o, true), listed: (p) => p.int32_data, value: same },
  [OnnxDataType.INT8]: { kind: 'int', bytes: 1, raw: (v, o) => v.getInt8(o), listed: (p) => p.int32_data, value: same },
  [OnnxDataType.UINT64]: { kind: 'int', bytes: 8, raw: (v, o) => Number(v.getBigUint64(o, true)), listed: (p) => p.uint64_data, value: same },
  [OnnxDataType.UINT32]: { kind: 'int', bytes: 4, raw: (v, o) => v.getUint32(o, true), listed: (p) => p.uint64_data, value: same },
  [OnnxDataType.UINT16]: { kind: 'int', bytes: 2, raw: (v, o) => v.getUint16(o, true), listed: (p) => p.int32_data, value: same },
  [OnnxDataType.UINT8]: { kind: 'int', bytes: 1, raw: (v, o) => v.getUint8(o), listed: (p) => p.int32_data, value: same },
  [OnnxDataType.BOOL]: { kind: 'int', bytes: 1, raw: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0), listed: (p) => p.int32_data, value: same },
};

const DATA_TYPE_NAMES = ['UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL', 'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16'];

export function dataTypeName(type: number): string {
  return DATA_TYPE_NAMES[type] ?? `#${type}`;
}
