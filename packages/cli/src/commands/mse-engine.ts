import { type ErrorSources, type MsePrediction, type NetworkMonteCarlo, type PredictionMode, mergeMonteCarlo, mergePredictions } from '@xbar/core';
import type { MseEngine } from '@xbar/session';
import { JobError, minParallelSeconds, runJobs } from '../parallel/pool.js';
import { type MsePredictionJob, type MseTrialsJob, type MseWorkloadSource, mseJobsModule } from './mse-jobs.js';

/** Samples per prediction job: one in full and adjoint mode (they propagate sample by sample), 64 in diagonal mode (batched). */
function samplesPerJob(mode: PredictionMode): number {
  return mode === 'diagonal' ? 64 : 1;
}

/** Seconds for a worker thread to start and import the CLI's modules (measured here: about 1 s with xbar mse's imports). */
const WORKER_START_SECONDS = 1;

/** Monte-Carlo ranges per thread (more balance the load; each costs a message). */
const RANGES_PER_THREAD = 4;

/**
 * The engine of `xbar mse`: the prediction split into parts of a fixed number of samples and the
 * Monte-Carlo into trial ranges, run as jobs on `threads` threads (mse-jobs.ts; with 1, in this
 * thread) and merged in order. The parts do not depend on the thread count, and trial k only on
 * (seed, k): the report is the same bits for any thread count.
 */
export function splitMseEngine(
  source: MseWorkloadSource,
  settings: { readonly samples: number; readonly mode: PredictionMode; readonly seed: number; readonly threads: number; readonly setupSeconds: number },
): MseEngine {
  const { samples, mode, seed, threads, setupSeconds } = settings;
  return {
    async predict(sources: ErrorSources, onSamples: (count: number) => void): Promise<MsePrediction> {
      const size = samplesPerJob(mode);
      const jobs: MsePredictionJob[] = [];
      for (let first = 0; first < samples; first += size) jobs.push({ source, mode, sources, first, count: Math.min(size, samples - first) });
      const parts = await jobsOrError<MsePredictionJob, MsePrediction>('runMsePredictionJob', jobs, threads, setupSeconds, (k) => onSamples(jobs[k].count));
      return mergePredictions(parts, jobs.map((job) => job.count));
    },
    async monteCarlo(sources: ErrorSources, trials: number, onTrials: (count: number) => void): Promise<NetworkMonteCarlo> {
      // trial 0 alone first (to time it), then the others in ranges
      const jobs: MseTrialsJob[] = [{ source, sources, seed, first: 0, count: 1 }];
      const rest = trials - 1;
      const ranges = Math.min(rest, threads * RANGES_PER_THREAD);
      for (let r = 0, first = 1; r < ranges; r++) {
        const count = Math.floor(rest / ranges) + (r < rest % ranges ? 1 : 0);
        jobs.push({ source, sources, seed, first, count });
        first += count;
      }
      const parts = await jobsOrError<MseTrialsJob, NetworkMonteCarlo>('runMseTrialsJob', jobs, threads, setupSeconds, (k) => onTrials(jobs[k].count));
      return mergeMonteCarlo(parts);
    },
  };
}

/**
 * Runs the jobs in order: the first in this thread, timed; the others on `threads` worker threads
 * when they would take longer here than minParallelSeconds() and the threads would save more than a
 * worker's start and the workload's set-up (`setupSeconds`, which every worker repeats), else here
 * too (XBAR_PARALLEL_MIN_SECONDS=0: always on workers). A failing job's own message comes back as
 * the error (a refused node fails every part alike).
 */
async function jobsOrError<A, R>(exportName: string, jobs: readonly A[], threads: number, setupSeconds: number, onDone: (index: number) => void): Promise<R[]> {
  const module = mseJobsModule();
  try {
    const run = (from: number, workers: number) => runJobs<A, R>({ module, exportName, jobs: jobs.slice(from) }, { threads: workers, onResult: (index) => onDone(from + index) });
    const started = performance.now();
    const first = await runJobs<A, R>({ module, exportName, jobs: jobs.slice(0, 1) }, { threads: 1, onResult: () => onDone(0) });
    const rest = jobs.length - 1;
    const estimatedSeconds = ((performance.now() - started) / 1000) * rest;
    const saved = estimatedSeconds * (1 - 1 / Math.min(threads, Math.max(1, rest)));
    const least = minParallelSeconds();
    const worthIt = least === 0 || (estimatedSeconds >= least && saved > setupSeconds + WORKER_START_SECONDS);
    return [...first, ...(await run(1, threads > 1 && rest >= 2 && worthIt ? threads : 1))];
  } catch (error) {
    throw error instanceof JobError ? new Error(error.message) : error;
  }
}
