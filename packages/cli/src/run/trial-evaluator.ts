import { JobError, runJobs } from '../parallel/pool.js';
import {
  buildWorkload,
  evaluateInThisThread,
  evaluateRangesHere,
  evaluateTrialRange,
  mergeTrialValues,
  progressRanges,
  type RequestLocation,
  requestTrials,
  runtimeError,
  splitTrials,
  type StepPoint,
  type TrialEvaluator,
  type TrialRange,
  type TrialValues,
} from '@xbar/session';
import type { RunSource } from './netlist-session.js';
import { jobsModule } from './jobs-module.js';

/** How trials run: on how many threads, and which netlist point the workers must load. */
export interface TrialEvaluatorOptions {
  readonly threads: number;
  /** Use worker threads only when the trials left would take longer than this in this thread. */
  readonly minParallelSeconds: number;
  /** The netlist and `.step` point of the requests (needed when threads > 1). */
  readonly source?: RunSource;
  readonly point?: StepPoint;
}

/** Ranges per worker thread (more ranges balance the load; each costs a job message). */
const RANGES_PER_THREAD = 4;

/**
 * The trial evaluator of a run: on one thread, the session's (`evaluateInThisThread`). Otherwise
 * trial 0 runs in this thread and is timed; the others run here too
 * (in a few ranges, for progress) unless there are threads to spare and they would take longer than
 * `minParallelSeconds`, in which case they are split into ranges over worker threads. Trial k's
 * numbers depend only on (seed, k) and the ranges are merged in trial order, so the results are
 * the same bits for any thread count.
 */
export function trialEvaluator(options: TrialEvaluatorOptions): TrialEvaluator {
  if (options.threads <= 1 || options.source === undefined) return evaluateInThisThread;
  return async (ctx, request, where, tick) => {
    const built = buildWorkload(ctx, request.workload, request.inputs, { ...(request.device ? { device: request.device } : {}) });
    const total = requestTrials(request);
    if (total === 0) return { built, evaluation: mergeTrialValues(built, evaluateRangesHere(built, request, progressRanges(0, 0), tick)) };
    const started = performance.now();
    const parts: TrialValues[] = [evaluateTrialRange(built, request, { first: 0, count: 1 })];
    tick(1);
    const rest = total - 1;
    if (rest === 0) return { built, evaluation: mergeTrialValues(built, parts) };
    const estimatedSeconds = ((performance.now() - started) / 1000) * rest;
    const parallel = rest >= 2 && estimatedSeconds >= options.minParallelSeconds;
    if (parallel) {
      const ranges = splitTrials(rest, options.threads * RANGES_PER_THREAD).map((range) => ({ first: range.first + 1, count: range.count }));
      parts.push(...(await rangesOnWorkers(options, where, ranges, tick)));
    } else {
      parts.push(...evaluateRangesHere(built, request, progressRanges(1, rest), tick));
    }
    return { built, evaluation: mergeTrialValues(built, parts) };
  };
}

/** The arguments of one trial-range job (plain data, copied to a worker). */
export interface TrialRangeJob extends RequestLocation, TrialRange {
  readonly source: RunSource;
  readonly point: StepPoint;
}

async function rangesOnWorkers(options: TrialEvaluatorOptions, where: RequestLocation, ranges: readonly TrialRange[], tick: (trials: number) => void): Promise<TrialValues[]> {
  const jobs: TrialRangeJob[] = ranges.map((range) => ({ source: options.source!, point: options.point ?? {}, ...where, ...range }));
  try {
    return await runJobs<TrialRangeJob, TrialValues>(
      { module: jobsModule(), exportName: 'runTrialRangeJob', jobs },
      { threads: options.threads, onResult: (index) => tick(ranges[index].count) },
    );
  } catch (error) {
    if (error instanceof JobError) throw runtimeError(`trials ${ranges[error.jobIndex].first}..${ranges[error.jobIndex].first + ranges[error.jobIndex].count - 1}: ${error.message}`);
    throw error;
  }
}
