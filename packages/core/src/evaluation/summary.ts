import { confidenceHalfWidth95 } from '../math/student-t.js';

/** Mean, spread and extremes of a set of per-trial values. */
export interface ValueSummary {
  /** Every value, in trial order. */
  readonly values: Float64Array;
  readonly mean: number;
  /** Sample standard deviation (divided by n - 1; 0 for a single value or equal values). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Half width of the 95 % confidence interval of the mean (Student's t; NaN for fewer than 2 values). */
  readonly ci95: number;
}

/** Summary of `values` (NaN mean and extremes for no values). */
export function summarizeValues(values: Float64Array): ValueSummary {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const mean = n > 0 ? sum / n : Number.NaN;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const std = n > 1 && min !== max ? Math.sqrt(squares / (n - 1)) : 0;
  return { values, mean, std, min: n > 0 ? min : Number.NaN, max: n > 0 ? max : Number.NaN, ci95: confidenceHalfWidth95(std, n) };
}
