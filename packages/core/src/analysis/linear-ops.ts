import type { AffineNode, Pool2dNode } from '../network/graph.js';
import { windowOutputSize2d } from '../network/shapes.js';
import { shapeSize } from '../network/tensor.js';
import { type ActivationMoments, CovariancePool } from './activation-moments.js';

/**
 * A sparse linear map y = A x + c on one sample: row r of A has entries (columns[e], coefficients[e])
 * for e in [rowStart[r], rowStart[r + 1]). Moments map exactly: mean A mu + c, covariance A Gamma A^T.
 */
export interface SparseLinearMap {
  readonly rows: number;
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly coefficients: Float64Array;
  readonly offset?: Float64Array;
}

/** Applies a sparse linear map to moments (diagonal mode: Var = sum a^2 var, input correlations ignored). */
export function applyLinearMap(x: ActivationMoments, map: SparseLinearMap, pool: CovariancePool = new CovariancePool()): ActivationMoments {
  const n = map.rows;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const { rowStart, columns, coefficients } = map;
  for (let r = 0; r < n; r++) {
    let mu = map.offset ? map.offset[r] : 0;
    let v = 0;
    for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
      const a = coefficients[e];
      mu += a * x.mean[columns[e]];
      v += a * a * x.variance[columns[e]];
    }
    mean[r] = mu;
    variance[r] = v;
  }
  if (!x.covariance) return { size: n, mean, variance };
  const gamma = x.covariance;
  const size = x.size;
  const covariance = pool.take(n * n);
  const t = new Float64Array(size);
  for (let r = 0; r < n; r++) {
    rowTimesGamma(map, r, gamma, size, t);
    for (let c = r; c < n; c++) {
      let sum = 0;
      for (let e = rowStart[c]; e < rowStart[c + 1]; e++) sum += coefficients[e] * t[columns[e]];
      covariance[r * n + c] = sum;
      covariance[c * n + r] = sum;
    }
    variance[r] = covariance[r * n + r];
  }
  return { size: n, mean, variance, covariance };
}

/**
 * t = (A Gamma)[r, :] = sum_e a_e Gamma[column_e, :], up to four entries per pass over t (t is
 * written, not accumulated, by the first pass). Each t[j] is summed in entry order from 0 as by one
 * entry at a time, so the result is the same.
 */
function rowTimesGamma(map: SparseLinearMap, r: number, gamma: Float64Array, size: number, t: Float64Array): void {
  const { rowStart, columns, coefficients } = map;
  const start = rowStart[r];
  const end = rowStart[r + 1];
  if (end - start < 4) t.fill(0);
  let e = start;
  for (; e + 4 <= end; e += 4) {
    const [a0, a1, a2, a3] = [coefficients[e], coefficients[e + 1], coefficients[e + 2], coefficients[e + 3]];
    const [g0, g1, g2, g3] = [columns[e] * size, columns[e + 1] * size, columns[e + 2] * size, columns[e + 3] * size];
    if (e === start) for (let j = 0; j < size; j++) t[j] = a0 * gamma[g0 + j] + a1 * gamma[g1 + j] + a2 * gamma[g2 + j] + a3 * gamma[g3 + j];
    else for (let j = 0; j < size; j++) t[j] = t[j] + a0 * gamma[g0 + j] + a1 * gamma[g1 + j] + a2 * gamma[g2 + j] + a3 * gamma[g3 + j];
  }
  for (; e < end; e++) {
    const a = coefficients[e];
    const base = columns[e] * size;
    for (let j = 0; j < size; j++) t[j] += a * gamma[base + j];
  }
}

/** Builds a SparseLinearMap from per-row entry lists. */
function sparseFromRows(rows: readonly (readonly [number, number])[][], offset?: Float64Array): SparseLinearMap {
  const rowStart = new Int32Array(rows.length + 1);
  let total = 0;
  rows.forEach((row, r) => {
    rowStart[r] = total;
    total += row.length;
  });
  rowStart[rows.length] = total;
  const columns = new Int32Array(total);
  const coefficients = new Float64Array(total);
  let e = 0;
  for (const row of rows) {
    for (const [column, coefficient] of row) {
      columns[e] = column;
      coefficients[e++] = coefficient;
    }
  }
  return { rows: rows.length, rowStart, columns, coefficients, offset };
}

/** Window members of every output of a 2-D pooling (padding excluded), and each output's divisor for averages. */
export function poolWindows(node: Pool2dNode, inputShape: readonly number[]): { windows: number[][]; divisors: Float64Array; outputShape: number[] } {
  const [channels, inHeight, inWidth] = inputShape;
  const [outHeight, outWidth] = windowOutputSize2d(inHeight, inWidth, node, node.ceilMode);
  const [kernelHeight, kernelWidth] = node.kernel;
  const [strideY, strideX] = node.strides;
  const [dilationY, dilationX] = node.dilations;
  const [padTop, padLeft, padBottom, padRight] = node.pads;
  const windows: number[][] = [];
  const divisors = new Float64Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; c++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const y0 = oy * strideY - padTop;
        const x0 = ox * strideX - padLeft;
        const members: number[] = [];
        let paddedCount = 0;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = y0 + ky * dilationY;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const xx = x0 + kx * dilationX;
            if (y >= -padTop && y < inHeight + padBottom && xx >= -padLeft && xx < inWidth + padRight) paddedCount++;
            if (y < 0 || y >= inHeight || xx < 0 || xx >= inWidth) continue;
            members.push(c * inHeight * inWidth + y * inWidth + xx);
          }
        }
        divisors[windows.length] = node.countIncludePad ? paddedCount : members.length;
        windows.push(members);
      }
    }
  }
  return { windows, divisors, outputShape: [channels, outHeight, outWidth] };
}

/** Average pooling as a linear map (exact). */
export function averagePoolMap(node: Pool2dNode, inputShape: readonly number[]): SparseLinearMap {
  const { windows, divisors } = poolWindows(node, inputShape);
  return sparseFromRows(windows.map((members, r) => members.map((i) => [i, divisors[r] === 0 ? 0 : 1 / divisors[r]] as const)));
}

/** Global average pooling over the spatial axes (exact). */
export function globalAveragePoolMap(inputShape: readonly number[]): SparseLinearMap {
  const channels = inputShape[0];
  const plane = shapeSize(inputShape.slice(1));
  const rows: [number, number][][] = [];
  for (let c = 0; c < channels; c++) rows.push(Array.from({ length: plane }, (_, i) => [c * plane + i, 1 / plane] as [number, number]));
  return sparseFromRows(rows);
}

/** y = scale[c] x + shift[c] along an axis (exact). */
export function affineMoments(x: ActivationMoments, node: AffineNode, inputShape: readonly number[], pool: CovariancePool = new CovariancePool()): ActivationMoments {
  const axisInSample = node.axis - 1;
  const channels = inputShape[axisInSample];
  const inner = shapeSize(inputShape.slice(axisInSample + 1));
  const scale = new Float64Array(x.size);
  const mean = new Float64Array(x.size);
  const variance = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const c = Math.floor(i / inner) % channels;
    scale[i] = node.scale[c];
    mean[i] = node.scale[c] * x.mean[i] + node.shift[c];
    variance[i] = scale[i] * scale[i] * x.variance[i];
  }
  if (!x.covariance) return { size: x.size, mean, variance };
  const covariance = pool.take(x.size * x.size);
  for (let a = 0; a < x.size; a++) for (let b = 0; b < x.size; b++) covariance[a * x.size + b] = scale[a] * scale[b] * x.covariance[a * x.size + b];
  return { size: x.size, mean, variance, covariance };
}

/**
 * Sum of two values of the same shape. The branches' deviations are taken as uncorrelated (their
 * cross-covariance is not tracked): exact when the branches share no noisy ancestor.
 */
export function addMoments(a: ActivationMoments, b: ActivationMoments, pool: CovariancePool = new CovariancePool()): ActivationMoments {
  if (a.size !== b.size) throw new RangeError(`the analytical engine adds values of equal size only (${a.size} vs ${b.size})`);
  const mean = new Float64Array(a.size);
  const variance = new Float64Array(a.size);
  for (let i = 0; i < a.size; i++) {
    mean[i] = a.mean[i] + b.mean[i];
    variance[i] = a.variance[i] + b.variance[i];
  }
  if (!a.covariance || !b.covariance) return { size: a.size, mean, variance };
  const covariance = pool.take(a.covariance.length);
  for (let i = 0; i < covariance.length; i++) covariance[i] = a.covariance[i] + b.covariance[i];
  return { size: a.size, mean, variance, covariance };
}

/** x + constant: the mean moves, the covariance stays. `shifted` is the broadcast constant per element. */
export function shiftMoments(x: ActivationMoments, shifted: Float64Array): ActivationMoments {
  const mean = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) mean[i] = x.mean[i] + shifted[i];
  return { size: x.size, mean, variance: x.variance, covariance: x.covariance };
}
