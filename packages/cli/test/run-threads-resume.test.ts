import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/program.js';
import { runXbar } from './helpers.js';
import { inputPath, modelPath } from './mse-agreement.js';

const folder = mkdtempSync(join(tmpdir(), 'xbar-threads-'));

const BASE = [
  '.options seed=5',
  '.param sig=1u',
  '.model cell gaussian (sigma_prog={sig} rel_read=0.01)',
  '.model other gaussian (sigma_prog={2 * sig})',
  '.array tile rows=4 cols=4 model=cell dac_range=4',
  '.weights W1 [[0.5 -0.2 0.1] [-0.3 0.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 0.6]]',
  '.weights W2 [[1 0] [0 1] [1 1]]',
  '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 0.1]]',
  '.labels Y [0 1 0]',
  '.network mlp',
  '.layer hidden weights=W1 array=tile activation=relu',
  '.layer out weights=W2 array=tile',
  '.endnetwork',
];

function netlist(name: string, lines: readonly string[]): string {
  const path = join(folder, name);
  writeFileSync(path, `${[...BASE, ...lines, '.end'].join('\n')}\n`);
  return path;
}

// Worker threads even for this small work (they are chosen only when the work looks long enough).
beforeAll(() => {
  vi.stubEnv('XBAR_PARALLEL_MIN_SECONDS', '0');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('xbar run --threads', () => {
  it('splits Monte-Carlo trials over workers with byte-identical results', async () => {
    // two requests (models), each split over the workers
    const path = netlist('trials.xbar', ['.compare models=(cell other) net=mlp inputs=X labels=Y metric=accuracy runs=9']);
    const one = await runXbar(['run', path, '--format', 'json', '--threads', '1']);
    const two = await runXbar(['run', path, '--format', 'json', '--threads', '2']);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout).toBe(one.stdout);
    const [compare] = (JSON.parse(one.stdout) as { analyses: { rows: Record<string, number>[] }[] }).analyses;
    expect(compare.rows.map((row) => row.runs)).toEqual([9, 9]);
    for (const row of compare.rows) expect(row.acc_min_pct).toBeLessThanOrEqual(row.acc_max_pct);
  });

  it('runs sweep points on workers with byte-identical results', async () => {
    const path = netlist('sweep.xbar', ['.step sig list 0.5u 1u 2u 4u', '.mc net=mlp inputs=X runs=4', '.accuracy net=mlp inputs=X labels=Y runs=3']);
    const one = await runXbar(['run', path, '--format', 'json', '--threads', '1']);
    const two = await runXbar(['run', path, '--format', 'json', '--threads', '2']);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout).toBe(one.stdout);
  });

  it('refuses a bad --threads and --resume without an output folder (exit 2)', async () => {
    const path = netlist('usage.xbar', ['.mc net=mlp inputs=X runs=2']);
    expect((await runXbar(['run', path, '--threads', '0'])).stderr).toMatch(/--threads must be a whole number/);
    const resume = await runXbar(['run', path, '--resume']);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/--resume needs an output folder/);
  });
});

describe('xbar mse --threads', () => {
  it('splits the prediction (samples), each source alone and the Monte-Carlo (trials) over workers with the same report', async () => {
    const hardware = join(folder, 'mse.xbar');
    writeFileSync(hardware, '.model g gaussian (gmin=0 gmax=1e-4 sigma_prog=1e-6 sigma_read=1e-6)\n.array default rows=128 cols=128 model=g dac_range=16\n');
    const run = (mode: string, threads: string) =>
      runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', hardware, '--input', inputPath('digits-cnn'), '--mode', mode, '--mc', '6', '--seed', '3', '--alone', '--format', 'json', '--quiet', '--threads', threads]);
    for (const mode of ['full', 'diagonal']) {
      const [one, two] = [await run(mode, '1'), await run(mode, '2')];
      expect([one.code, two.code]).toEqual([0, 0]);
      const withoutTiming = (text: string) => ({ ...(JSON.parse(text) as Record<string, unknown>), timing: null });
      expect(withoutTiming(two.stdout)).toEqual(withoutTiming(one.stdout));
    }
    expect((await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', hardware, '--input', inputPath('digits-cnn'), '--threads', '0'])).code).toBe(2);
  });
});

describe('xbar run: Ctrl-C during a sweep and --resume', () => {
  it('keeps the finished points, exits 130, and --resume runs only the rest to the same results', async () => {
    const path = netlist('resume.xbar', ['.step sig list 0.5u 1u 2u 3u 4u', '.mc net=mlp inputs=X runs=3']);
    const out = join(folder, 'out');
    const reference = await runXbar(['run', path, '--format', 'json', '--threads', '1']);

    // a point is saved, then counted on the progress line (printed at every tick here): press Ctrl-C
    // once the second point is saved
    const signals = new EventEmitter();
    let stderr = '';
    const io = {
      stdout: () => {},
      stderr: (text: string) => {
        stderr += text;
        if (text.startsWith('sweep points: 2/5 (')) signals.emit('SIGINT');
      },
      cwd: folder,
      signals,
      progressIntervalMs: 0,
    };
    const code = await runCli(['run', path, '--out', out, '--threads', '1'], io);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted; 2 of 5 points saved in .*checkpoint\.json; rerun with --resume to continue/);
    const saved = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')) as { points: Record<string, unknown> };
    expect(Object.keys(saved.points)).toEqual(['{"sig":5e-7}', '{"sig":0.000001}']);
    expect(signals.listenerCount('SIGINT')).toBe(0);

    const resumed = await runXbar(['run', path, '--out', out, '--resume', '--format', 'json', '--threads', '2'], folder, { progressIntervalMs: 0 });
    expect(resumed.code).toBe(0);
    // only the three missing points ran: the progress starts at the two saved ones
    expect(resumed.stderr.match(/^sweep points: \d\/5/gm)).toEqual(['sweep points: 2/5', 'sweep points: 3/5', 'sweep points: 4/5', 'sweep points: 5/5']);
    expect(resumed.stdout).toBe(reference.stdout);
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(JSON.parse(reference.stdout));
  });

  /** Runs `path` with --out `out` and presses Ctrl-C once the first point is saved. */
  async function interruptAfterFirstPoint(path: string, out: string): Promise<number> {
    const signals = new EventEmitter();
    const io = {
      stdout: () => {},
      stderr: (text: string) => {
        if (/^sweep points: 1\/\d+ \(/.test(text)) signals.emit('SIGINT');
      },
      cwd: folder,
      signals,
      progressIntervalMs: 0,
    };
    return runCli(['run', path, '--out', out, '--threads', '1'], io);
  }

  it.each([
    ['an included file', 'cell.inc', '.model cell gaussian (sigma_prog={sig} rel_read=0.01)\n', '.model cell gaussian (sigma_prog={sig} rel_read=0.2)\n'],
    ['a data file', 'x.idx', idx([1, 2, 3, 4]), idx([1, 2, 3, 5])],
  ])('refuses to resume after %s changed, naming it (was: the sweep mixed both versions)', async (_what, changed, before, after) => {
    writeFileSync(join(folder, 'cell.inc'), '.model cell gaussian (sigma_prog={sig} rel_read=0.01)\n');
    writeFileSync(join(folder, 'x.idx'), idx([1, 2, 3, 4]));
    writeFileSync(join(folder, changed), before);
    const path = join(folder, 'included.xbar');
    const lines = BASE.filter((line) => !line.startsWith('.model cell') && !line.startsWith('.inputs X'));
    writeFileSync(path, `${['.include "cell.inc"', '.inputs X idx="x.idx" gain=0.25', ...lines, '.step sig list 0.5u 1u 2u', '.mc net=mlp inputs=X runs=2', '.end'].join('\n')}\n`);
    const out = join(folder, `out-${changed}`);
    expect(await interruptAfterFirstPoint(path, out)).toBe(130);
    writeFileSync(join(folder, changed), after);
    const resumed = await runXbar(['run', path, '--out', out, '--resume', '--quiet'], folder);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(new RegExp(`cannot resume from .*checkpoint\\.json: .*${changed.replace('.', '\\.')} changed since it was written; rerun without --resume to start over`));
    writeFileSync(join(folder, changed), before);
    const again = await runXbar(['run', path, '--out', out, '--resume', '--quiet'], folder);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });
});

/** An IDX file of one item of 4 unsigned bytes (a 1 x 4 input). */
function idx(values: readonly number[]): Uint8Array {
  return Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 1, 0, 0, 0, values.length, ...values]);
}

