/** A contiguous range of Monte-Carlo trials: trials [first, first + count). */
export interface TrialRange {
  readonly first: number;
  readonly count: number;
}

/**
 * Splits `total` trials into at most `parts` contiguous ranges of nearly equal size (sizes differ by at
 * most one, larger first), in trial order. Concatenating per-range results in order gives the trials
 * in order, so the split never changes a result when each trial is seeded from (seed, trial).
 */
export function splitTrials(total: number, parts: number): TrialRange[] {
  if (!Number.isInteger(total) || total < 0) throw new Error(`total trials must be an integer >= 0, got ${total}`);
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`parts must be an integer >= 1, got ${parts}`);
  const count = Math.min(parts, total);
  const ranges: TrialRange[] = [];
  let first = 0;
  for (let k = 0; k < count; k++) {
    const size = Math.floor(total / count) + (k < total % count ? 1 : 0);
    ranges.push({ first, count: size });
    first += size;
  }
  return ranges;
}
