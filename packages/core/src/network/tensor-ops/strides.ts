import { formatShape } from '../tensor.js';

/** C-order strides of a shape (elements between neighbours along each axis). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * Strides of `shape` read as `target` under NumPy broadcasting (aligned on the right; a stretched or
 * missing axis has stride 0). Throws when `shape` does not broadcast to `target`.
 */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  if (offset < 0) throw new RangeError(`${formatShape(shape)} has more axes than ${formatShape(target)}`);
  return target.map((dim, axis) => {
    if (axis < offset) return 0;
    const size = shape[axis - offset];
    if (size === dim) return own[axis - offset];
    if (size === 1) return 0;
    throw new RangeError(`${formatShape(shape)} does not broadcast to ${formatShape(target)}`);
  });
}

/** An axis in [-rank, rank) as a non-negative one; throws naming `what` when out of range. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!(Number.isInteger(normalized) && normalized >= 0 && normalized < rank)) throw new RangeError(`${what} ${axis} is out of range for rank ${rank}`);
  return normalized;
}

/**
 * Calls `visit(outIndex, offsets)` for every element of `shape` in C order with, for each operand,
 * the offset of the element it reads (from its `strides`). One odometer for all operands: no
 * allocation per element.
 */
export function forEachBroadcast(shape: readonly number[], strides: readonly (readonly number[])[], visit: (index: number, offsets: Float64Array) => void): void {
  const rank = shape.length;
  const counter = new Int32Array(rank);
  const offsets = new Float64Array(strides.length);
  let total = 1;
  for (const dim of shape) total *= dim;
  for (let index = 0; index < total; index++) {
    visit(index, offsets);
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]++;
      for (let k = 0; k < strides.length; k++) offsets[k] += strides[k][axis];
      if (counter[axis] < shape[axis]) break;
      for (let k = 0; k < strides.length; k++) offsets[k] -= strides[k][axis] * shape[axis];
      counter[axis] = 0;
    }
  }
}
