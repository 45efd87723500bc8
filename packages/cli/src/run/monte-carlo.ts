import type { MonteCarloAnalysis } from '@xbar/dsl';
import type { RunContext } from './context.js';
import { evaluateWorkload, metricCells, metricColumns, metricLabels } from './evaluate.js';
import type { Cell } from './results.js';

/** `.mc`: statistics of the metric (output MSE, or accuracy) over `runs` independent programmings. */
export function runMonteCarlo(ctx: RunContext, analysis: MonteCarloAnalysis): { columns: string[]; rows: Cell[][] } {
  const inputs = ctx.inputs(analysis.inputs);
  const labels = metricLabels(ctx, analysis.metric, analysis.labels, inputs.shape[0], '.mc');
  const { evaluation } = evaluateWorkload(ctx, { ...analysis, inputs, labels, seed: ctx.seed(analysis) });
  return {
    columns: ['metric', 'samples', 'runs', ...metricColumns(analysis.metric)],
    rows: [[analysis.metric, evaluation.samples, evaluation.trials, ...metricCells(analysis.metric, evaluation)]],
  };
}
