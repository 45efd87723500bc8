import { type BuiltWorkload, buildWorkload } from '../build/workload.js';
import type { MetricRequest } from './evaluate.js';
import { type TrialRange, splitTrials } from './ranges.js';
import type { TrialEvaluator } from './run-point.js';
import { requestTrials } from './trial-plan.js';
import { type TrialValues, evaluateTrialRange, mergeTrialValues } from './trial-values.js';

/** Progress granularity: at most this many ranges of trials per request in one thread. */
const PROGRESS_CHUNKS = 50;

/**
 * Trials `first` .. `first + count - 1` as up to PROGRESS_CHUNKS consecutive ranges (one range of
 * no trials when `count` is 0: a request without trials is still evaluated once).
 */
export function progressRanges(first: number, count: number): TrialRange[] {
  if (count === 0) return [{ first, count: 0 }];
  return splitTrials(count, Math.min(count, PROGRESS_CHUNKS)).map((range) => ({ first: range.first + first, count: range.count }));
}

/** Evaluates `ranges` of a request's trials in the calling thread, in order, ticking after each. */
export function evaluateRangesHere(built: BuiltWorkload, request: MetricRequest, ranges: readonly TrialRange[], tick: (trials: number) => void): TrialValues[] {
  return ranges.map((range) => {
    const values = evaluateTrialRange(built, request, range);
    tick(range.count);
    return values;
  });
}

/**
 * Evaluates every trial of a request in the calling thread, in ranges so that `tick` shows
 * progress. Trial k's numbers depend only on (seed, k), so the result is the same bits as any split
 * over threads (the CLI's evaluator).
 */
export const evaluateInThisThread: TrialEvaluator = (ctx, request, _where, tick) => {
  const built = buildWorkload(ctx, request.workload, request.inputs, { ...(request.device ? { device: request.device } : {}) });
  const parts = evaluateRangesHere(built, request, progressRanges(0, requestTrials(request)), tick);
  return Promise.resolve({ built, evaluation: mergeTrialValues(built, parts) });
};
