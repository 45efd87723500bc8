/**
 * The fuzz harness's long mode (packages/cli/test/fuzz/harness.ts): 20000 mutations of every example
 * netlist checked in-process, 1000 of the small valid ones run. Reports the cases, how many were
 * valid and run, the failures (internal errors or crashes; must be 0) and the slowest case.
 */
import { fuzzExamples } from '../packages/cli/test/fuzz/harness.js';
import { type BenchSection, markdownTable, sig } from './harness.js';

const CASES = 20_000;
const RUNS = 1000;

const section: BenchSection = {
  id: 'fuzz',
  title: 'Fuzzing: mutated example netlists',
  async run() {
    const started = performance.now();
    const outcome = await fuzzExamples({ seed: 1, cases: CASES, maxRunRowEvaluations: 20_000, maxRunCells: 65_536, maxRunPoints: 20, maxRuns: RUNS });
    const seconds = (performance.now() - started) / 1000;
    const markdown = [
      `${CASES} mutations (numbers set to extreme values, cards duplicated, dropped or swapped, fragments`,
      'inserted, names exchanged, text cut) of every example netlist, round robin, seed 1; each checked with',
      '`xbar check` in-process, and the first valid ones within 20000 input rows, 65536 cells and 20 points',
      `run with \`xbar run\`. A failure is an internal error or an exit code other than 0/1 (check) or 0/1/3 (run).`,
      '',
      markdownTable(
        ['cases', 'valid', 'run', 'failures', 'total (s)', 'slowest case (s)', 'slowest'],
        [[outcome.cases, outcome.valid, outcome.ran, outcome.failures.length, sig(seconds), sig(outcome.slowestSeconds), outcome.slowestCase]],
      ),
      ...outcome.failures.slice(0, 5).map((failure) => `\n- ${failure.example} #${failure.caseIndex} (${failure.command}, exit ${failure.code}): ${failure.output.split('\n')[0]}`),
    ].join('\n');
    return {
      markdown,
      results: {
        fuzz_cases: outcome.cases,
        fuzz_valid: outcome.valid,
        fuzz_run: outcome.ran,
        fuzz_failures: outcome.failures.length,
        fuzz_slowest_case_s: Number(sig(outcome.slowestSeconds)),
      },
    };
  },
};

export default section;
