import { describe, expect, it } from 'vitest';
import { fuzzExamples } from './fuzz/harness.js';

// The long mode of fuzz.test.ts: another seed, five times the cases and runs.
describe('fuzz (long): mutations of every example netlist', () => {
  it('10000 cases checked and 300 of the small valid ones run end without an internal error or a crash', async () => {
    const outcome = await fuzzExamples({ seed: 7, cases: 10_000, maxRunRowEvaluations: 20_000, maxRunCells: 65_536, maxRunPoints: 20, maxRuns: 300 });
    expect(outcome.failures.slice(0, 3)).toEqual([]);
    expect(outcome.ran).toBe(300);
  }, 900_000);
});
