import { OnnxImportError } from './errors.js';
import type { OnnxTensor } from './model.js';
import { bfloat16FromBits, float16FromBits } from '@xbar/core';
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
  const raw = proto.raw_data !== undefined && proto.raw_data.length > 0 ? proto.raw_data : undefined;
  const view = raw === undefined ? undefined : new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let values = new Float64Array(0);
  // the data present must match the dims before anything of their size is allocated
  const fill = (elementBytes: number, read: (offset: number) => number, fallback: readonly number[]): void => {
    if (view !== undefined) {
      if (view.byteLength !== size * elementBytes) {
        throw new OnnxImportError(`${what}: raw_data has ${view.byteLength} bytes, dims [${dims.join(', ')}] need ${size * elementBytes}`);
      }
      values = new Float64Array(size);
      for (let i = 0; i < size; i++) values[i] = read(i * elementBytes);
    } else {
      if (fallback.length !== size) throw new OnnxImportError(`${what}: has ${fallback.length} values, dims [${dims.join(', ')}] need ${size}`);
      values = new Float64Array(size);
      for (let i = 0; i < size; i++) values[i] = Number(fallback[i]);
    }
  };
  switch (type) {
    case OnnxDataType.FLOAT:
      fill(4, (o) => view!.getFloat32(o, true), proto.float_data);
      return { kind: 'float', dims, values };
    case OnnxDataType.FLOAT16:
      // without raw_data, int32_data holds the bits
      fill(2, (o) => float16FromBits(view!.getUint16(o, true)), proto.int32_data.map(float16FromBits));
      return { kind: 'float', dims, values };
    case OnnxDataType.BFLOAT16:
      fill(2, (o) => bfloat16FromBits(view!.getUint16(o, true)), proto.int32_data.map(bfloat16FromBits));
      return { kind: 'float', dims, values };
    case OnnxDataType.DOUBLE:
      fill(8, (o) => view!.getFloat64(o, true), proto.double_data);
      return { kind: 'float', dims, values };
    case OnnxDataType.INT64:
      fill(8, (o) => Number(view!.getBigInt64(o, true)), proto.int64_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.INT32:
      fill(4, (o) => view!.getInt32(o, true), proto.int32_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.UINT8:
      fill(1, (o) => view!.getUint8(o), proto.int32_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.INT8:
      fill(1, (o) => view!.getInt8(o), proto.int32_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.UINT16:
      fill(2, (o) => view!.getUint16(o, true), proto.int32_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.INT16:
      fill(2, (o) => view!.getInt16(o, true), proto.int32_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.UINT32:
      fill(4, (o) => view!.getUint32(o, true), proto.uint64_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.UINT64:
      fill(8, (o) => Number(view!.getBigUint64(o, true)), proto.uint64_data);
      return { kind: 'int', dims, values };
    case OnnxDataType.BOOL:
      fill(1, (o) => (view!.getUint8(o) !== 0 ? 1 : 0), proto.int32_data);
      return { kind: 'int', dims, values };
    default:
      throw new OnnxImportError(`${what}: data type ${dataTypeName(type)} is not supported (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool are)`);
  }
}

const DATA_TYPE_NAMES = ['UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL', 'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16'];

export function dataTypeName(type: number): string {
  return DATA_TYPE_NAMES[type] ?? `#${type}`;
}
