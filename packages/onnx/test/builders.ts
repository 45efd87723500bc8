import { OnnxAttributeType, OnnxDataType, encodeOnnxModel } from '../src/index.js';

/** Small builders of ONNX models for tests, encoded with protobufjs through the package's schema. */

export type AttributeValue = number | string | number[] | { floats: number[] } | { strings: string[] } | { tensor: TensorSpec };

export interface TensorSpec {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly values: readonly number[];
  readonly type?: 'float' | 'int64';
  /** Store as raw_data bytes (little-endian) instead of float_data / int64_data. */
  readonly raw?: boolean;
}

export function tensorProto(spec: TensorSpec): object {
  const type = spec.type ?? 'float';
  const base = { name: spec.name, dims: [...spec.dims], data_type: type === 'float' ? OnnxDataType.FLOAT : OnnxDataType.INT64 };
  if (spec.raw) {
    const bytes = new Uint8Array(spec.values.length * (type === 'float' ? 4 : 8));
    const view = new DataView(bytes.buffer);
    spec.values.forEach((v, i) => (type === 'float' ? view.setFloat32(i * 4, v, true) : view.setBigInt64(i * 8, BigInt(v), true)));
    return { ...base, raw_data: bytes };
  }
  return type === 'float' ? { ...base, float_data: [...spec.values] } : { ...base, int64_data: [...spec.values] };
}

function attributeProto(name: string, value: AttributeValue): object {
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: OnnxAttributeType.INT, i: value } : { name, type: OnnxAttributeType.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: value };
  if ('floats' in value) return { name, type: OnnxAttributeType.FLOATS, floats: value.floats };
  if ('strings' in value) return { name, type: OnnxAttributeType.STRINGS, strings: value.strings.map((text) => new TextEncoder().encode(text)) };
  return { name, type: OnnxAttributeType.TENSOR, t: tensorProto(value.tensor) };
}

/** A float attribute that happens to be a whole number (e.g. alpha = 2). */
export function floatAttribute(name: string, value: number): object {
  return { name, type: OnnxAttributeType.FLOAT, f: value };
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Record<string, AttributeValue>;
  /** Extra raw attribute objects (e.g. floatAttribute). */
  readonly rawAttributes?: readonly object[];
  readonly domain?: string;
}

export function nodeProto(spec: NodeSpec): object {
  return {
    op_type: spec.op,
    name: spec.name ?? `${spec.op}_${spec.outputs[0]}`,
    input: [...spec.inputs],
    output: [...spec.outputs],
    domain: spec.domain,
    attribute: [...Object.entries(spec.attributes ?? {}).map(([k, v]) => attributeProto(k, v)), ...(spec.rawAttributes ?? [])],
  };
}

export interface ModelSpec {
  /** The graph input; `type` its ONNX data type (default float32). */
  readonly input: { name: string; dims: readonly (number | string)[]; type?: number };
  readonly outputs: readonly string[];
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly TensorSpec[];
  readonly opset?: number;
}

/** ONNX bytes of a one-input model. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const valueInfo = (name: string, dims: readonly (number | string)[], type: number = OnnxDataType.FLOAT) => ({
    name,
    type: { tensor_type: { elem_type: type, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } },
  });
  return encodeOnnxModel({
    ir_version: 8,
    producer_name: 'xbar-test',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      node: spec.nodes.map(nodeProto),
      initializer: (spec.initializers ?? []).map(tensorProto),
      input: [valueInfo(spec.input.name, spec.input.dims, spec.input.type)],
      output: spec.outputs.map((name) => ({ name })),
    },
  });
}

/** Deterministic pseudo-random values in [-1, 1). */
export function values(count: number, seed: number): number[] {
  let state = seed * 2654435761 + 12345;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.fround((state / 2147483648) * 2 - 1);
  });
}
