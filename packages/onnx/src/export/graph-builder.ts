import { OnnxAttributeType, OnnxDataType } from '../schema.js';
import { encodeOnnxModel } from '../model.js';

/** An attribute value with its ONNX type. */
export type ExportAttribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly strings: readonly string[] }
  | { readonly graph: object };

/** Element types the exporter writes. */
export type ExportElementType = 'float' | 'int64' | 'bool';

const ELEMENT_TYPES: Readonly<Record<ExportElementType, number>> = { float: OnnxDataType.FLOAT, int64: OnnxDataType.INT64, bool: OnnxDataType.BOOL };

/** The opset of the default domain the exporter writes (ONNX 1.15's: Gelu, axes of every Reduce as an input). */
export const EXPORT_OPSET = 20;

/** IR version 9 (ONNX 1.14+), which opset 20 needs. */
const IR_VERSION = 9;

/** Prefix of the names the builder makes up; no value of an imported network starts with it. */
const FRESH_PREFIX = 'xbar::';

/**
 * Collects the nodes and initializers of one ONNX graph and encodes the ModelProto: float
 * initializers as float32, integer ones as int64 (clamped to its range, as ONNX's "to the end"
 * markers such as INT64_MAX arrive here as doubles), booleans as bytes; all little-endian raw data.
 */
export class OnnxGraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private count = 0;

  /** `outer`: the graph a subgraph's builder (see `subgraph`) takes its names and constants from. */
  private constructor(private readonly outer?: OnnxGraphBuilder) {}

  /** The builder of a model's main graph. */
  static create(): OnnxGraphBuilder {
    return new OnnxGraphBuilder();
  }

  /**
   * A builder of a subgraph (a Scan's body) of this graph: nodes of its own, names from the same
   * counter, constants placed in this graph (a subgraph reads its outer graph's values).
   */
  subgraph(): OnnxGraphBuilder {
    return new OnnxGraphBuilder(this);
  }

  /** A name no other value of the graph has, readable in ONNX tools. */
  fresh(hint: string): string {
    if (this.outer) return this.outer.fresh(hint);
    return `${FRESH_PREFIX}${hint}:${this.count++}`;
  }

  /** An initializer holding `values` with dimensions `dims`; returns its name. */
  constant(values: ArrayLike<number>, dims: readonly number[], type: ExportElementType = 'float', hint = 'constant'): string {
    if (this.outer) return this.outer.constant(values, dims, type, hint);
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], data_type: ELEMENT_TYPES[type], raw_data: rawData(values, type) });
    return name;
  }

  /** A node of op `op` on `inputs` ('' for an absent optional input); returns its output's name. */
  node(op: string, inputs: readonly string[], attributes: Readonly<Record<string, ExportAttribute>> = {}, output = this.fresh(op)): string {
    return this.nodeWithOutputs(op, inputs, attributes, [output])[0];
  }

  /** A node of op `op` with several outputs (`count` fresh ones, or the names given); returns them. */
  nodeWithOutputs(op: string, inputs: readonly string[], attributes: Readonly<Record<string, ExportAttribute>>, outputs: number | readonly string[]): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op)) : [...outputs];
    this.nodes.push({ op_type: op, name: names[0], input: [...inputs], output: names, attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)) });
    return names;
  }

  /** This subgraph as a GraphProto (an attribute value): float inputs and outputs of any shape, by name. */
  graph(name: string, inputs: readonly string[], outputs: readonly string[]): object {
    const valueInfo = (value: string) => ({ name: value, type: { tensor_type: { elem_type: OnnxDataType.FLOAT } } });
    return { name, node: this.nodes, input: inputs.map(valueInfo), output: outputs.map(valueInfo) };
  }

  /**
   * The encoded model: float32 inputs of the given dimensions (a string is a symbolic dimension
   * such as the batch), float32 outputs `outputs`.
   */
  encode(inputs: readonly GraphInput[], outputs: readonly string[]): Uint8Array {
    return encodeOnnxModel({
      ir_version: IR_VERSION,
      producer_name: 'xbar',
      opset_import: [{ domain: '', version: EXPORT_OPSET }],
      graph: {
        name: 'xbar',
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(({ name, dims }) => ({ name, type: { tensor_type: { elem_type: OnnxDataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } })),
        output: outputs.map((name) => ({ name, type: { tensor_type: { elem_type: OnnxDataType.FLOAT } } })),
      },
    });
  }
}

/** A float32 input of a graph: its name and dimensions (numbers, or names of symbolic dimensions). */
export interface GraphInput {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

const INT64_LIMIT = 2n ** 63n;

/** Whether this machine stores numbers little-endian, as ONNX's raw_data is (typed arrays then give the bytes directly). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function rawData(values: ArrayLike<number>, type: ExportElementType): Uint8Array {
  if (type === 'float' && LITTLE_ENDIAN) return new Uint8Array(Float32Array.from(values).buffer);
  const width = type === 'float' ? 4 : type === 'int64' ? 8 : 1;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (type === 'float') view.setFloat32(i * 4, value, true);
    else if (type === 'bool') bytes[i] = value !== 0 ? 1 : 0;
    else view.setBigInt64(i * 8, int64(value), true);
  }
  return bytes;
}

/** A double as int64: truncated, infinities and values beyond the range clamped to its ends. */
function int64(value: number): bigint {
  if (Number.isNaN(value)) throw new RangeError('NaN cannot be written as an integer');
  if (value >= 2 ** 63) return INT64_LIMIT - 1n;
  if (value <= -(2 ** 63)) return -INT64_LIMIT;
  return BigInt(Math.trunc(value));
}

function attributeProto(name: string, value: ExportAttribute): object {
  if ('graph' in value) return { name, type: OnnxAttributeType.GRAPH, g: value.graph };
  if ('int' in value) return { name, type: OnnxAttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: OnnxAttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: OnnxAttributeType.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: OnnxAttributeType.FLOATS, floats: [...value.floats] };
  if ('strings' in value) return { name, type: OnnxAttributeType.STRINGS, strings: value.strings.map((text) => new TextEncoder().encode(text)) };
  return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value.string) };
}
