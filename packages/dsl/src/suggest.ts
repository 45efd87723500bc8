/**
 * Nearest-match suggestions for unknown names ("did you mean 'gmax'?"), by optimal-string-alignment
 * (restricted Damerau-Levenshtein) distance: insertions, deletions, substitutions and swaps of two
 * neighbouring letters each cost 1. Comparison is case-insensitive.
 */

/** Edit distance between `a` and `b` (case-insensitive), or `limit + 1` once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) value = Math.min(value, before[j - 2] + 1);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[t.length];
}

/**
 * The candidate closest to `name`, if it is close enough to be a likely typo: at most 1 edit for
 * names of up to 4 letters, 2 up to 8, 3 beyond. A candidate that starts with `name` (or the
 * reverse) also counts when `name` has 3 letters or more.
 */
export function nearestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, limit);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || lower.length < 3) return best;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (other.startsWith(lower) || lower.startsWith(other)) return candidate;
  }
  return undefined;
}

/** `did you mean 'x'?` or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const match = nearestMatch(name, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
