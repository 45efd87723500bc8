import type { Tensor } from '@xbar/core';
import { OnnxImportError } from './constant.js';

/**
 * Where the batch of an activation sits when it is not the activation's clean first axis: axis
 * `axis` of the full shape has size outer * B * inner for a batch of B, element (o, b, i) of that
 * axis at index (o * B + b) * inner + i. A Transpose moves the batch (`axis`); a Reshape may merge
 * it with its neighbours (`outer`, `inner`), as attention does with the heads.
 */
export interface BatchLayout {
  readonly axis: number;
  readonly outer: number;
  readonly inner: number;
}

/** The layout of the clean first axis, the one the network input and outputs have. */
export const FIRST_AXIS: BatchLayout = { axis: 0, outer: 1, inner: 1 };

/**
 * The layout of a value computed from the whole batch in a network that mixes its samples
 * (Network.wholeBatch): no axis of it holds the batch apart, its shape is the whole value's.
 */
export const WHOLE: BatchLayout = { axis: -1, outer: 1, inner: 1 };

export function isWhole(layout: BatchLayout): boolean {
  return layout.axis < 0;
}

export function sameLayout(a: BatchLayout, b: BatchLayout): boolean {
  return a.axis === b.axis && a.outer === b.outer && a.inner === b.inner;
}

/**
 * The value standing for the (symbolic) batch size B in shapes computed at import: Shape of an
 * activation yields k * SYMBOLIC_BATCH for an axis of k * B, products with constants keep that
 * form, and Reshape reads it back as the axis holding the batch.
 */
export const SYMBOLIC_BATCH = -(2 ** 30);

/** k if `dim` is k * SYMBOLIC_BATCH for a whole k >= 1, else undefined. */
export function batchMultiple(dim: number): number | undefined {
  const k = dim / SYMBOLIC_BATCH;
  return Number.isInteger(k) && k >= 1 ? k : undefined;
}

export function isFirstAxis(layout: BatchLayout): boolean {
  return layout.axis === 0 && layout.outer === 1 && layout.inner === 1;
}

/** A dimension as text: "batch", "2 x batch" or the number. */
export function formatDim(dim: number): string {
  const k = batchMultiple(dim);
  return k === undefined ? String(dim) : k === 1 ? 'batch' : `${k} x batch`;
}

export function formatDims(dims: readonly number[]): string {
  return dims.map(formatDim).join(', ');
}

/** The full shape for a batch of `batch`, from the shape at batch 1 (`shapeAtOne`). */
export function dimsAtBatch(shapeAtOne: readonly number[], layout: BatchLayout, batch: number): number[] {
  return shapeAtOne.map((dim, axis) => (axis === layout.axis ? dim * batch : dim));
}

/**
 * The batch layout and shape at batch 1 of a reshape of an activation (full shape at batch 1
 * `inputAtOne`, layout `input`) to `target`, whose dims are numbers and at most one multiple of
 * SYMBOLIC_BATCH (-1 and 0 already resolved by the caller, except one -1). The batch must remain a
 * block of the row-major order: the target axis holding k x batch must hold the input's elements
 * before and after the batch in the same order. Throws naming `where` otherwise.
 */
export function reshapeBatch(inputAtOne: readonly number[], input: BatchLayout, target: readonly number[], where: string): { shape: number[]; layout: BatchLayout } {
  const size = product(inputAtOne);
  const batchAxes = target.flatMap((dim, axis) => (batchMultiple(dim) === undefined ? [] : [axis]));
  if (batchAxes.length !== 1) {
    throw new OnnxImportError(`${where}: the target shape [${formatDims(target)}] must name the batch size in exactly one dimension (it is computed from Shape of an activation)`);
  }
  const axis = batchAxes[0];
  const k = batchMultiple(target[axis])!;
  const atOne = target.map((dim, i) => (i === axis ? k : dim));
  const unknown = atOne.filter((dim) => dim === -1).length;
  if (unknown > 1 || atOne.some((dim) => dim < -1)) throw new OnnxImportError(`${where}: target shape [${formatDims(target)}] has more than one -1 or a negative dimension`);
  if (unknown === 1) {
    const known = product(atOne.filter((dim) => dim !== -1));
    if (known === 0 || size % known !== 0) throw new OnnxImportError(`${where}: cannot infer -1 in [${formatDims(target)}] for ${size} values per sample`);
    atOne[atOne.indexOf(-1)] = size / known;
  }
  if (product(atOne) !== size) throw new OnnxImportError(`${where}: cannot reshape [${formatDims(dimsAtSymbolicBatch(inputAtOne, input))}] to [${formatDims(target)}]`);
  // elements after the batch in row-major order, within and across axes
  const afterInput = input.inner * product(inputAtOne.slice(input.axis + 1));
  const afterTarget = product(atOne.slice(axis + 1));
  const inner = afterInput / afterTarget;
  if (!(Number.isInteger(inner) && inner >= 1 && k % inner === 0)) {
    throw new OnnxImportError(`${where}: reshaping [${formatDims(dimsAtSymbolicBatch(inputAtOne, input))}] to [${formatDims(target)}] would interleave the samples of the batch`);
  }
  return { shape: atOne, layout: { axis, outer: k / inner, inner } };
}

/** Full dims with the batch axis written as k * SYMBOLIC_BATCH. */
export function dimsAtSymbolicBatch(shapeAtOne: readonly number[], layout: BatchLayout): number[] {
  return shapeAtOne.map((dim, axis) => (axis === layout.axis ? dim * SYMBOLIC_BATCH : dim));
}

/** The elements of sample `sample` of a tensor of `batch` samples laid out as `layout` (its batch axis then has size outer * inner). */
export function sampleOf(x: Tensor, layout: BatchLayout, batch: number, sample: number): Tensor {
  const { axis, outer, inner } = layout;
  const before = product(x.shape.slice(0, axis)) * outer;
  const after = inner * product(x.shape.slice(axis + 1));
  const data = new Float64Array(before * after);
  for (let o = 0; o < before; o++) data.set(x.data.subarray((o * batch + sample) * after, (o * batch + sample + 1) * after), o * after);
  return { shape: x.shape.map((dim, i) => (i === axis ? dim / batch : dim)), data };
}

/** Concatenation of per-sample tensors (each at batch 1) into one batch laid out as `layout`. */
export function batchOf(samples: readonly Tensor[], layout: BatchLayout): Tensor {
  const batch = samples.length;
  const first = samples[0];
  const { axis, outer, inner } = layout;
  const before = product(first.shape.slice(0, axis)) * outer;
  const after = inner * product(first.shape.slice(axis + 1));
  const data = new Float64Array(first.data.length * batch);
  samples.forEach((sample, b) => {
    for (let o = 0; o < before; o++) data.set(sample.data.subarray(o * after, (o + 1) * after), (o * batch + b) * after);
  });
  return { shape: first.shape.map((dim, i) => (i === axis ? dim * batch : dim)), data };
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
