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
  const delta = new Float64Array(n);
  const probabilitiesMirror = new Float64Array(n);
  const linearMirror = new Float64Array(n);
  const groupLogits = new Float64Array(n);
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
        for (let k = 0; k < n; k++) groupLogits[k] = x.mean[at(k)];
        const work = { logits, delta, probabilities, linear, probabilitiesMirror, linearMirror, base: new Float64Array(n) };
        accumulateRemainder(groupLogits, factor, center, points, count, work, groupMean, second);
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

/** Work vectors (one value per logit, two points) of `accumulateRemainder`. */
interface RemainderWork {
  readonly logits: Float64Array;
  readonly delta: Float64Array;
  readonly probabilities: Float64Array;
  readonly linear: Float64Array;
  readonly probabilitiesMirror: Float64Array;
  readonly linearMirror: Float64Array;
  readonly base: Float64Array;
}

/**
 * Sums over the points u of the remainder of the softmax f against its linearization g: into
 * `groupMean` sum (f - g), into the upper triangle of `second` sum (f f^T - g g^T). With
 * delta = L u (L the lower Cholesky factor), the logits are mu + delta and
 * g = p0 + (diag(p0) - p0 p0^T) delta = p0 + p0 (delta - p0 . delta), O(n) per point instead of the
 * O(n^2) product with A = J L (the same linear function of u). The points come in antithetic pairs
 * (u, -u) (gaussian-points.ts; checked): delta and p0 . delta of -u are the exact negatives of those
 * of u, so they are computed once per pair, both softmaxes come from one exponential per logit
 * (`softmaxPair`), and both points' terms go into the sums together.
 */
function accumulateRemainder(
  mu: Float64Array,
  factor: Float64Array,
  center: Float64Array,
  points: Float64Array,
  count: number,
  work: RemainderWork,
  groupMean: Float64Array,
  second: Float64Array,
): void {
  const { delta, probabilities, linear, probabilitiesMirror, linearMirror } = work;
  const n = mu.length;
  const paired = antithetic(points, n, count);
  // exp(mu_k - max mu): the logits' own part of both points of a pair
  const base = work.base;
  let largest = -Infinity;
  for (let k = 0; k < n; k++) largest = Math.max(largest, mu[k]);
  for (let k = 0; k < n; k++) base[k] = Math.exp(mu[k] - largest);
  for (let q = 0; q < count; q += paired ? 2 : 1) {
    const u = q * n;
    let shift = 0;
    for (let k = 0; k < n; k++) {
      let d = 0;
      for (let c = 0; c <= k; c++) d += factor[k * n + c] * points[u + c];
      delta[k] = d;
      shift += center[k] * d;
    }
    if (!paired) {
      softmaxPoint(mu, center, delta, shift, 1, work.logits, probabilities, linear);
      for (let a = 0; a < n; a++) {
        const fa = probabilities[a];
        const ga = linear[a];
        groupMean[a] += fa - ga;
        for (let b = a; b < n; b++) second[a * n + b] += fa * probabilities[b] - ga * linear[b];
      }
      continue;
    }
    if (!softmaxPair(base, delta, probabilities, probabilitiesMirror)) {
      softmaxPoint(mu, center, delta, shift, 1, work.logits, probabilities, linear);
      softmaxPoint(mu, center, delta, shift, -1, work.logits, probabilitiesMirror, linearMirror);
    }
    for (let k = 0; k < n; k++) {
      linear[k] = center[k] + center[k] * (delta[k] - shift);
      linearMirror[k] = center[k] + center[k] * (-delta[k] - -shift);
    }
    for (let a = 0; a < n; a++) {
      const fa = probabilities[a];
      const ga = linear[a];
      const ha = probabilitiesMirror[a];
      const ka = linearMirror[a];
      groupMean[a] += fa - ga + (ha - ka);
      for (let b = a; b < n; b++) second[a * n + b] += fa * probabilities[b] - ga * linear[b] + (ha * probabilitiesMirror[b] - ka * linearMirror[b]);
    }
  }
}

/** f = softmax(mu + sign delta) and g = p0 + p0 (sign delta - sign shift) for the point sign u. */
function softmaxPoint(
  mu: Float64Array,
  center: Float64Array,
  delta: Float64Array,
  shift: number,
  sign: number,
  logits: Float64Array,
  probabilities: Float64Array,
  linear: Float64Array,
): void {
  const n = mu.length;
  for (let k = 0; k < n; k++) {
    logits[k] = mu[k] + sign * delta[k];
    linear[k] = center[k] + center[k] * (sign * delta[k] - sign * shift);
  }
  softmaxInto(logits, probabilities);
}

/** Largest |delta| for which `softmaxPair` scales exp(mu - max mu) by exp(+-delta) (no overflow, no lost terms). */
const PAIR_DELTA_LIMIT = 30;

/**
 * softmax(mu + delta) and softmax(mu - delta) from one exponential per logit: base_k exp(+-delta_k)
 * with base_k = exp(mu_k - max mu), normalized. Returns false (nothing written) when some
 * |delta_k| > PAIR_DELTA_LIMIT; the caller then evaluates both points directly.
 */
function softmaxPair(base: Float64Array, delta: Float64Array, plus: Float64Array, minus: Float64Array): boolean {
  const n = base.length;
  for (let k = 0; k < n; k++) if (!(Math.abs(delta[k]) <= PAIR_DELTA_LIMIT)) return false;
  let sumPlus = 0;
  let sumMinus = 0;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(delta[k]);
    const p = base[k] * e;
    const m = base[k] / e;
    plus[k] = p;
    minus[k] = m;
    sumPlus += p;
    sumMinus += m;
  }
  for (let k = 0; k < n; k++) {
    plus[k] /= sumPlus;
    minus[k] /= sumMinus;
  }
  return true;
}

const antitheticSets = new WeakSet<Float64Array>();

/** Whether the points come in pairs (u, -u) (rows 2p and 2p + 1); remembered per point set. */
function antithetic(points: Float64Array, n: number, count: number): boolean {
  if (antitheticSets.has(points)) return true;
  if (count % 2 !== 0) return false;
  for (let q = 0; q < count; q += 2) for (let k = 0; k < n; k++) if (points[(q + 1) * n + k] !== -points[q * n + k]) return false;
  antitheticSets.add(points);
  return true;
}

function softmaxInto(logits: Float64Array, out: Float64Array): void {
  let largest = -Infinity;
  for (let k = 0; k < logits.length; k++) largest = Math.max(largest, logits[k]);
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
