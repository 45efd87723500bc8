/**
 * The benchmark contract: every `bench/*.bench.ts` module default-exports a `BenchSection`. `pnpm bench`
 * runs them in one process, one after the other, so every ratio in RESULTS.md is measured in one run.
 */
export interface BenchSection {
  /** Short id, used to select sections: `pnpm bench mvm ir`. */
  readonly id: string;
  /** Heading in RESULTS.md. */
  readonly title: string;
  /** Runs the benchmark and returns its Markdown and its figures. */
  run(): BenchOutcome | Promise<BenchOutcome>;
}

export interface BenchOutcome {
  /** Markdown body (tables, notes) for RESULTS.md. */
  readonly markdown: string;
  /** Figures under stable keys for bench/results.json (e.g. `mvm_gflops_1024_b256_ideal`). */
  readonly results: Readonly<Record<string, number>>;
}

/** Median wall time of `fn` in milliseconds: runs it until `minTotalMs` have passed (at least `minRuns` times). */
export function timeMedianMs(fn: () => void, minTotalMs = 200, minRuns = 3): number {
  fn(); // warm-up (JIT)
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minTotalMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    if (times.length >= 10_000) break;
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** A Markdown table from a header and rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats a number with `digits` significant digits. */
export function sig(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(digits)).toString();
}
