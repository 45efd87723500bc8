/** Sample statistics used by the conformance suite and statistical tests. */
export interface SampleMoments {
  readonly count: number;
  readonly mean: number;
  /** Unbiased sample variance. */
  readonly variance: number;
  /** Fourth central moment (biased), used for the standard error of the variance. */
  readonly fourthCentral: number;
}

export function sampleMoments(values: Float64Array, length = values.length): SampleMoments {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += values[i];
  const mean = sum / length;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < length; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  return { count: length, mean, variance: length > 1 ? m2 / (length - 1) : 0, fourthCentral: m4 / length };
}

/** Standard error of the sample mean, from the sample's own variance. */
export function standardErrorOfMean(moments: SampleMoments): number {
  return Math.sqrt(moments.variance / moments.count);
}

/**
 * Standard error of the sample variance, from the sample's own fourth central moment:
 * Var(s^2) ~ (mu4 - sigma^4 (n - 3) / (n - 1)) / n. Valid for any distribution with a fourth moment.
 */
export function standardErrorOfVariance(moments: SampleMoments): number {
  const n = moments.count;
  const s2 = moments.variance;
  return Math.sqrt(Math.max(moments.fourthCentral - (s2 * s2 * (n - 3)) / (n - 1), 0) / n);
}
