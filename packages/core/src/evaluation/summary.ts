/** Mean, spread and extremes of a set of per-trial values. */
export interface ValueSummary {
  /** Every value, in trial order. */
  readonly values: Float64Array;
  readonly mean: number;
  /** Sample standard deviation (divided by n - 1; 0 for a single value or equal values). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
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
  return { values, mean, std: n > 1 && min !== max ? Math.sqrt(squares / (n - 1)) : 0, min: n > 0 ? min : Number.NaN, max: n > 0 ? max : Number.NaN };
}
