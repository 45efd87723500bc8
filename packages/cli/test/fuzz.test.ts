import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRng } from '@xbar/core';
import { fuzzExamples, isFailure } from './fuzz/harness.js';
import { mutateNetlist } from './fuzz/mutate.js';

/** Cases of the fuzz harness; `XBAR_FUZZ_CASES=50000` for a long search (the bench runs 20000). */
const CASES = Number(process.env.XBAR_FUZZ_CASES ?? 2000);
/** Of which this many valid ones are also run (the first ones small enough: 2000 cases give well over 60). */
const RUNS = Number(process.env.XBAR_FUZZ_RUNS ?? 60);

describe('fuzz: mutations of every example netlist', () => {
  it('mutates deterministically, and counts internal errors and crashes as failures', () => {
    const text = readFileSync(new URL('../../../examples/quickstart.xbar', import.meta.url), 'utf8');
    const mutants = Array.from({ length: 20 }, (_, k) => mutateNetlist(text, createRng(1, 'fuzz', k)));
    expect(mutants).toEqual(Array.from({ length: 20 }, (_, k) => mutateNetlist(text, createRng(1, 'fuzz', k))));
    expect(mutants.filter((mutant) => mutant !== text).length).toBeGreaterThan(15);
    expect(isFailure({ code: 3, output: 'xbar: internal error: parts must be an integer >= 1, got 0\n' }, [0, 1, 3])).toBe(true);
    expect(isFailure({ code: 1, output: 'net.xbar:3:1: error[E999]: internal error of the checker\n' }, [0, 1])).toBe(true);
    expect(isFailure({ code: 134, output: '' }, [0, 1, 3])).toBe(true);
    expect(isFailure({ code: 1, output: 'net.xbar:3:1: error[E505]: unknown array\n' }, [0, 1])).toBe(false);
  });


  it(`${CASES} cases checked (and the small valid ones run) end without an internal error or a crash`, async () => {
    const outcome = await fuzzExamples({ seed: 20261202, cases: CASES, maxRunRowEvaluations: 20_000, maxRunCells: 65_536, maxRunPoints: 20, maxRuns: RUNS });
    expect(outcome.failures.slice(0, 3)).toEqual([]);
    // the mutations reach the engine: a good share of the cases are valid and run
    expect(outcome.valid).toBeGreaterThan(CASES / 10);
    expect(outcome.ran).toBe(RUNS);
  }, 600_000);
});
