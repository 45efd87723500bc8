import { describe, expect, it } from 'vitest';
import { JobError, JobsAbortedError, runJobs } from '../src/parallel/pool.js';
import { splitTrials } from '@xbar/session';

const jobs = new URL('./fixtures/parallel-jobs.ts', import.meta.url);

describe('runJobs', () => {
  it('Monte-Carlo trials split over 2 worker threads equal one in-process run, bit for bit', async () => {
    const seed = 2024;
    const [single] = await runJobs<{ seed: number; first: number; count: number }, number[]>(
      { module: jobs, exportName: 'trialRangeMse', jobs: [{ seed, first: 0, count: 24 }] },
      { threads: 1 },
    );
    const ranges = splitTrials(24, 5).map((range) => ({ seed, first: range.first, count: range.count }));
    const parts = await runJobs<{ seed: number; first: number; count: number }, number[]>(
      { module: jobs, exportName: 'trialRangeMse', jobs: ranges },
      { threads: 2 },
    );
    expect(parts.flat()).toEqual(single);
    expect(new Set(single).size).toBe(24); // the trials really differ
  });

  it('returns results in job order although later jobs finish first', async () => {
    const args = [40, 0, 25, 5, 0].map((delayMs, value) => ({ value, delayMs }));
    const finishedOrder: number[] = [];
    const results = await runJobs<{ value: number; delayMs: number }, number>(
      { module: jobs.href, exportName: 'slowSquare', jobs: args },
      { threads: 3, onResult: (index) => finishedOrder.push(index) },
    );
    expect(results).toEqual([0, 1, 4, 9, 16]);
    expect([...finishedOrder].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  for (const threads of [1, 2]) {
    it(`rejects with the job's message when a job throws (threads=${threads})`, async () => {
      const args = [0, 1, 2, 3].map((value) => ({ value, failOn: 2 }));
      const run = runJobs({ module: jobs, exportName: 'failOn', jobs: args }, { threads });
      await expect(run).rejects.toThrow('job 2 refused: bad value');
      await expect(run).rejects.toBeInstanceOf(JobError);
      await expect(run).rejects.toMatchObject({ jobIndex: 2 });
    });

    it(`stops on abort, reporting the finished jobs (threads=${threads})`, async () => {
      const controller = new AbortController();
      const finished: number[] = [];
      const args = Array.from({ length: 8 }, (_, value) => ({ value, delayMs: 30 }));
      const run = runJobs<{ value: number; delayMs: number }, number>(
        { module: jobs, exportName: 'slowSquare', jobs: args },
        {
          threads,
          signal: controller.signal,
          onResult: (index) => {
            finished.push(index);
            if (finished.length === 2) controller.abort();
          },
        },
      );
      const error: unknown = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobsAbortedError);
      expect((error as JobsAbortedError).finished).toBe(finished.length);
      expect(finished.length).toBeGreaterThanOrEqual(2);
      expect(finished.length).toBeLessThan(8);
    });
  }

  it('refuses an unknown export and a relative module path', async () => {
    await expect(runJobs({ module: jobs, exportName: 'nope', jobs: [{}] }, { threads: 2 })).rejects.toThrow("no exported function 'nope'");
    await expect(runJobs({ module: './x.ts', exportName: 'nope', jobs: [{}] }, { threads: 1 })).rejects.toThrow('absolute path');
  });
});
