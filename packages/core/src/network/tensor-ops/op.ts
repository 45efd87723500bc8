import type { Tensor } from '../tensor.js';

/** Attributes of a tensor op, as the ONNX node gives them (ints, floats and their lists). */
export type TensorOpAttributes = Readonly<Record<string, number | readonly number[]>>;

/**
 * One digital tensor operation: whole tensors in (the batch is an axis like any other), one out,
 * throwing a RangeError when the operands do not fit. Output shapes are found by running it (on
 * zeros, at import), so the kernel is the one definition of what it computes.
 */
export interface TensorOp {
  /** Fewest and most operands. */
  readonly arity: readonly [number, number];
  forward(operands: readonly Tensor[], attributes: TensorOpAttributes): Tensor;
}

/** A number attribute (int or float), or `fallback`. */
export function numberAttribute(attributes: TensorOpAttributes, name: string, fallback: number): number {
  const value = attributes[name];
  return typeof value === 'number' ? value : fallback;
}

/** A list attribute, or undefined. */
export function listAttribute(attributes: TensorOpAttributes, name: string): readonly number[] | undefined {
  const value = attributes[name];
  return Array.isArray(value) ? (value as readonly number[]) : undefined;
}
