import type { ActivationMoments } from './activation-moments.js';

/**
 * Softmax moments by Stroud's degree-5 cubature for a Gaussian (2 n^2 + 1 points, exact for
 * polynomials of degree <= 5 in the logits): points mu + L u with L L^T = Gamma (Cholesky; the
 * diagonal in diagonal mode), u in {0, +-sqrt(n + 2) e_i, +-sqrt((n + 2) / 2) (e_i +- e_j)}, weights
 * 2 / (n + 2), (4 - n) / (2 (n + 2)^2), 1 / (n + 2)^2. One softmax group of `size` elements with
 * stride `inner` starting at `base`; groups are independent (cross-group covariances dropped).
 */
export function softmaxMoments(x: ActivationMoments, outer: number, size: number, inner: number): ActivationMoments {
  const mean = new Float64Array(x.size);
  const variance = new Float64Array(x.size);
  const covariance = x.covariance ? new Float64Array(x.size * x.size) : undefined;
  const n = size;
  const logits = new Float64Array(n);
  const probabilities = new Float64Array(n);
  const factor = new Float64Array(n * n);
  const groupMean = new Float64Array(n);
  const second = new Float64Array(n * n);
  const w0 = 2 / (n + 2);
  const w1 = (4 - n) / (2 * (n + 2) ** 2);
  const w2 = 1 / (n + 2) ** 2;
  const r1 = Math.sqrt(n + 2);
  const r2 = Math.sqrt((n + 2) / 2);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const at = (k: number) => base + k * inner;
      choleskyFactor(x, n, at, factor);
      groupMean.fill(0);
      second.fill(0);
      const accumulate = (weight: number, direction: (out: Float64Array) => void) => {
        for (let k = 0; k < n; k++) logits[k] = x.mean[at(k)];
        direction(logits);
        softmaxInto(logits, probabilities);
        for (let a = 0; a < n; a++) {
          groupMean[a] += weight * probabilities[a];
          for (let b = a; b < n; b++) second[a * n + b] += weight * probabilities[a] * probabilities[b];
        }
      };
      accumulate(w0, () => {});
      for (let i = 0; i < n; i++) {
        for (const sign of [1, -1]) accumulate(w1, (l) => addColumn(l, factor, n, i, sign * r1));
        for (let k = i + 1; k < n; k++) {
          for (const si of [1, -1]) {
            for (const sk of [1, -1]) {
              accumulate(w2, (l) => {
                addColumn(l, factor, n, i, si * r2);
                addColumn(l, factor, n, k, sk * r2);
              });
            }
          }
        }
      }
      for (let a = 0; a < n; a++) {
        mean[at(a)] = groupMean[a];
        variance[at(a)] = Math.max(0, second[a * n + a] - groupMean[a] * groupMean[a]);
        if (covariance) {
          for (let b = a; b < n; b++) {
            const c = a === b ? variance[at(a)] : second[a * n + b] - groupMean[a] * groupMean[b];
            covariance[at(a) * x.size + at(b)] = c;
            covariance[at(b) * x.size + at(a)] = c;
          }
        }
      }
    }
  }
  return { size: x.size, mean, variance, covariance };
}

function addColumn(logits: Float64Array, factor: Float64Array, n: number, column: number, scale: number): void {
  for (let k = 0; k < n; k++) logits[k] += scale * factor[k * n + column];
}

function softmaxInto(logits: Float64Array, out: Float64Array): void {
  let largest = -Infinity;
  for (const value of logits) largest = Math.max(largest, value);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    out[k] = Math.exp(logits[k] - largest);
    sum += out[k];
  }
  for (let k = 0; k < logits.length; k++) out[k] /= sum;
}

/** Lower Cholesky factor of the group's covariance (pivots below 0 treated as 0: PSD matrices). */
function choleskyFactor(x: ActivationMoments, n: number, at: (k: number) => number, factor: Float64Array): void {
  factor.fill(0);
  const cov = (a: number, b: number) => (a === b ? x.variance[at(a)] : x.covariance ? x.covariance[at(a) * x.size + at(b)] : 0);
  for (let j = 0; j < n; j++) {
    let d = cov(j, j);
    for (let k = 0; k < j; k++) d -= factor[j * n + k] ** 2;
    const pivot = d > 0 ? Math.sqrt(d) : 0;
    factor[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let s = cov(i, j);
      for (let k = 0; k < j; k++) s -= factor[i * n + k] * factor[j * n + k];
      factor[i * n + j] = pivot > 0 ? s / pivot : 0;
    }
  }
}
