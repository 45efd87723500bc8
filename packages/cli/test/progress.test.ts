import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../src/progress/create.js';
import { PlainProgress } from '../src/progress/plain.js';
import { formatDuration, rateAndEta, silentProgress } from '../src/progress/reporter.js';
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
