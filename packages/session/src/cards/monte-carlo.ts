import type { MonteCarloAnalysis } from '@xbar/dsl';
import type { RunContext } from '../run/context.js';
import { withWorkloadNotes } from '../run/hardware-notes.js';
import { layerMseCells, layerMseColumns, layerMseStdCells, layerMseStdColumns, metricCells, metricColumns, metricLabels } from '../run/evaluate.js';
import type { TrialPlan } from '../run/trial-plan.js';
import type { CardRunner } from './card.js';
import { describeWorkload } from '../build/workload.js';

/**
 * `.mc`: statistics of the metric (output MSE, or accuracy) over `runs` independent programmings, then
 * the mean and the standard deviation over runs of every layer's MSE (mse_<layer>, mse_output,
 * mse_std_<layer>, mse_std_output).
 */
export function monteCarloPlan(ctx: RunContext, analysis: MonteCarloAnalysis): TrialPlan {
  const inputs = ctx.inputs(analysis.inputs);
  const labels = metricLabels(ctx, analysis.metric, analysis.labels, inputs.shape[0], '.mc');
  return {
    requests: [{ ...analysis, inputs, labels, seed: ctx.seed(analysis) }],
    rows: ([{ built, evaluation }]) =>
      withWorkloadNotes(
        {
          columns: ['metric', 'samples', 'runs', ...metricColumns(analysis.metric), ...layerMseColumns(built), ...layerMseStdColumns(built)],
          rows: [
            [analysis.metric, evaluation.samples, evaluation.trials, ...metricCells(analysis.metric, evaluation), ...layerMseCells(built, evaluation), ...layerMseStdCells(built, evaluation)],
          ],
        },
        built,
        analysis.mode,
      ),
  };
}

/** The `.mc` card. */
export const monteCarloCard: CardRunner<MonteCarloAnalysis> = {
  describe: (analysis) => `.mc ${describeWorkload(analysis.workload)} inputs=${analysis.inputs} metric=${analysis.metric} mode=${analysis.mode} runs=${analysis.runs}`,
  trials: monteCarloPlan,
};
