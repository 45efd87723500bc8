/**
 * The node being imported as its handler sees it: its inputs as values of the graph (checked for
 * the kind the op needs), its outputs, its attributes, and the nodes it emits; and the type of a
 * handler, the function translating one ONNX op.
 */
import type { NetworkNode } from '@xbar/core';
import { NodeAttributes } from '../attributes.js';
import { type BatchLayout, FIRST_AXIS, WHOLE, formatDims, isFirstAxis } from '../batch-layout.js';
import { type ConstantTensor, OnnxImportError } from '../constant.js';
import type { OnnxNode } from '../model.js';
import type { GraphImporter } from './graph-importer.js';
import { type Activation, type Constant, type Value, fullDims } from './values.js';

/** Translates one ONNX node of op type `op` into values and core nodes of the graph. */
export type Handler = (context: NodeContext, op: string) => void;

/** Inputs, outputs and attributes of the node being imported. */
export class NodeContext {
  readonly name: string;

  constructor(
    readonly graph: GraphImporter,
    readonly node: OnnxNode,
    readonly where: string,
  ) {
    this.name = node.name || node.output[0] || where;
  }

  attributes(allowed: readonly string[]): NodeAttributes {
    return new NodeAttributes(this.node, this.where, allowed);
  }

  /** Input `index` of any kind, a filled tensor included. */
  value(index: number): Value {
    const name = this.node.input[index] ?? '';
    if (name === '') throw new OnnxImportError(`${this.where}: input ${index} is missing`);
    return this.graph.value(name, this.where);
  }

  /** Input `index`, a constant or an activation. */
  input(index: number): Constant | Activation {
    const value = this.value(index);
    if (value.kind === 'filled') throw new OnnxImportError(`${this.where}: input ${index} is a tensor whose size depends on the batch (a ConstantOfShape of a batch-sized shape), which this op cannot take`);
    return value;
  }

  optionalInput(index: number): Constant | Activation | undefined {
    const name = this.node.input[index] ?? '';
    return name === '' ? undefined : this.input(index);
  }

  /** Input `index` as an activation whose batch is its first axis (convolution, pooling, normalisation). */
  batchFirstInput(index: number, what: string): Activation {
    const value = this.layoutInput(index, FIRST_AXIS, what);
    if (!isFirstAxis(value.batch)) throw new OnnxImportError(`${this.where}: ${what} must hold the batch as its first axis; it is [${formatDims(fullDims(value))}] with the batch on axis ${value.batch.axis}`);
    return value;
  }

  /**
   * Input `index` as an activation; in a whole batch (GraphImporter.wholeBatch) viewed with the
   * batch laid out as `layout`, which the op needs. Elsewhere it is returned as it is, for the
   * caller to check.
   */
  layoutInput(index: number, layout: BatchLayout, what: string): Activation {
    const value = this.activationInput(index, what);
    return this.graph.wholeBatch === undefined ? value : this.graph.view(this.where, value, layout);
  }

  /** Input `index` as an activation; in a whole batch, as a WHOLE value (for ops that may then act on any axis). */
  wholeInput(index: number, what: string): Activation {
    return this.layoutInput(index, WHOLE, what);
  }

  activationInput(index: number, what = `input ${index}`): Activation {
    const value = this.input(index);
    if (value.kind !== 'activation') throw new OnnxImportError(`${this.where}: ${what} is a constant; constant folding of this op is not supported`);
    return value;
  }

  constantInput(index: number, what: string): ConstantTensor {
    const value = this.input(index);
    if (value.kind !== 'constant') throw new OnnxImportError(`${this.where}: ${what} must be a constant (an initializer or computed from constants)`);
    return value.tensor;
  }

  output(index: number): string {
    const name = this.node.output[index] ?? '';
    if (name === '') throw new OnnxImportError(`${this.where}: output ${index} has no name`);
    return name;
  }

  /** The node passes its input through (Identity, Dropout at inference). */
  alias(value: Value): void {
    this.graph.setValue(this.output(0), value);
  }

  /** Appends a core node of this ONNX node (see GraphImporter.addNode). */
  addNode(node: NetworkNode, inputShapes: readonly (readonly number[])[], batch: BatchLayout = FIRST_AXIS): void {
    this.graph.addNode(this.where, node, inputShapes, batch);
  }

  /** Appends a weight node whose weights come from this ONNX node's input number `weightInput`, and records that source. */
  addWeightNode(weightInput: number, node: NetworkNode, inputShapes: readonly (readonly number[])[], batch: BatchLayout = FIRST_AXIS): void {
    this.addNode(node, inputShapes, batch);
    const source = this.node.input[weightInput];
    if (source) this.graph.weightInitializers.set(node.name, source);
  }
}
