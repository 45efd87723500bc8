/**
 * A dense row-major matrix of float64. Weight matrices are outputs x inputs (y = W x); batches of
 * vectors are batch x features (one vector per row); conductance maps are rows (input lines) x
 * columns (output lines).
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values: element (r, c) is data[r * cols + c]. */
  readonly data: Float64Array;
}

/** A rows x cols matrix of zeros, or wrapping `data` (which must have rows * cols elements). */
export function matrix(rows: number, cols: number, data?: Float64Array | readonly number[]): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix dimensions must be whole numbers >= 0, got ${rows} x ${cols}`);
  }
  const values = data === undefined ? new Float64Array(rows * cols) : data instanceof Float64Array ? data : Float64Array.from(data);
  if (values.length !== rows * cols) {
    throw new RangeError(`a ${rows} x ${cols} matrix needs ${rows * cols} values, got ${values.length}`);
  }
  return { rows, cols, data: values };
}

/** Rows [start, start + count) of `m`, sharing its storage. */
export function rowSlice(m: Matrix, start: number, count: number): Matrix {
  return { rows: count, cols: m.cols, data: m.data.subarray(start * m.cols, (start + count) * m.cols) };
}

/** y = x W^T for a batch x (B x n) and weights W (m x n): y is B x m. Plain float64 reference product. */
export function multiplyByTranspose(x: Matrix, weights: Matrix): Matrix {
  if (x.cols !== weights.cols) throw new RangeError(`inputs have ${x.cols} features, weights expect ${weights.cols}`);
  const out = matrix(x.rows, weights.rows);
  for (let b = 0; b < x.rows; b++) {
    const xOffset = b * x.cols;
    for (let o = 0; o < weights.rows; o++) {
      const wOffset = o * weights.cols;
      let sum = 0;
      for (let i = 0; i < weights.cols; i++) sum += x.data[xOffset + i] * weights.data[wOffset + i];
      out.data[b * weights.rows + o] = sum;
    }
  }
  return out;
}
