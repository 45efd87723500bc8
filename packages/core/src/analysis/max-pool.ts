import { normalCdf, normalPdf } from '../math/normal.js';
import { type ActivationMoments, CovariancePool } from './activation-moments.js';

/**
 * Max pooling with Clark's moments of the maximum of Gaussians (Clark 1961), folding a window one
 * element at a time: for M = max(A, B) with theta^2 = Var A + Var B - 2 Cov(A, B), alpha = (mu_A -
 * mu_B) / theta,
 *   E[M] = mu_A Phi(alpha) + mu_B Phi(-alpha) + theta phi(alpha),
 *   E[M^2] = (mu_A^2 + Var A) Phi(alpha) + (mu_B^2 + Var B) Phi(-alpha) + (mu_A + mu_B) theta phi(alpha),
 *   Cov(M, Y) = Cov(A, Y) Phi(alpha) + Cov(B, Y) Phi(-alpha)  (exact for jointly Gaussian A, B, Y).
 * The last line makes each output, for covariances, a linear combination of its window's elements
 * with coefficients a: Cov(out_u, out_v) = a_u^T Gamma a_v (u != v). The max of Gaussians is not
 * Gaussian, so each fold after the first is an approximation. Diagonal mode uses Cov = 0 inside a window.
 */
export function maxPoolMoments(x: ActivationMoments, windows: readonly number[][], pool: CovariancePool = new CovariancePool()): ActivationMoments {
  const { mean, variance, coefficients } = clarkMaxPool(x, windows);
  const gamma = x.covariance;
  if (!gamma) return { size: windows.length, mean, variance };
  return { size: windows.length, mean, variance, covariance: windowCovariance(gamma, x.size, windows, coefficients, variance, pool) };
}

/**
 * Clark's fold of every window (see maxPoolMoments): each output's mean and variance, and its
 * coefficients a over its window's elements (the output's linear sensitivity to them, for
 * covariances: Cov(out_u, Y) = sum_e a_e Cov(x_window[e], Y)).
 */
export function clarkMaxPool(x: ActivationMoments, windows: readonly number[][]): { mean: Float64Array; variance: Float64Array; coefficients: Float64Array[] } {
  const n = windows.length;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const coefficients: Float64Array[] = [];
  const gamma = x.covariance;
  const cov = (i: number, j: number) => (i === j ? x.variance[i] : gamma ? gamma[i * x.size + j] : 0);
  for (let u = 0; u < n; u++) {
    const members = windows[u];
    const a = new Float64Array(members.length);
    if (members.length === 0) {
      coefficients.push(a);
      continue;
    }
    let mu = x.mean[members[0]];
    let v = x.variance[members[0]];
    a[0] = 1;
    for (let e = 1; e < members.length; e++) {
      const j = members[e];
      let covMJ = 0;
      for (let f = 0; f < e; f++) if (a[f] !== 0) covMJ += a[f] * cov(members[f], j);
      const muB = x.mean[j];
      const vB = x.variance[j];
      const theta2 = v + vB - 2 * covMJ;
      let pA: number;
      let newMean: number;
      let newVariance: number;
      if (theta2 <= 1e-300 || theta2 <= 1e-24 * (v + vB)) {
        pA = mu >= muB ? 1 : 0;
        newMean = pA ? mu : muB;
        newVariance = pA ? v : vB;
      } else {
        const theta = Math.sqrt(theta2);
        const alpha = (mu - muB) / theta;
        pA = normalCdf(alpha);
        const pB = normalCdf(-alpha);
        const pdf = normalPdf(alpha);
        // centred on mu to keep precision: E[M - mu] and E[(M - mu)^2]
        const d = muB - mu;
        const centredMean = d * pB + theta * pdf;
        const centredSecond = v * pA + (d * d + vB) * pB + d * theta * pdf;
        newMean = mu + centredMean;
        newVariance = centredSecond - centredMean * centredMean;
      }
      for (let f = 0; f < e; f++) a[f] *= pA;
      a[e] = 1 - pA;
      mu = newMean;
      v = Math.max(0, newVariance);
    }
    mean[u] = mu;
    variance[u] = v;
    coefficients.push(a);
  }
  return { mean, variance, coefficients };
}

/**
 * Cov(out_u, out_w) = a_u^T Gamma a_w over the windows' members (u != w), the diagonal the Clark
 * variances. Members, their rows of Gamma and the coefficients are flattened once into typed arrays
 * (the pair loop is the cost: n^2 / 2 pairs of windows); same terms in the same order as per window.
 */
function windowCovariance(gamma: Float64Array, size: number, windows: readonly number[][], coefficients: readonly Float64Array[], variance: Float64Array, pool: CovariancePool): Float64Array {
  const n = windows.length;
  const start = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) start[u + 1] = start[u] + windows[u].length;
  const member = new Int32Array(start[n]);
  const weight = new Float64Array(start[n]);
  for (let u = 0; u < n; u++) {
    member.set(windows[u], start[u]);
    weight.set(coefficients[u], start[u]);
  }
  const covariance = pool.take(n * n);
  if (start[n] === 4 * n) {
    windowCovarianceFour(gamma, size, member, weight, variance, covariance);
    return covariance;
  }
  for (let u = 0; u < n; u++) {
    covariance[u * n + u] = variance[u];
    const first = start[u];
    const last = start[u + 1];
    for (let w = u + 1; w < n; w++) {
      const from = start[w];
      const to = start[w + 1];
      let sum = 0;
      for (let e = first; e < last; e++) {
        const a = weight[e];
        if (a === 0) continue;
        const row = member[e] * size;
        let inner = 0;
        for (let f = from; f < to; f++) inner += weight[f] * gamma[row + member[f]];
        sum += a * inner;
      }
      covariance[u * n + w] = sum;
      covariance[w * n + u] = sum;
    }
  }
  return covariance;
}

/**
 * `windowCovariance` when every window has four members (2 x 2 pooling), unrolled: window u's rows
 * of Gamma and coefficients in locals, per window w its four members and coefficients (the same
 * sums in the same order; a zero coefficient of u adds an exact 0).
 */
function windowCovarianceFour(gamma: Float64Array, size: number, member: Int32Array, weight: Float64Array, variance: Float64Array, covariance: Float64Array): void {
  const n = variance.length;
  for (let u = 0; u < n; u++) {
    covariance[u * n + u] = variance[u];
    const r0 = member[4 * u] * size;
    const r1 = member[4 * u + 1] * size;
    const r2 = member[4 * u + 2] * size;
    const r3 = member[4 * u + 3] * size;
    const a0 = weight[4 * u];
    const a1 = weight[4 * u + 1];
    const a2 = weight[4 * u + 2];
    const a3 = weight[4 * u + 3];
    for (let w = u + 1; w < n; w++) {
      const m0 = member[4 * w];
      const m1 = member[4 * w + 1];
      const m2 = member[4 * w + 2];
      const m3 = member[4 * w + 3];
      const b0 = weight[4 * w];
      const b1 = weight[4 * w + 1];
      const b2 = weight[4 * w + 2];
      const b3 = weight[4 * w + 3];
      let sum = 0;
      if (a0 !== 0) sum += a0 * (b0 * gamma[r0 + m0] + b1 * gamma[r0 + m1] + b2 * gamma[r0 + m2] + b3 * gamma[r0 + m3]);
      if (a1 !== 0) sum += a1 * (b0 * gamma[r1 + m0] + b1 * gamma[r1 + m1] + b2 * gamma[r1 + m2] + b3 * gamma[r1 + m3]);
      if (a2 !== 0) sum += a2 * (b0 * gamma[r2 + m0] + b1 * gamma[r2 + m1] + b2 * gamma[r2 + m2] + b3 * gamma[r2 + m3]);
      if (a3 !== 0) sum += a3 * (b0 * gamma[r3 + m0] + b1 * gamma[r3 + m1] + b2 * gamma[r3 + m2] + b3 * gamma[r3 + m3]);
      covariance[u * n + w] = sum;
      covariance[w * n + u] = sum;
    }
  }
}
