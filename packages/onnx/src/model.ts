import { OnnxImportError } from './errors.js';
import { onnxType } from './schema.js';

/** Plain-object views of the decoded ONNX messages (int64 fields as numbers, snake_case as in onnx.proto). */
export interface OnnxTensor {
  readonly name?: string;
  readonly dims: number[];
  readonly data_type?: number;
  readonly float_data: number[];
  readonly int32_data: number[];
  readonly int64_data: number[];
  readonly double_data: number[];
  /** uint32 and uint64 values. */
  readonly uint64_data: number[];
  readonly raw_data?: Uint8Array;
  readonly data_location?: number;
  readonly external_data: { key?: string; value?: string }[];
}

export interface OnnxAttribute {
  readonly name?: string;
  readonly ref_attr_name?: string;
  readonly type?: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: OnnxTensor;
  readonly floats: number[];
  readonly ints: number[];
  readonly strings: Uint8Array[];
  readonly tensors: OnnxTensor[];
}

export interface OnnxNode {
  readonly input: string[];
  readonly output: string[];
  readonly name?: string;
  readonly op_type?: string;
  readonly domain?: string;
  readonly attribute: OnnxAttribute[];
}

export interface OnnxDimension {
  readonly dim_value?: number;
  readonly dim_param?: string;
}

export interface OnnxValueInfo {
  readonly name?: string;
  readonly type?: { tensor_type?: { elem_type?: number; shape?: { dim: OnnxDimension[] } } };
}

export interface OnnxGraph {
  readonly node: OnnxNode[];
  readonly name?: string;
  readonly initializer: OnnxTensor[];
  readonly input: OnnxValueInfo[];
  readonly output: OnnxValueInfo[];
  readonly value_info: OnnxValueInfo[];
}

export interface OnnxModel {
  readonly ir_version?: number;
  readonly opset_import: { domain?: string; version?: number }[];
  readonly producer_name?: string;
  readonly producer_version?: string;
  readonly graph?: OnnxGraph;
}

/**
 * Decodes ONNX ModelProto bytes with protobufjs into plain objects: int64 as numbers, repeated
 * fields always present (possibly empty), bytes as Uint8Array. Malformed protobuf (a truncated or
 * random file) is an OnnxImportError saying so.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const type = onnxType('ModelProto');
  try {
    const message = type.decode(bytes);
    return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as OnnxModel;
  } catch (error) {
    throw new OnnxImportError(`not a valid ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Decodes TensorProto bytes (a `.pb` file of ONNX's test data) like decodeOnnxModel. */
export function decodeOnnxTensor(bytes: Uint8Array): OnnxTensor {
  const type = onnxType('TensorProto');
  try {
    return type.toObject(type.decode(bytes), { longs: Number, arrays: true, defaults: false }) as OnnxTensor;
  } catch (error) {
    throw new OnnxImportError(`not a valid ONNX tensor: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Encodes a plain-object ModelProto (as decodeOnnxModel returns, fields optional) to bytes: for tests and tools. */
export function encodeOnnxModel(model: object): Uint8Array {
  const type = onnxType('ModelProto');
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`invalid ModelProto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}
