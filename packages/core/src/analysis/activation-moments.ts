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

/** What a CovariancePool keeps for reuse: at most this many bytes, and matrices of one length. */
const RECYCLE_MAX_BYTES = 64 * 2 ** 20;
const RECYCLE_MAX_PER_LENGTH = 4;

/**
 * The covariance matrices of one analysis (owned by an MseAnalyzer). Full mode makes one size^2
 * matrix per node and sample; fresh memory costs a page fault per 4 KiB on first touch (about 0.6 ms
 * for a 512 x 512 matrix, several times the cost of clearing a recycled one), so matrices of values
 * that died are handed back (`recycle`) and taken again (`take`). Exact values share one read-only
 * zero matrix per size (`zero`), which is never recycled. With `poisonRecycled`, a recycled matrix is
 * filled with NaN until it is taken again, so a value read after its matrix was recycled shows.
 */
export class CovariancePool {
  private readonly recycled = new Map<number, Float64Array[]>();
  private recycledBytes = 0;
  private readonly zeros = new Map<number, Float64Array>();
  private readonly zeroMatrices = new WeakSet<Float64Array>();
  private readonly poisonRecycled: boolean;

  constructor(options: { readonly poisonRecycled?: boolean } = {}) {
    this.poisonRecycled = options.poisonRecycled ?? false;
  }

  /** A cleared matrix of `length` values: a recycled one when there is one, else new. */
  take(length: number): Float64Array {
    const found = this.recycled.get(length)?.pop();
    if (!found) return new Float64Array(length);
    this.recycledBytes -= found.byteLength;
    return found.fill(0);
  }

  /** Hands a matrix back for reuse; the caller guarantees nothing references it any more (shared zero matrices are never taken). */
  recycle(matrix: Float64Array | undefined): void {
    if (!matrix || matrix.length === 0 || this.zeroMatrices.has(matrix)) return;
    if (this.recycledBytes + matrix.byteLength > RECYCLE_MAX_BYTES) return;
    let list = this.recycled.get(matrix.length);
    if (!list) this.recycled.set(matrix.length, (list = []));
    if (list.length >= RECYCLE_MAX_PER_LENGTH || list.includes(matrix)) return;
    if (this.poisonRecycled) matrix.fill(Number.NaN);
    list.push(matrix);
    this.recycledBytes += matrix.byteLength;
  }

  /** The shared all-zero size x size covariance (read-only: the engine always takes the matrices it fills). */
  zero(size: number): Float64Array {
    let found = this.zeros.get(size);
    if (!found) {
      if (this.zeros.size >= 8) this.zeros.clear();
      this.zeros.set(size, (found = new Float64Array(size * size)));
      this.zeroMatrices.add(found);
    }
    return found;
  }
}

/** Exact values (no variance), e.g. the network input. The full-mode covariance is the shared read-only zero matrix. */
export function exactMoments(values: Float64Array, mode: CovarianceMode, pool: CovariancePool = new CovariancePool()): ActivationMoments {
  const size = values.length;
  return { size, mean: Float64Array.from(values), variance: new Float64Array(size), covariance: mode === 'full' ? pool.zero(size) : undefined };
}

/**
 * Applies an element-wise function to Gaussian-approximated inputs: exact mean and variance per
 * element for a Gaussian input, covariances by the Mehler series truncated at HERMITE_ORDER:
 * Cov(f(X_a), f(X_b)) = sum_n rho_ab^n / n! h_n(a) h_n(b).
 */
export function applyElementwise(
  x: ActivationMoments,
  fn: GaussianMomentFunction | ((mu: number, sigma: number, out: ElementwiseOut, index: number) => void),
  pool: CovariancePool = new CovariancePool(),
): ActivationMoments {
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
  if (exact) return { size, mean, variance, covariance: pool.zero(size) };
  const covariance = pool.take(size * size);
  // 1 / sigma >= 1 / sqrt(5e-324) stays finite, and |c| / sigma_a <= sigma_b: no overflow
  const inverseSigmas = new Float64Array(size);
  for (let i = 0; i < size; i++) inverseSigmas[i] = sigmas[i] > 0 ? 1 / sigmas[i] : 0;
  for (let a = 0; a < size; a++) {
    covariance[a * size + a] = variance[a];
    if (sigmas[a] !== 0) mehlerRow(a, x.covariance, inverseSigmas, coefficients, size, covariance);
  }
  return { size, mean, variance, covariance };
}

/**
 * Row a of the output covariance right of the diagonal, and its mirror image: per b > a with nonzero
 * input covariance and sigma_b > 0, rho = c / (sigma_a sigma_b) clamped to [-1, 1] (against rounding;
 * NaN skipped) and sum_n rho^n h_n(a) h_n(b) / n! (coefficients pre-scaled by sqrt(1 / n!)). For
 * HERMITE_ORDER = 8 the polynomial is unrolled (Estrin's scheme, row a's coefficients in locals): its
 * additions no longer wait on each other, about twice as fast as the term-by-term loop.
 */
function mehlerRow(a: number, input: Float64Array, inverseSigmas: Float64Array, coefficients: Float64Array, size: number, covariance: Float64Array): void {
  const ca = a * HERMITE_ORDER;
  const inverseA = inverseSigmas[a];
  const row = a * size;
  if (HERMITE_ORDER !== 8) {
    for (let b = a + 1; b < size; b++) {
      const rho = correlation(input[row + b], inverseA, inverseSigmas[b]);
      if (rho === 0) continue;
      let sum = 0;
      for (let n = HERMITE_ORDER - 1; n >= 0; n--) sum = (sum + coefficients[ca + n] * coefficients[b * HERMITE_ORDER + n]) * rho;
      covariance[row + b] = sum;
      covariance[b * size + a] = sum;
    }
    return;
  }
  const a0 = coefficients[ca];
  const a1 = coefficients[ca + 1];
  const a2 = coefficients[ca + 2];
  const a3 = coefficients[ca + 3];
  const a4 = coefficients[ca + 4];
  const a5 = coefficients[ca + 5];
  const a6 = coefficients[ca + 6];
  const a7 = coefficients[ca + 7];
  for (let b = a + 1; b < size; b++) {
    const rho = correlation(input[row + b], inverseA, inverseSigmas[b]);
    if (rho === 0) continue;
    const cb = b * 8;
    const rho2 = rho * rho;
    const p01 = a0 * coefficients[cb] + a1 * coefficients[cb + 1] * rho;
    const p23 = a2 * coefficients[cb + 2] + a3 * coefficients[cb + 3] * rho;
    const p45 = a4 * coefficients[cb + 4] + a5 * coefficients[cb + 5] * rho;
    const p67 = a6 * coefficients[cb + 6] + a7 * coefficients[cb + 7] * rho;
    const v = rho * (p01 + rho2 * p23 + rho2 * rho2 * (p45 + rho2 * p67));
    covariance[row + b] = v;
    covariance[b * size + a] = v;
  }
}

/** c / (sigma_a sigma_b) from the inverse sigmas, clamped to [-1, 1]; 0 when c or either sigma is 0, or NaN. */
function correlation(c: number, inverseA: number, inverseB: number): number {
  const ratio = c * inverseA * inverseB;
  if (!(ratio === ratio)) return 0;
  return ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
}

