/**
 * The state of one import: the value each ONNX name stands for, the core nodes emitted so far
 * (with each activation's producer and its shape and batch layout), and how many readers every
 * ONNX value has, which decides whether a layer may absorb what follows it.
 */
import { type Conv2dNode, type DenseNode, type NetworkNode, nodeOutputShape } from '@xbar/core';
import { type BatchLayout, FIRST_AXIS } from '../batch-layout.js';
import { type ConstantTensor, OnnxImportError } from '../constant.js';
import type { OnnxNode } from '../model.js';
import type { Activation, Value } from './values.js';

export class GraphImporter {
  readonly nodes: NetworkNode[] = [];
  private readonly values = new Map<string, Value>();
  /** Index in `nodes` of the node producing each activation id. */
  private readonly producers = new Map<string, number>();
  /** How many node inputs and graph outputs read each ONNX value. */
  private readonly readers = new Map<string, number>();

  /** `fixedBatch` is the graph input's batch size when the model fixes it. */
  constructor(
    readonly opset: number,
    readonly fixedBatch: number | undefined,
    onnxNodes: readonly OnnxNode[],
    graphOutputs: readonly string[],
  ) {
    for (const name of [...onnxNodes.flatMap((n) => n.input), ...graphOutputs]) this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
  }

  setConstant(name: string, tensor: ConstantTensor): void {
    this.values.set(name, { kind: 'constant', tensor });
  }

  /** Binds `name` to an activation; `integer` is the ONNX data type of its values when they are integers. */
  setActivation(name: string, id: string, shape: readonly number[], batch: BatchLayout, integer?: number): void {
    this.values.set(name, { kind: 'activation', id, shape: [...shape], batch, ...(integer === undefined ? {} : { integer }) });
  }

  /** Marks the activation `name` stands for as integer-valued of ONNX data type `integer`, or not (undefined); constants and fills are left alone. */
  markInteger(name: string, integer: number | undefined): void {
    const value = this.values.get(name);
    if (value?.kind !== 'activation' || value.integer === integer) return;
    this.setActivation(name, value.id, value.shape, value.batch, integer);
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

  /** Appends a core node producing its output, whose batch is laid out as `batch`; `where` names the ONNX node in errors. */
  addNode(where: string, node: NetworkNode, inputShapes: readonly (readonly number[])[], batch: BatchLayout = FIRST_AXIS): void {
    let shape: number[];
    try {
      shape = nodeOutputShape(node, inputShapes);
    } catch (error) {
      throw new OnnxImportError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.producers.set(node.output, this.nodes.length);
    this.nodes.push(node);
    this.setActivation(node.output, node.output, shape, batch);
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
    this.setActivation(replacement.output, replacement.output, shape, this.layoutOf(old.output));
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
