import { normalCdf, normalPdf } from '../math/normal.js';
import type { ActivationMoments } from './activation-moments.js';

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
export function maxPoolMoments(x: ActivationMoments, windows: readonly number[][]): ActivationMoments {
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
  if (!gamma) return { size: n, mean, variance };
  const covariance = new Float64Array(n * n);
  for (let u = 0; u < n; u++) {
    covariance[u * n + u] = variance[u];
    const wu = windows[u];
    const au = coefficients[u];
    for (let w = u + 1; w < n; w++) {
      const wv = windows[w];
      const av = coefficients[w];
      let sum = 0;
      for (let e = 0; e < wu.length; e++) {
        if (au[e] === 0) continue;
        const row = wu[e] * x.size;
        let inner = 0;
        for (let f = 0; f < wv.length; f++) inner += av[f] * gamma[row + wv[f]];
        sum += au[e] * inner;
      }
      covariance[u * n + w] = sum;
      covariance[w * n + u] = sum;
    }
  }
  return { size: n, mean, variance, covariance };
}
