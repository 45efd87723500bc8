/**
 * An n-dimensional float64 tensor in C (row-major) order. In a network the first dimension is the
 * batch: a batch of B images of C channels is B x C x H x W (NCHW); a batch of feature vectors is B x F.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape (1 for the scalar shape []). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** A tensor of zeros, or wrapping `data` (which must have shapeSize(shape) elements). */
export function tensor(shape: readonly number[], data?: Float64Array): Tensor {
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`tensor dimensions must be whole numbers >= 0, got [${shape.join(', ')}]`);
  }
  const size = shapeSize(shape);
  const values = data ?? new Float64Array(size);
  if (values.length !== size) throw new RangeError(`a [${shape.join(', ')}] tensor needs ${size} values, got ${values.length}`);
  return { shape: [...shape], data: values };
}

/** `shape` as text, e.g. "[64, 1, 28, 28]". */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** Samples [start, start + count) of a batch tensor (first dimension), sharing its storage. */
export function batchSlice(x: Tensor, start: number, count: number): Tensor {
  const sampleSize = shapeSize(x.shape.slice(1));
  return { shape: [count, ...x.shape.slice(1)], data: x.data.subarray(start * sampleSize, (start + count) * sampleSize) };
}

/** Index of the largest value of each sample of a batch B x ... (ties: the first): the top-1 class. */
export function argmaxPerSample(x: Tensor): Int32Array {
  const batch = x.shape[0];
  const sampleSize = batch === 0 ? 0 : x.data.length / batch;
  const best = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < sampleSize; i++) {
      const value = x.data[b * sampleSize + i];
      if (value > bestValue) {
        bestValue = value;
        bestIndex = i;
      }
    }
    best[b] = bestIndex;
  }
  return best;
}
