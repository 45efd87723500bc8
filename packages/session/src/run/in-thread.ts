import { buildWorkload } from '../build/workload.js';
import { splitTrials } from './ranges.js';
import type { TrialEvaluator } from './run-point.js';
import { requestTrials } from './trial-plan.js';
import { evaluateTrialRange, mergeTrialValues } from './trial-values.js';

/** Progress granularity: at most this many ranges of trials per request. */
const PROGRESS_CHUNKS = 50;

/**
 * Evaluates every trial of a request in the calling thread, in up to 50 ranges so that `tick` shows
 * progress. Trial k's numbers depend only on (seed, k), so the result is the same bits as any split
 * over threads (the CLI's evaluator).
 */
export const evaluateInThisThread: TrialEvaluator = (ctx, request, _where, tick) => {
  const built = buildWorkload(ctx, request.workload, request.inputs, { ...(request.device ? { device: request.device } : {}) });
  const total = requestTrials(request);
  const ranges = total === 0 ? [{ first: 0, count: 0 }] : splitTrials(total, Math.min(total, PROGRESS_CHUNKS));
  const parts = ranges.map((range) => {
    const values = evaluateTrialRange(built, request, range);
    tick(range.count);
    return values;
  });
  return Promise.resolve({ built, evaluation: mergeTrialValues(built, parts) });
};
