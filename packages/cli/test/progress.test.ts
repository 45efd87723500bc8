import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';
import { createProgressReporter } from '../src/progress/create.js';
import { PlainProgress } from '../src/progress/plain.js';
import { silentProgress } from '@xbar/session';
import { formatDuration, rateAndEta } from '../src/progress/reporter.js';
import { TtyProgress } from '../src/progress/tty.js';

/** A plain reporter on a fake clock, collecting its lines. */
function fakePlain(intervalMs = 5000) {
  let now = 0;
  const lines: string[] = [];
  const progress = new PlainProgress({ write: (text) => lines.push(text), intervalMs, nowMs: () => now });
  return { progress, lines, advance: (ms: number) => (now += ms) };
}

describe('plain (non-TTY) progress', () => {
  it('prints a line at most every interval, with count, percent, rate and ETA, and a final line', () => {
    const { progress, lines, advance } = fakePlain();
    progress.start(100, 'sweep points');
    for (let k = 0; k < 100; k++) {
      advance(200); // 5 points per second
      progress.tick();
    }
    progress.stop();
    // 20 s of work: lines at 5, 10, 15 s (not at 20 s: the task is complete there), then the final line
    expect(lines).toEqual([
      'sweep points: 25/100 (25 %), 5/s, ETA 15 s\n',
      'sweep points: 50/100 (50 %), 5/s, ETA 10 s\n',
      'sweep points: 75/100 (75 %), 5/s, ETA 5.0 s\n',
      'sweep points: 100/100 done in 20 s\n',
    ]);
  });

  it('says "stopped" when stopped early; prints nothing for a task done within the first interval', () => {
    const { progress, lines, advance } = fakePlain();
    progress.start(10, 'trials');
    progress.tick(3);
    advance(1500);
    progress.stop();
    expect(lines).toEqual(['trials: 3/10 stopped in 1.5 s\n']);
    progress.start(10, 'quick');
    advance(1000);
    progress.tick(10);
    progress.stop();
    expect(lines).toHaveLength(1);
  });

  it('ticks by several units and clamps at the total; ignores ticks and stops outside a task', () => {
    const { progress, lines, advance } = fakePlain(1000);
    progress.tick();
    progress.stop();
    progress.start(8, 'batches');
    advance(2000);
    progress.tick(4);
    advance(2000);
    progress.tick(10);
    progress.stop();
    progress.stop();
    expect(lines).toEqual(['batches: 4/8 (50 %), 2/s, ETA 2.0 s\n', 'batches: 8/8 done in 4.0 s\n']);
  });
});

describe('createProgressReporter', () => {
  it('is silent with --quiet, on a terminal or not', () => {
    expect(createProgressReporter({ quiet: true, write: () => {}, isTTY: false })).toBe(silentProgress);
    expect(createProgressReporter({ quiet: true, write: () => {}, isTTY: true })).toBe(silentProgress);
  });

  it('prints plain lines through io.stderr when stderr is not a terminal, a bar on a terminal', async () => {
    const lines: string[] = [];
    const plain = createProgressReporter({ quiet: false, write: (text) => lines.push(text), isTTY: false, intervalMs: 0 });
    expect(plain).toBeInstanceOf(PlainProgress);
    plain.start(2, 'trials');
    await new Promise((resolve) => setTimeout(resolve, 5));
    plain.tick();
    plain.tick();
    plain.stop();
    expect(lines[0]).toMatch(/^trials: 1\/2 \(50 %\), [\d.]+\/s, ETA .+\n$/);
    expect(lines[1]).toMatch(/^trials: 2\/2 done in /);
    expect(createProgressReporter({ quiet: false, write: () => {}, isTTY: true })).toBeInstanceOf(TtyProgress);
  });
});

describe('rate, ETA and durations', () => {
  it('computes rate and ETA, undefined ETA before anything is done', () => {
    expect(rateAndEta(0, 10, 0)).toEqual({ ratePerSecond: 0, etaSeconds: undefined });
    expect(rateAndEta(5, 10, 2)).toEqual({ ratePerSecond: 2.5, etaSeconds: 2 });
  });
  it('formats durations', () => {
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(7800)).toBe('2 h 10 min');
  });
});

describe('progress of the long commands', () => {
  const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');
  const folder = mkdtempSync(join(tmpdir(), 'xbar-progress-'));
  const everyLine = { progressIntervalMs: 0 };

  it('xbar mse --mc shows its Monte-Carlo trials', async () => {
    writeFileSync(join(folder, 'hw.xbar'), '.model m gaussian (gmin=0 sigma_prog=1u)\n.array default rows=64 cols=64 model=m\n');
    const model = join(models, 'mnist-mlp-pca', 'model.onnx');
    const result = await runXbar(['mse', '--model', model, '--netlist', join(folder, 'hw.xbar'), '--input', join(models, 'mnist-mlp-pca', 'inputs.npy'), '--mc', '3'], folder, everyLine);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Monte-Carlo trials: 3\/3 done in/);
  });

  it('xbar infer shows its samples, ideal and on hardware', async () => {
    const model = join(models, 'digits-cnn', 'model.onnx');
    const input = join(models, 'digits-cnn', 'inputs.npy');
    const ideal = await runXbar(['infer', '--model', model, '--input', input, '--output', join(folder, 'y.npy'), '--batch-size', '16'], folder, everyLine);
    expect(ideal.stderr).toMatch(/samples: 16\/64 \(25 %\)/);
    expect(ideal.stderr).toMatch(/samples: 64\/64 done in/);
    writeFileSync(join(folder, 'cnn.xbar'), '.model m ideal\n.array default rows=64 cols=64 model=m\n');
    const onHardware = await runXbar(['infer', '--model', model, '--input', input, '--output', join(folder, 'y2.npy'), '--netlist', join(folder, 'cnn.xbar'), '--batch-size', '16'], folder, everyLine);
    expect(onHardware.stderr).toMatch(/samples on hardware: 64\/64 done in/);
    const quiet = await runXbar(['infer', '--model', model, '--input', input, '--output', join(folder, 'y3.npy'), '--quiet'], folder, everyLine);
    expect(quiet.stderr).toBe('');
  });

  it('xbar mvm shows the input vectors it has solved', async () => {
    const rows = 16;
    const cols = 8;
    writeFileSync(join(folder, 'g.npy'), encodeNpy({ shape: [rows, cols], data: new Float64Array(rows * cols).fill(50e-6) }, 'float64'));
    writeFileSync(join(folder, 'v.npy'), encodeNpy({ shape: [40, rows], data: new Float64Array(40 * rows).fill(0.1) }, 'float64'));
    const result = await runXbar(['mvm', '--conductances', 'g.npy', '--inputs', 'v.npy', '--r-wire', '1', '--output', 'i.npy'], folder, everyLine);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/input vectors solved: 40\/40 done in/);
  });
});
