import { type PendingPointsRunner, pointByPoint } from '../checkpoint/sweep.js';
import { type PointResult, runPoint, runtimeError, silentProgress, type StepPoint } from '@xbar/session';
import { JobError, JobsAbortedError, runJobs } from '../parallel/pool.js';
import type { PointJob } from './jobs.js';
import { jobsModule } from './jobs-module.js';
import type { NetlistSession } from '@xbar/session';
import type { RunSource } from './netlist-session.js';
import { trialEvaluator } from './trial-evaluator.js';

/** How the points of a sweep run. */
export interface SweepRunnerOptions {
  readonly threads: number;
  /** Use worker threads only when the points left would take longer than this in this thread. */
  readonly minParallelSeconds: number;
}

/**
 * Runs pending `.step` points: the first one in this thread, timed; the others on worker threads (one
 * point per job, its trials in the worker) when there are threads to spare and they would take longer
 * than `minParallelSeconds`, else here one after the other. A point's results do not depend on where
 * it runs.
 */
export function sweepRunner(session: NetlistSession<RunSource>, points: readonly StepPoint[], options: SweepRunnerOptions): PendingPointsRunner<PointResult> {
  const inThisThread = pointByPoint(points, (point) =>
    runPoint(session.context(point), trialEvaluator({ ...options, source: session.source, point }), silentProgress),
  );
  return async (pending, record, signal) => {
    if (pending.length === 0) return;
    const [first, ...rest] = pending;
    const started = performance.now();
    await inThisThread([first], record, signal);
    const estimatedSeconds = ((performance.now() - started) / 1000) * rest.length;
    if (options.threads > 1 && rest.length >= 2 && estimatedSeconds >= options.minParallelSeconds) {
      await pointsOnWorkers(session, points, rest, record, signal, options.threads);
    } else {
      await inThisThread(rest, record, signal);
    }
  };
}

async function pointsOnWorkers(
  session: NetlistSession<RunSource>,
  points: readonly StepPoint[],
  pending: readonly number[],
  record: (index: number, result: PointResult) => void,
  signal: AbortSignal,
  threads: number,
): Promise<void> {
  const jobs: PointJob[] = pending.map((index) => ({ source: session.source, point: points[index] }));
  try {
    await runJobs<PointJob, PointResult>(
      { module: jobsModule(), exportName: 'runPointJob', jobs },
      { threads, signal, onResult: (job, result) => record(pending[job], result) },
    );
  } catch (error) {
    if (error instanceof JobsAbortedError) return;
    if (error instanceof JobError) {
      const point = Object.entries(points[pending[error.jobIndex]]).map(([name, value]) => `${name}=${value}`).join(' ');
      throw runtimeError(`.step point ${point}: ${error.message}`);
    }
    throw error;
  }
}
