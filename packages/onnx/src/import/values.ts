/**
 * The values of an ONNX graph during import (constants, activations, batch-sized fills) and what
 * every part of the importer reads of them: full dims, the shape at a batch of one, and the small
 * constants (scalars, int lists) that handlers pass to tensor ops.
 */
import { type BatchLayout, dimsAtBatch, dimsAtSymbolicBatch, isFirstAxis } from '../batch-layout.js';
import type { ConstantTensor } from '../constant.js';

/**
 * A value of the ONNX graph during import: a constant; an activation computed per batch (`shape` is
 * per sample when `batch` is the first axis, else the whole value's at batch 1); or a tensor of one
 * value whose dims depend on the batch size (ConstantOfShape of a shape read from an activation,
 * such as a recurrent layer's zero initial state), `dims` holding multiples of SYMBOLIC_BATCH.
 * An activation's `integer` is the ONNX data type of its values when they are integers (an integer
 * or bool graph input and what flows from it through ops that keep integers, see integers.ts).
 * In a network with a whole batch (GraphImporter.wholeBatch), an activation whose layout names a
 * batch axis has `batchSize`: that axis's size, which is fixed there (WHOLE values have none).
 */
export type Value =
  | { readonly kind: 'constant'; readonly tensor: ConstantTensor }
  | { readonly kind: 'activation'; readonly id: string; readonly shape: readonly number[]; readonly batch: BatchLayout; readonly integer?: number; readonly batchSize?: number }
  | { readonly kind: 'filled'; readonly value: number; readonly dims: readonly number[] };

export type Activation = Extract<Value, { kind: 'activation' }>;
export type Constant = Extract<Value, { kind: 'constant' }>;
export type Filled = Extract<Value, { kind: 'filled' }>;

/** An activation's whole shape for a batch of one. */
export function shapeAtOne(x: Activation): number[] {
  return isFirstAxis(x.batch) ? [1, ...x.shape] : [...x.shape];
}

/** Full dims of a value, the batch axis of activations a multiple of SYMBOLIC_BATCH (its size, when fixed by a whole batch). */
export function fullDims(value: Value): number[] {
  if (value.kind === 'constant') return [...value.tensor.dims];
  if (value.kind === 'filled') return [...value.dims];
  if (value.batchSize !== undefined) return dimsAtBatch(shapeAtOne(value), value.batch, value.batchSize);
  return dimsAtSymbolicBatch(shapeAtOne(value), value.batch);
}

/** A float scalar constant. */
export function scalarConstant(value: number): Constant {
  return { kind: 'constant', tensor: { kind: 'float', dims: [], values: Float64Array.of(value) } };
}

/** A 1-D int constant of `value` (an absent one: empty). */
export function listConstant(value: number | readonly number[] | undefined): Constant {
  const list = Array.isArray(value) ? value : [];
  return { kind: 'constant', tensor: { kind: 'int', dims: [list.length], values: Float64Array.from(list) } };
}
