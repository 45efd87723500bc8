import type { MonteCarloAnalysis } from '@xbar/dsl';
import type { RunContext } from './context.js';
import { metricCells, metricColumns, metricLabels } from './evaluate.js';
import type { TrialPlan } from './trial-plan.js';

/** `.mc`: statistics of the metric (output MSE, or accuracy) over `runs` independent programmings. */
export function monteCarloPlan(ctx: RunContext, analysis: MonteCarloAnalysis): TrialPlan {
  const inputs = ctx.inputs(analysis.inputs);
  const labels = metricLabels(ctx, analysis.metric, analysis.labels, inputs.shape[0], '.mc');
  return {
    requests: [{ ...analysis, inputs, labels, seed: ctx.seed(analysis) }],
    rows: ([{ evaluation }]) => ({
      columns: ['metric', 'samples', 'runs', ...metricColumns(analysis.metric)],
      rows: [[analysis.metric, evaluation.samples, evaluation.trials, ...metricCells(analysis.metric, evaluation)]],
    }),
  };
}
