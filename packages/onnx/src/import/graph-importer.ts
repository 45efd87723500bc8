/**
 * The state of one import: the value each ONNX name stands for, the core nodes emitted so far
 * (with each activation's producer and its shape and batch layout), and how many readers every
 * ONNX value has, which decides whether a layer may absorb what follows it.
 */
import { type Conv2dNode, type DenseNode, type NetworkNode, nodeOutputShape } from '@xbar/core';
import { type BatchLayout, FIRST_AXIS, WHOLE, isFirstAxis, isWhole, sameLayout } from '../batch-layout.js';
import { type ConstantTensor, OnnxImportError } from '../constant.js';
import type { OnnxNode } from '../model.js';
import { type Activation, type Value, fullDims } from './values.js';

export class GraphImporter {
  readonly nodes: NetworkNode[] = [];
  /** Each weight node's name -> the ONNX tensor its weights come from (an initializer in a PyTorch export). */
  readonly weightInitializers = new Map<string, string>();
  private readonly values = new Map<string, Value>();
  /** Index in `nodes` of the node producing each activation id. */
  private readonly producers = new Map<string, number>();
  /** How many node inputs and graph outputs read each ONNX value. */
  private readonly readers = new Map<string, number>();

  /**
   * `fixedBatch` is the graph input's batch size when the model fixes it. `wholeBatch` (that size)
   * imports the graph as one whole batch (Network.wholeBatch): tensor ops may then mix the samples,
   * their results are WHOLE values, and every other activation knows the size of its batch axis.
   */
  constructor(
    readonly opset: number,
    readonly fixedBatch: number | undefined,
    readonly wholeBatch: number | undefined,
    onnxNodes: readonly OnnxNode[],
    graphOutputs: readonly string[],
  ) {
    for (const name of [...onnxNodes.flatMap((n) => n.input), ...graphOutputs]) this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
  }

  setConstant(name: string, tensor: ConstantTensor): void {
    this.values.set(name, { kind: 'constant', tensor });
  }

  /**
   * Binds `name` to an activation; `integer` is the ONNX data type of its values when they are
   * integers, `batchSize` the size of its batch axis in a whole batch (see Value).
   */
  setActivation(name: string, id: string, shape: readonly number[], batch: BatchLayout, details: { readonly integer?: number; readonly batchSize?: number } = {}): void {
    const { integer, batchSize } = details;
    this.values.set(name, { kind: 'activation', id, shape: [...shape], batch, ...(integer === undefined ? {} : { integer }), ...(batchSize === undefined ? {} : { batchSize }) });
  }

  /** Marks the activation `name` stands for as integer-valued of ONNX data type `integer`, or not (undefined); constants and fills are left alone. */
  markInteger(name: string, integer: number | undefined): void {
    const value = this.values.get(name);
    if (value?.kind !== 'activation' || value.integer === integer) return;
    this.setActivation(name, value.id, value.shape, value.batch, { integer, batchSize: value.batchSize });
  }

  /** Binds an ONNX value name to an existing value (aliases: Identity, Dropout). */
  setValue(name: string, value: Value): void {
    this.values.set(name, value);
  }

  value(name: string, where: string): Value {
    const value = this.values.get(name);
    if (value === undefined) throw new OnnxImportError(`${where} reads '${name}', which is neither an input, an initializer nor an earlier node's output`);
    return value;
  }

  /** The activation a node of this import produced under `id`. */
  activation(id: string, where: string): Activation {
    const value = this.value(id, where);
    if (value.kind !== 'activation') throw new OnnxImportError(`${where}: internal: '${id}' is not an activation`);
    return value;
  }

  /**
   * Appends a core node producing its output, whose batch is laid out as `batch`; `where` names the
   * ONNX node in errors. In a whole batch the output's batch axis has `batchSize` elements (by
   * default those of the node's first input).
   */
  addNode(where: string, node: NetworkNode, inputShapes: readonly (readonly number[])[], batch: BatchLayout = FIRST_AXIS, batchSize?: number): void {
    let shape: number[];
    try {
      shape = nodeOutputShape(node, inputShapes);
    } catch (error) {
      throw new OnnxImportError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.producers.set(node.output, this.nodes.length);
    this.nodes.push(node);
    const inherited = this.wholeBatch === undefined || isWhole(batch) ? undefined : (batchSize ?? this.batchSizeOf(node.inputs[0]));
    this.setActivation(node.output, node.output, shape, batch, { batchSize: inherited });
  }

  /** The size of the batch axis of activation `id` in a whole batch. */
  private batchSizeOf(id: string | undefined): number | undefined {
    const value = id === undefined ? undefined : this.values.get(id);
    return value?.kind === 'activation' ? value.batchSize : undefined;
  }

  /**
   * In a whole batch, activation `x` laid out as `layout` (outer and inner 1): x itself if it is,
   * else a node re-labelling its values (a Reshape to the same dims) with the batch on that axis.
   */
  view(where: string, x: Activation, layout: BatchLayout): Activation {
    if (sameLayout(x.batch, layout)) return x;
    const dims = fullDims(x);
    const id = isWhole(layout) ? `${x.id}/whole` : `${x.id}/batch-axis-${layout.axis}`;
    const existing = this.values.get(id);
    if (existing?.kind === 'activation') return existing;
    if (!isWhole(layout) && !(layout.axis < dims.length && layout.outer === 1 && layout.inner === 1)) {
      throw new OnnxImportError(`${where}: [${dims.join(', ')}] has no axis ${layout.axis} to hold the batch`);
    }
    const batchSize = isWhole(layout) ? undefined : dims[layout.axis];
    const atOne = dims.map((dim, axis) => (axis === layout.axis ? 1 : dim));
    const outputShape = isWhole(layout) ? dims : isFirstAxis(layout) ? atOne.slice(1) : atOne;
    const target = { shape: [dims.length], data: Float64Array.from(dims) };
    const node: NetworkNode = { op: 'tensor', kind: 'Reshape', name: id, inputs: [x.id], output: id, attributes: {}, operands: [0, target], outputShape };
    this.addNode(where, node, [x.shape], layout, batchSize);
    return this.activation(id, where);
  }

  /**
   * A graph output `name` that is a constant, as a node computing it (a Reshape of the constant to
   * its own dims, of no input): a whole batch's output may not depend on the inputs. Returns its id.
   */
  constantOutput(name: string, tensor: ConstantTensor): string {
    const dims = { shape: [tensor.dims.length], data: Float64Array.from(tensor.dims) };
    const node: NetworkNode = { op: 'tensor', kind: 'Reshape', name, inputs: [], output: name, attributes: { allowzero: 1 }, operands: [{ shape: tensor.dims, data: tensor.values }, dims], outputShape: [...tensor.dims] };
    this.addNode(`graph output '${name}'`, node, [], WHOLE);
    return name;
  }

  /**
   * The weight node producing `value` if it can absorb a following per-output scale or bias: a dense
   * or conv node whose output nothing but the current node reads.
   */
  foldableProducer(value: Activation, onnxName: string): DenseNode | Conv2dNode | undefined {
    if (value.id !== onnxName || this.readers.get(onnxName) !== 1) return undefined;
    const index = this.producers.get(value.id);
    if (index === undefined) return undefined;
    const node = this.nodes[index];
    return node.op === 'dense' || node.op === 'conv2d' ? node : undefined;
  }

  /** Replaces a weight node by a version with scaled weights / new bias and output renamed to `output`. */
  replaceWeightNode(old: DenseNode | Conv2dNode, replacement: DenseNode | Conv2dNode, shape: readonly number[]): void {
    const index = this.producers.get(old.output);
    if (index === undefined) throw new OnnxImportError(`internal: no producer for '${old.output}'`);
    this.producers.delete(old.output);
    this.nodes[index] = replacement;
    this.producers.set(replacement.output, index);
    this.setActivation(replacement.output, replacement.output, shape, this.layoutOf(old.output), { batchSize: this.batchSizeOf(old.output) });
  }

  /** The batch layout of the activation a node produced. */
  private layoutOf(id: string): BatchLayout {
    const value = this.values.get(id);
    return value?.kind === 'activation' ? value.batch : FIRST_AXIS;
  }

  isUsed(name: string): boolean {
    return name !== '' && (this.readers.get(name) ?? 0) > 0;
  }
}
