/**
 * Integer-valued activations: an integer or bool graph input (token ids) and what flows from it.
 * The network holds every value as float64, which is exact for integers up to 2^53, so an op
 * gives ONNX's integer result when its float64 result equals it whatever the values: layout ops,
 * Min / Max, indices, comparisons, conditions, Cast. Two tables say which ops keep integers
 * (their result is integer-valued when these inputs are) and which read them (indices, shapes,
 * conditions, comparisons: the result is not integer-valued); an integer activation at any other
 * input (integer arithmetic that truncates or wraps around, a weight layer) is refused naming the
 * node, and so is a Cast to an integer type that cannot hold every value of the source's.
 */
import { castsToInteger } from '@xbar/core';
import { OnnxImportError } from '../constant.js';
import type { NodeContext } from './node-context.js';

/** ONNX data types held exactly as integers in float64, by name, with the range of their values. */
const INTEGER_TYPES: ReadonlyMap<number, { readonly name: string; readonly min: number; readonly max: number }> = new Map([
  [2, { name: 'uint8', min: 0, max: 2 ** 8 - 1 }],
  [3, { name: 'int8', min: -(2 ** 7), max: 2 ** 7 - 1 }],
  [4, { name: 'uint16', min: 0, max: 2 ** 16 - 1 }],
  [5, { name: 'int16', min: -(2 ** 15), max: 2 ** 15 - 1 }],
  [6, { name: 'int32', min: -(2 ** 31), max: 2 ** 31 - 1 }],
  [7, { name: 'int64', min: -(2 ** 63), max: 2 ** 63 - 1 }],
  [9, { name: 'bool', min: 0, max: 1 }],
  [12, { name: 'uint32', min: 0, max: 2 ** 32 - 1 }],
  [13, { name: 'uint64', min: 0, max: 2 ** 64 - 1 }],
]);

const BOOL = 9;

/** Whether ONNX data type `type` is an integer type or bool (a graph input the importer takes as integer-valued). */
export function isIntegerType(type: number): boolean {
  return INTEGER_TYPES.has(type);
}

/** The name of an integer ONNX data type (int64, uint8, bool...). */
export function integerTypeName(type: number): string {
  return INTEGER_TYPES.get(type)?.name ?? `data type ${type}`;
}

/** Input positions of an op: a list, or every input. */
type Positions = readonly number[] | 'all';

/**
 * Ops whose result holds exactly the integer values of these inputs (moved, selected, compared
 * element by element): when one of them is integer-valued, so is the result, of its type.
 */
const KEEP_INTEGERS: Readonly<Record<string, Positions>> = {
  Identity: [0],
  Dropout: [0],
  Reshape: [0],
  Flatten: [0],
  Squeeze: [0],
  Unsqueeze: [0],
  Transpose: [0],
  Slice: [0],
  Concat: 'all',
  Split: [0],
  Expand: [0],
  Gather: [0],
  Pad: [0, 2],
  Min: 'all',
  Max: 'all',
  Clip: 'all',
  Relu: [0],
  Floor: [0],
  Ceil: [0],
  ReduceMax: [0],
  ReduceMin: [0],
  MaxPool: [0],
  Where: [1, 2],
};

/**
 * Inputs read as indices, shapes, axes, conditions or compared values, whose float64 reading gives
 * ONNX's result whatever the integers: the result is not integer-valued (a comparison's bool is
 * 0 or 1 either way; Cast's result is integer-valued when it casts to an integer type).
 */
const READ_INTEGERS: Readonly<Record<string, Positions>> = {
  Gather: [1],
  Equal: 'all',
  Less: 'all',
  Greater: 'all',
  Where: [0],
  Cast: [0],
  Shape: [0],
  Reshape: [1],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  Slice: [1, 2, 3, 4],
  Expand: [1],
  Pad: [1, 3],
  Resize: [3],
  ConstantOfShape: [0],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceMean: [1],
  ReduceSum: [1],
  ReduceProd: [1],
  ReduceSumSquare: [1],
};

function includes(positions: Positions | undefined, index: number): boolean {
  return positions !== undefined && (positions === 'all' || positions.includes(index));
}

/** The integer data type of input `index` of the node if it is an integer-valued activation. */
function integerInput(context: NodeContext, index: number): number | undefined {
  const name = context.node.input[index] ?? '';
  if (name === '') return undefined;
  const value = context.graph.value(name, context.where);
  return value.kind === 'activation' ? value.integer : undefined;
}

/**
 * Throws unless every integer-valued activation the node reads is at an input that keeps or reads
 * integers, and a Cast of one to an integer type holds every value of its type. Returns the
 * integer type of the node's results, if they are integer-valued.
 */
export function checkIntegerInputs(context: NodeContext, op: string): number | undefined {
  let kept: number | undefined;
  context.node.input.forEach((name, index) => {
    const type = integerInput(context, index);
    if (type === undefined) return;
    if (includes(KEEP_INTEGERS[op], index)) {
      kept ??= type;
      return;
    }
    if (includes(READ_INTEGERS[op], index)) return;
    throw new OnnxImportError(
      `${context.where}: integer arithmetic on activations (truncating division, wrap-around) is not modelled: input ${index} ('${name}') holds ${integerTypeName(type)} values; cast it to float`,
    );
  });
  if (op !== 'Cast') return kept;
  const to = context.attributes(['to', 'saturate']).int('to', 1);
  if (!castsToInteger(to)) return undefined;
  const from = integerInput(context, 0);
  const source = from === undefined ? undefined : INTEGER_TYPES.get(from);
  const target = INTEGER_TYPES.get(to);
  if (source !== undefined && target !== undefined && to !== BOOL && (source.min < target.min || source.max > target.max)) {
    throw new OnnxImportError(`${context.where}: Cast from ${source.name} to ${target.name} wraps values out of ${target.name}'s range around, which is not modelled`);
  }
  return to;
}

/** Marks the node's activation outputs integer-valued of `type`, or not (undefined). */
export function markIntegerOutputs(context: NodeContext, type: number | undefined): void {
  for (const name of context.node.output) if (name !== '') context.graph.markInteger(name, type);
}
