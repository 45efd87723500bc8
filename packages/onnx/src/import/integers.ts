/**
 * Integer-valued activations: an integer or bool graph input (token ids) and what flows from it.
 * The network holds every value as float64, which is exact for integers up to 2^53, so an op
 * gives ONNX's integer result when its float64 result equals it whatever the values: layout ops,
 * Min / Max, indices, comparisons, conditions, Cast. Three tables say which ops keep integers
 * (their result is integer-valued when these inputs are), which compute integer arithmetic (the
 * float64 result then truncated toward zero and wrapped into the type's range by a Cast, which is
 * ONNX's integer result) and which read them (indices, shapes, conditions, comparisons: the result
 * is not integer-valued); an integer activation at any other input (a weight layer, a product of
 * two integer activations) is refused naming the node.
 */
import { castsToInteger } from '@xbar/core';
import { OnnxImportError } from '../constant.js';
import type { NodeContext } from './node-context.js';

/** ONNX data types held exactly as integers in float64, by name. */
const INTEGER_TYPES: ReadonlyMap<number, string> = new Map([
  [2, 'uint8'],
  [3, 'int8'],
  [4, 'uint16'],
  [5, 'int16'],
  [6, 'int32'],
  [7, 'int64'],
  [9, 'bool'],
  [12, 'uint32'],
  [13, 'uint64'],
]);

/** Whether ONNX data type `type` is an integer type or bool (a graph input the importer takes as integer-valued). */
export function isIntegerType(type: number): boolean {
  return INTEGER_TYPES.has(type);
}

/** The name of an integer ONNX data type (int64, uint8, bool...). */
export function integerTypeName(type: number): string {
  return INTEGER_TYPES.get(type) ?? `data type ${type}`;
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
 * Integer arithmetic: when these inputs are integer-valued the result is of the same integer type,
 * ONNX's value being the float64 result truncated toward zero (Div, a float exponent) and wrapped
 * around into the type's range (overflow, Abs and Neg of the most negative value).
 */
const WRAP_INTEGERS: Readonly<Record<string, Positions>> = {
  Add: 'all',
  Sub: 'all',
  Mul: 'all',
  Div: 'all',
  Sum: 'all',
  Pow: [0],
  Abs: [0],
  Neg: [0],
  ReduceSum: [0],
  ReduceProd: [0],
  ReduceMean: [0],
  ReduceSumSquare: [0],
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
  Pow: [1],
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

/** The integer results of a node: their ONNX data type, and whether a Cast to it must follow the op (integer arithmetic). */
export interface IntegerResult {
  readonly type: number;
  readonly wrapped: boolean;
}

/**
 * Throws unless every integer-valued activation the node reads is at an input that keeps, computes
 * with or reads integers. Returns the type of the node's results if they are integer-valued.
 */
export function checkIntegerInputs(context: NodeContext, op: string): IntegerResult | undefined {
  let result: IntegerResult | undefined;
  context.node.input.forEach((name, index) => {
    const type = integerInput(context, index);
    if (type === undefined) return;
    if (includes(KEEP_INTEGERS[op], index)) {
      result ??= { type, wrapped: false };
      return;
    }
    if (includes(WRAP_INTEGERS[op], index)) {
      result ??= { type, wrapped: true };
      return;
    }
    if (includes(READ_INTEGERS[op], index)) return;
    throw new OnnxImportError(
      `${context.where}: ${op} of integer values is not modelled (weight layers and the ops outside docs/networks.md's integer lists take floats): input ${index} ('${name}') holds ${integerTypeName(type)} values; cast it to float`,
    );
  });
  if (op !== 'Cast') return result;
  const to = context.attributes(['to', 'saturate']).int('to', 1);
  return castsToInteger(to) ? { type: to, wrapped: false } : undefined;
}

/** Marks the node's activation outputs integer-valued of `type`, or not (undefined). */
export function markIntegerOutputs(context: NodeContext, type: number | undefined): void {
  for (const name of context.node.output) if (name !== '') context.graph.markInteger(name, type);
}
