import type { NetworkEvaluation } from '@xbar/core';
import type { Analysis } from '@xbar/dsl';
import { cardRunner } from '../cards/registry.js';
import type { RunContext } from './context.js';
import type { MetricRequest } from './evaluate.js';
import type { AnalysisRows } from './results.js';
import type { BuiltWorkload } from '../build/workload.js';

/** A workload on its arrays and its evaluation over Monte-Carlo trials. */
export interface EvaluatedWorkload {
  readonly built: BuiltWorkload;
  readonly evaluation: NetworkEvaluation;
}

/**
 * An analysis whose work is Monte-Carlo trials (`.mc`, `.accuracy`, `.compare`): the evaluations it
 * needs, and its rows from their results (in request order). The trials of each request can be split
 * over worker threads; a worker finds its request again as `requests[i]` of the same plan.
 */
export interface TrialPlan {
  readonly requests: readonly MetricRequest[];
  readonly rows: (results: readonly EvaluatedWorkload[]) => AnalysisRows;
}

/** The trial plan of an analysis, or undefined for the cards that run whole (`.mvm`, `.mse`, `.optimize`). */
export function trialPlan(ctx: RunContext, analysis: Analysis): TrialPlan | undefined {
  const runner = cardRunner(analysis);
  return 'trials' in runner ? runner.trials(ctx, analysis) : undefined;
}

/** Monte-Carlo trials of a request: none for mode=ideal. */
export function requestTrials(request: MetricRequest): number {
  return request.mode === 'ideal' ? 0 : request.runs;
}
