import { normalCdf, normalPdf, normalSf } from '../math/normal.js';
import { hermiteValues, normalQuadrature } from './hermite.js';

/**
 * Moments of f(X) for X ~ N(mu, sigma^2) and the Hermite coefficients h_n = E[f(X) He_n(U)],
 * U = (X - mu) / sigma, n = 1..HERMITE_ORDER. For jointly Gaussian X_a, X_b with correlation rho,
 * Cov(f(X_a), g(X_b)) = sum_{n >= 1} rho^n / n! h_n(a) h_n(b) exactly (Mehler's expansion; the first
 * term is Stein's lemma E[f'] E[g'] Cov, the second Price's theorem); the engine truncates it.
 */
export const HERMITE_ORDER = 8;

/** Where element-wise results go: mean, variance and HERMITE_ORDER coefficients per element. */
export interface ElementwiseOut {
  mean: number;
  variance: number;
  /** h_1 .. h_HERMITE_ORDER at [1 .. HERMITE_ORDER]; [0] unused. */
  readonly hermite: Float64Array;
}

/** An element-wise function with its Gaussian moments. */
export type GaussianMomentFunction = (mu: number, sigma: number, out: ElementwiseOut) => void;

const scratch = new Float64Array(HERMITE_ORDER + 1);

/** ReLU: exact rectified-Gaussian moments, h_1 = sigma Phi(mu / sigma), h_n = sigma He_{n-2}(-mu / sigma) phi(mu / sigma). */
export function reluMoments(mu: number, sigma: number, out: ElementwiseOut): void {
  if (!(sigma > 0)) return deterministic(mu > 0 ? mu : 0, out);
  const m = mu / sigma;
  const pdf = normalPdf(m);
  const cdf = normalCdf(m);
  const mean = sigma * pdf + mu * cdf;
  out.mean = mean;
  // Var = (mu^2 + sigma^2) Phi + mu sigma phi - mean^2, written stably for large |m|.
  out.variance = Math.max(0, sigma * sigma * rectifiedVarianceScaled(m));
  out.hermite[1] = sigma * cdf;
  // far from the kink phi vanishes and He_n(-m) would overflow: those terms are 0
  if (pdf > 0) hermiteValues(-m, HERMITE_ORDER, scratch);
  for (let n = 2; n <= HERMITE_ORDER; n++) out.hermite[n] = pdf > 0 ? sigma * scratch[n - 2] * pdf : 0;
}

/** Var(max(m + Z, 0)) for standard normal Z, without cancellation at large |m|. */
function rectifiedVarianceScaled(m: number): number {
  // beyond |m| = 37 the normal tail underflows (and m^2 times it would be 0 * Infinity for tiny sigma):
  // the ReLU is the identity (Var = 1) or 0 there to double precision
  if (m > 37) return 1;
  if (m < -37) return 0;
  if (m > 0) {
    // Var = 1 - Var(max(-m - Z, 0)) - 2 E[...]: use Var(Y) with Y = m + Z - max(m + Z, 0)... direct:
    const tail = normalSf(m); // P(Z < -m)
    const pdf = normalPdf(m);
    const excess = pdf - m * tail; // E[max(-m - Z, 0)]
    // Y = m + Z + max(-m - Z, 0) = X + N where N = max(-X, 0); Var(Y) = 1 + Var(N) + 2 Cov(X, N)
    // Cov(X, N) = E[X N] - m E[N] = -E[N^2] - m E[N]; E[N^2] = (1 + m^2) tail - m pdf.
    const second = (1 + m * m) * tail - m * pdf;
    const varN = second - excess * excess;
    return 1 + varN + 2 * (-second - m * excess);
  }
  const beta = -m;
  const tail = normalSf(beta);
  const pdf = normalPdf(beta);
  const excess = pdf - beta * tail;
  const second = (1 + beta * beta) * tail - beta * pdf;
  return second - excess * excess;
}

/** Logistic sigmoid, by Gauss-Hermite quadrature. */
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
export const sigmoidMoments: GaussianMomentFunction = (mu, sigma, out) => quadratureMoments(logistic, mu, sigma, out);
/** tanh, by Gauss-Hermite quadrature. */
export const tanhMoments: GaussianMomentFunction = (mu, sigma, out) => quadratureMoments(Math.tanh, mu, sigma, out);

/** Gaussian moments of each element-wise activation op, for every propagation mode. */
export const ACTIVATION_MOMENTS = { relu: reluMoments, sigmoid: sigmoidMoments, tanh: tanhMoments } as const;

const QUADRATURE_POINTS = 64;
let hermiteTable: Float64Array | undefined;

/** Mean, variance and Hermite coefficients of a smooth bounded f by 64-point Gauss-Hermite quadrature. */
function quadratureMoments(f: (x: number) => number, mu: number, sigma: number, out: ElementwiseOut): void {
  if (!(sigma > 0)) return deterministic(f(mu), out);
  const { nodes, weights } = normalQuadrature(QUADRATURE_POINTS);
  if (!hermiteTable) {
    hermiteTable = new Float64Array(QUADRATURE_POINTS * (HERMITE_ORDER + 1));
    for (let i = 0; i < QUADRATURE_POINTS; i++) {
      hermiteValues(nodes[i], HERMITE_ORDER, scratch);
      hermiteTable.set(scratch, i * (HERMITE_ORDER + 1));
    }
  }
  const f0 = f(mu);
  let mean = 0;
  let second = 0;
  out.hermite.fill(0);
  for (let i = 0; i < QUADRATURE_POINTS; i++) {
    const value = f(mu + sigma * nodes[i]) - f0; // centred for accuracy at small sigma
    const w = weights[i] * value;
    mean += w;
    second += w * value;
    for (let n = 1; n <= HERMITE_ORDER; n++) out.hermite[n] += w * hermiteTable[i * (HERMITE_ORDER + 1) + n];
  }
  out.mean = f0 + mean;
  out.variance = Math.max(0, second - mean * mean);
}

function deterministic(value: number, out: ElementwiseOut): void {
  out.mean = value;
  out.variance = 0;
  out.hermite.fill(0);
}

/**
 * The DAC as an element-wise function: clip to +-range, then (step > 0) round to the grid
 * k step, |k| <= range / step. Exact moments for a Gaussian input from the bin probabilities; the
 * Hermite coefficients from the jumps: h_n = sum_b step phi(u_b) He_{n-1}(u_b) over the interior bin
 * boundaries b (u_b = (b - mu) / sigma). The bins are those within +-10 sigma of mu, clamped to the
 * range (a mean far beyond it is the end level, exactly). With more than MAX_BINS bins the step is
 * modelled as additive uniform noise step^2 / 12 on the unclipped part of the clipped value.
 *
 * `momentsOnly` (diagonal mode: mean and variance wanted, Hermite coefficients left stale): when
 * sigma >= step and no clipping within 10 sigma, Sheppard's correction (moments plus step^2 / 12) is
 * used directly; for a Gaussian its relative error is of order exp(-2 pi^2 sigma^2 / step^2) < 3e-9.
 */
export function quantizerMoments(mu: number, sigma: number, range: number, step: number, out: ElementwiseOut, momentsOnly = false): void {
  if (!(sigma > 0)) {
    const clipped = mu > range ? range : mu < -range ? -range : mu;
    return deterministic(step > 0 ? Math.round(clipped / step) * step : clipped, out);
  }
  const unclipped = Math.abs(mu) + 10 * sigma < range;
  if (momentsOnly && sigma >= step && unclipped) {
    clipMoments(mu, sigma, range, out);
    out.variance += (step * step) / 12;
    return;
  }
  if (!momentsOnly && step > 0 && sigma >= FINE_GRID * step && unclipped) return fineGridMoments(mu, sigma, step, out);
  const top = step > 0 ? Math.round(range / step) : 0;
  // the levels within +-10 sigma of mu, clamped to the range: a mean far beyond the range (all of
  // the mass clipped) leaves the one end level, which the loop gives all of the mass
  const lowK = step > 0 ? Math.min(top, Math.max(-top, Math.floor((mu - 10 * sigma) / step) - 1)) : 0;
  const highK = step > 0 ? Math.max(-top, Math.min(top, Math.ceil((mu + 10 * sigma) / step) + 1)) : 0;
  if (step > 0 && highK - lowK <= MAX_BINS) {
    let mean = 0;
    let second = 0;
    out.hermite.fill(0);
    let previousCdf = 0;
    for (let k = lowK; k <= highK; k++) {
      const level = k * step;
      let cdf = 1;
      if (k < highK) {
        const u = ((k + 0.5) * step - mu) / sigma;
        cdf = normalCdf(u);
        const pdf = momentsOnly ? 0 : normalPdf(u);
        if (pdf > 0) {
          hermiteValues(u, HERMITE_ORDER - 1, scratch);
          for (let n = 1; n <= HERMITE_ORDER; n++) out.hermite[n] += step * pdf * scratch[n - 1];
        }
      }
      const p = cdf - previousCdf;
      previousCdf = cdf;
      const d = level - mu;
      mean += p * d;
      second += p * d * d;
    }
    out.mean = mu + mean;
    out.variance = Math.max(0, second - mean * mean);
    return;
  }
  // more than MAX_BINS levels within +-10 sigma: the rounding as uniform noise on the unclipped mass
  clipMoments(mu, sigma, range, out);
  if (step > 0) out.variance += ((step * step) / 12) * (normalCdf((range - mu) / sigma) - normalCdf((-range - mu) / sigma));
}

const MAX_BINS = 400;

/**
 * sigma / step from which the quantizer (no clipping within 10 sigma) is the identity plus independent
 * uniform noise to double precision: by Poisson summation the bin sums differ from mean mu, variance
 * sigma^2 + step^2 / 12, h_1 = sigma, h_n = 0 (n >= 2) by terms of relative size
 * 2 t^(n-1) exp(-t^2 / 2), t = 2 pi sigma / step; at sigma = 2 step that is below 1e-26 for n <= 8,
 * far below the rounding of the bin sums themselves (about 1e-15). The mass beyond 10 sigma, which the
 * bin sums also drop, is below 1e-23.
 */
const FINE_GRID = 2;

/** Quantizer moments on a grid fine against sigma (see FINE_GRID): the identity plus step^2 / 12 of noise. */
function fineGridMoments(mu: number, sigma: number, step: number, out: ElementwiseOut): void {
  out.mean = mu;
  out.variance = sigma * sigma + (step * step) / 12;
  out.hermite.fill(0);
  out.hermite[1] = sigma;
}

const clipLower = new Float64Array(HERMITE_ORDER + 1);
const clipUpper = new Float64Array(HERMITE_ORDER + 1);

/** Exact moments and Hermite coefficients of clip(X, -range, range). */
function clipMoments(mu: number, sigma: number, range: number, out: ElementwiseOut): void {
  const a = (-range - mu) / sigma;
  const b = (range - mu) / sigma;
  const below = normalCdf(a);
  const above = normalSf(b);
  const pa = normalPdf(a);
  const pb = normalPdf(b);
  const inside = Math.max(0, 1 - below - above);
  const clampA = Number.isFinite(a) ? a : 0;
  const clampB = Number.isFinite(b) ? b : 0;
  const c1 = clampA * below + clampB * above + (pa - pb);
  const c2 = clampA * clampA * below + clampB * clampB * above + inside + clampA * pa - clampB * pb;
  out.mean = mu + sigma * c1;
  out.variance = Math.max(0, sigma * sigma * (c2 - c1 * c1));
  out.hermite[1] = sigma * inside;
  const lower = clipLower.fill(0);
  if (pa > 0) hermiteValues(a, HERMITE_ORDER, lower);
  const upper = clipUpper.fill(0);
  if (pb > 0) hermiteValues(b, HERMITE_ORDER, upper);
  for (let n = 2; n <= HERMITE_ORDER; n++) out.hermite[n] = sigma * (lower[n - 2] * pa - upper[n - 2] * pb);
}
