import type { ActivationMoments } from './activation-moments.js';
import { gaussianPoints } from './gaussian-points.js';

/** Points of the quasi-Monte-Carlo rule (antithetic pairs). */
export const SOFTMAX_POINTS = 2048;

/**
 * Softmax moments of Gaussian logits (mean mu, covariance Gamma = L L^T by Cholesky; the diagonal in
 * diagonal mode), by a deterministic quasi-Monte-Carlo rule (gaussian-points.ts: SOFTMAX_POINTS
 * antithetic Halton points) with the linearization as control variate: with p0 = softmax(mu),
 * J = diag(p0) - p0 p0^T, A = J L and g(u) = p0 + A u, whose moments are exact (mean p0, second moment
 * p0 p0^T + A A^T), only the remainder f - g (second order in the noise) is integrated numerically:
 *   E[f] = p0 + mean(f - g),   E[f f^T] = p0 p0^T + A A^T + mean(f f^T - g g^T).
 * So small noise is exact to first order whatever the point count, and large logit noise (where
 * Stroud's degree-5 rule, used before, read +20 % on the digits CNN at level 0.1) is integrated to
 * the rule's accuracy. One softmax group of `size` elements with stride `inner`; groups independent.
 */
export function softmaxMoments(x: ActivationMoments, outer: number, size: number, inner: number): ActivationMoments {
  const mean = new Float64Array(x.size);
  const variance = new Float64Array(x.size);
  const covariance = x.covariance ? new Float64Array(x.size * x.size) : undefined;
  const n = size;
  const logits = new Float64Array(n);
  const probabilities = new Float64Array(n);
  const center = new Float64Array(n);
  const linear = new Float64Array(n);
  const factor = new Float64Array(n * n);
  const slope = new Float64Array(n * n);
  const groupMean = new Float64Array(n);
  const second = new Float64Array(n * n);
  const points = gaussianPoints(n, SOFTMAX_POINTS);
  const count = points.length / n;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const at = (k: number) => base + k * inner;
      choleskyFactor(x, n, at, factor);
      for (let k = 0; k < n; k++) logits[k] = x.mean[at(k)];
      softmaxInto(logits, center);
      // A = (diag(p0) - p0 p0^T) L
      for (let a = 0; a < n; a++) {
        for (let c = 0; c < n; c++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += center[k] * factor[k * n + c];
          slope[a * n + c] = center[a] * (factor[a * n + c] - dot);
        }
      }
      groupMean.fill(0);
      second.fill(0);
      let noisy = false;
      for (let e = 0; e < n * n && !noisy; e++) noisy = factor[e] !== 0;
      if (noisy) {
        for (let q = 0; q < count; q++) {
          const u = q * n;
          for (let k = 0; k < n; k++) {
            let l = x.mean[at(k)];
            let g = center[k];
            for (let c = 0; c <= k; c++) l += factor[k * n + c] * points[u + c];
            for (let c = 0; c < n; c++) g += slope[k * n + c] * points[u + c];
            logits[k] = l;
            linear[k] = g;
          }
          softmaxInto(logits, probabilities);
          for (let a = 0; a < n; a++) {
            groupMean[a] += probabilities[a] - linear[a];
            for (let b = a; b < n; b++) second[a * n + b] += probabilities[a] * probabilities[b] - linear[a] * linear[b];
          }
        }
      }
      for (let a = 0; a < n; a++) {
        groupMean[a] = center[a] + groupMean[a] / count;
        for (let b = a; b < n; b++) {
          let aat = 0;
          for (let c = 0; c < n; c++) aat += slope[a * n + c] * slope[b * n + c];
          second[a * n + b] = center[a] * center[b] + aat + second[a * n + b] / count;
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
