import { type ElementwiseOut, type GaussianMomentFunction, HERMITE_ORDER } from './elementwise-moments.js';

/** Full covariance (every pair of elements of a value) or diagonal only (variances). */
export type CovarianceMode = 'full' | 'diagonal';

/**
 * Mean and (co)variance of one value (one sample's activations, flattened in C order) of the hardware
 * network. `variance` is always there; `covariance` (size x size, row-major, diagonal equal to
 * `variance`) only in full mode.
 */
export interface ActivationMoments {
  readonly size: number;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly covariance?: Float64Array;
}

const zeroCovariances = new Map<number, Float64Array>();

/**
 * A shared all-zero size x size covariance (read-only: never written by the engine, which always
 * allocates the covariance it fills). Saves allocating and clearing size^2 values per sample for
 * exact values (the network input, a DAC of an exact input).
 */
export function zeroCovariance(size: number): Float64Array {
  let found = zeroCovariances.get(size);
  if (!found) {
    if (zeroCovariances.size >= 8) zeroCovariances.clear();
    zeroCovariances.set(size, (found = new Float64Array(size * size)));
  }
  return found;
}

/** Exact values (no variance), e.g. the network input. The full-mode covariance is the shared read-only zero matrix. */
export function exactMoments(values: Float64Array, mode: CovarianceMode): ActivationMoments {
  const size = values.length;
  return { size, mean: Float64Array.from(values), variance: new Float64Array(size), covariance: mode === 'full' ? zeroCovariance(size) : undefined };
}

/** Whether every variance is zero. */
export function isExact(x: ActivationMoments): boolean {
  for (let i = 0; i < x.size; i++) if (x.variance[i] !== 0) return false;
  return true;
}

/**
 * Applies an element-wise function to Gaussian-approximated inputs: exact mean and variance per
 * element for a Gaussian input, covariances by the Mehler series truncated at HERMITE_ORDER:
 * Cov(f(X_a), f(X_b)) = sum_n rho_ab^n / n! h_n(a) h_n(b).
 */
export function applyElementwise(x: ActivationMoments, fn: GaussianMomentFunction | ((mu: number, sigma: number, out: ElementwiseOut, index: number) => void)): ActivationMoments {
  const size = x.size;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  const coefficients = x.covariance ? new Float64Array(size * HERMITE_ORDER) : undefined;
  const sigmas = new Float64Array(size);
  const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };
  const inverseFactorial = new Float64Array(HERMITE_ORDER + 1);
  inverseFactorial[0] = 1;
  for (let n = 1; n <= HERMITE_ORDER; n++) inverseFactorial[n] = inverseFactorial[n - 1] / n;
  for (let i = 0; i < size; i++) {
    const sigma = Math.sqrt(Math.max(0, x.variance[i]));
    sigmas[i] = sigma;
    fn(x.mean[i], sigma, out, i);
    mean[i] = out.mean;
    variance[i] = out.variance;
    if (coefficients) {
      // scale by sqrt(1/n!) so the series is a plain dot product of rho^n-weighted terms
      for (let n = 1; n <= HERMITE_ORDER; n++) coefficients[i * HERMITE_ORDER + n - 1] = out.hermite[n] * Math.sqrt(inverseFactorial[n]);
    }
  }
  if (!x.covariance || !coefficients) return { size, mean, variance };
  let exact = true;
  for (let i = 0; i < size && exact; i++) exact = sigmas[i] === 0 && variance[i] === 0;
  // every input and output deterministic: every covariance is 0 (the loop below would skip every row)
  if (exact) return { size, mean, variance, covariance: zeroCovariance(size) };
  const input = x.covariance;
  const covariance = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    covariance[a * size + a] = variance[a];
    if (sigmas[a] === 0) continue;
    const ca = a * HERMITE_ORDER;
    for (let b = a + 1; b < size; b++) {
      const c = input[a * size + b];
      if (c === 0 || sigmas[b] === 0) continue;
      // a correlation, clamped against rounding (and underflow of sigma_a sigma_b for tiny variances)
      const ratio = c / sigmas[a] / sigmas[b];
      const rho = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
      if (rho !== rho) continue;
      const cb = b * HERMITE_ORDER;
      let power = rho;
      let sum = 0;
      for (let n = 0; n < HERMITE_ORDER; n++) {
        sum += power * coefficients[ca + n] * coefficients[cb + n];
        power *= rho;
      }
      covariance[a * size + b] = sum;
      covariance[b * size + a] = sum;
    }
  }
  return { size, mean, variance, covariance };
}
