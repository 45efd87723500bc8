/**
 * The fuzz harness: mutations of every example netlist (mutate.ts), each checked in-process with
 * `xbar check` and, when it is valid and small and its example is one of the quick ones (the study
 * netlists take seconds to minutes as written; their cards are the same), run with `xbar run`. A case fails when the command
 * reports an internal error (E999, "internal error") or exits with a code it should not: check 0 or
 * 1; run 0, 1 or 3 (a clean runtime error). Deterministic for a seed.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@xbar/core';
import type { Design } from '@xbar/dsl';
import { type CliIo, runCli } from '../../src/program.js';
import { openNetlistSession } from '../../src/run/netlist-session.js';
import { runWorkExcess, stepPoints } from '@xbar/session';
import { mutateNetlist } from './mutate.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));
/** Where the examples are copied: inside the CLI package, so that the plugin example finds @xbar/core in node_modules. */
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Valid cases run only within this work: input rows through workloads (see runWorkExcess). */
  readonly maxRunRowEvaluations: number;
  /** ... and this many cells in every array and random matrix, and this many `.step` points. */
  readonly maxRunCells: number;
  readonly maxRunPoints: number;
  /** Most cases run (the first valid, small ones). */
  readonly maxRuns: number;
}

/** Examples that run in well under a second as written: their mutations are run as well as checked. */
const QUICK_EXAMPLES = new Set(['quickstart.xbar', 'nary-mtj/xor.xbar', 'mse-optimizer/hardware.xbar', 'plugins/fefet/fefet.xbar']);

export interface FuzzFailure {
  readonly example: string;
  readonly caseIndex: number;
  readonly command: 'check' | 'run';
  readonly code: number;
  readonly netlist: string;
  readonly output: string;
}

export interface FuzzOutcome {
  readonly cases: number;
  /** Cases `xbar check` found valid. */
  readonly valid: number;
  /** Valid cases also run. */
  readonly ran: number;
  readonly failures: readonly FuzzFailure[];
  /** Longest case (check and run), in seconds, and which. */
  readonly slowestSeconds: number;
  readonly slowestCase: string;
}

interface Example {
  readonly name: string;
  readonly text: string;
  /** Folder of the netlist in the harness's copy of examples/. */
  readonly folder: string;
}

/** Runs `options.cases` mutations, round robin over the example netlists. */
export async function fuzzExamples(options: FuzzOptions): Promise<FuzzOutcome> {
  mkdirSync(CACHE, { recursive: true });
  const copy = mkdtempSync(join(CACHE, 'xbar-fuzz-'));
  try {
    cpSync(EXAMPLES, copy, { recursive: true, filter: (source) => !source.includes('node_modules') });
    const examples = exampleNetlists(copy);
    const failures: FuzzFailure[] = [];
    let [valid, ran, slowestSeconds, slowestCase] = [0, 0, 0, ''];
    for (let caseIndex = 0; caseIndex < options.cases; caseIndex++) {
      const example = examples[caseIndex % examples.length];
      const netlist = mutateNetlist(example.text, createRng(options.seed, 'fuzz', caseIndex));
      const file = join(example.folder, 'fuzz-case.xbar');
      writeFileSync(file, netlist);
      const started = performance.now();
      const checked = await capture(['check', 'fuzz-case.xbar'], example.folder);
      if (isFailure(checked, [0, 1])) failures.push({ example: example.name, caseIndex, command: 'check', code: checked.code, netlist, output: checked.output });
      if (checked.code === 0) {
        valid++;
        if (ran < options.maxRuns && QUICK_EXAMPLES.has(example.name) && (await smallEnoughToRun(example.folder, options))) {
          ran++;
          const run = await capture(['run', 'fuzz-case.xbar', '--quiet', '--threads', '1'], example.folder);
          if (isFailure(run, [0, 1, 3])) failures.push({ example: example.name, caseIndex, command: 'run', code: run.code, netlist, output: run.output });
        }
      }
      const seconds = (performance.now() - started) / 1000;
      if (process.env.XBAR_FUZZ_TRACE) process.stderr.write(`${example.name} #${caseIndex} check=${checked.code} ${seconds.toFixed(3)} s\n`);
      if (seconds > slowestSeconds) [slowestSeconds, slowestCase] = [seconds, `${example.name} #${caseIndex}`];
    }
    return { cases: options.cases, valid, ran, failures, slowestSeconds, slowestCase };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function exampleNetlists(root: string): Example[] {
  const found: Example[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.xbar')) found.push({ name: relative(root, path), text: readFileSync(path, 'utf8'), folder: dirname(path) });
    }
  };
  walk(root);
  return found;
}

export interface Captured {
  readonly code: number;
  readonly output: string;
}

const silentIo = (cwd: string, sink: { output: string }): CliIo => ({
  stdout: () => {},
  stderr: (text) => {
    sink.output += text;
  },
  cwd,
});

async function capture(argv: string[], cwd: string): Promise<Captured> {
  const sink = { output: '' };
  const code = await runCli(argv, silentIo(cwd, sink));
  return { code, output: sink.output };
}

/** Whether a command's result is a failure of xbar's: an internal error, or an exit code not in `allowedCodes`. */
export function isFailure(result: Captured, allowedCodes: readonly number[]): boolean {
  return !allowedCodes.includes(result.code) || /internal error|E999/.test(result.output);
}

/** Whether a valid case is small enough to run here: few points, small arrays and data, little work. */
async function smallEnoughToRun(folder: string, options: FuzzOptions): Promise<boolean> {
  const session = await openNetlistSession({ file: 'fuzz-case.xbar', cwd: folder, allowOutside: false, useConfig: true }, silentIo(folder, { output: '' }));
  const design = session.checkWritten();
  const points = stepPoints(design.sweeps);
  if (points.length > options.maxRunPoints || !smallDesign(design, options.maxRunCells)) return false;
  try {
    const limits = { maxRowEvaluations: options.maxRunRowEvaluations, maxMvmResultValues: options.maxRunRowEvaluations };
    return runWorkExcess(points, (point) => session.context(point), design, limits) === undefined && points.every((point) => smallDesign(session.check(point), options.maxRunCells));
  } catch {
    return true; // a bad data file or point: the run must say so cleanly
  }
}

function smallDesign(design: Design, maxCells: number): boolean {
  for (const array of design.arrays.values()) if (array.config.rows * array.config.cols > maxCells) return false;
  for (const definitions of [design.weights, design.inputs, design.labels]) {
    for (const { source } of definitions.values()) if ((source.kind === 'random' || source.kind === 'inline') && source.rows * source.cols > maxCells) return false;
  }
  return true;
}
