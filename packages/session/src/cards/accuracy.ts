import type { AccuracyAnalysis } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { RunContext } from '../run/context.js';
import { withWorkloadNotes } from '../run/hardware-notes.js';
import { layerMseCells, layerMseColumns, metricCells, metricColumns } from '../run/evaluate.js';
import type { TrialPlan } from '../run/trial-plan.js';
import type { CardRunner } from './card.js';

/**
 * `.accuracy`: top-1 accuracy of a network on the first `limit` labelled inputs, ideal and over `runs`
 * programmings (mean, std, min, max in percent), and the mean MSE of every layer's output.
 */
export function accuracyPlan(ctx: RunContext, analysis: AccuracyAnalysis): TrialPlan {
  const inputs = ctx.inputs(analysis.inputs, analysis.limit);
  const labels = ctx.labels(analysis.labels, analysis.limit);
  if (labels.length < inputs.shape[0]) throw runtimeError(`.accuracy: ${inputs.shape[0]} inputs but only ${labels.length} labels in '${analysis.labels}'`);
  const workload = { kind: 'network', network: analysis.network } as const;
  return {
    requests: [{ ...analysis, workload, inputs, labels, seed: ctx.seed(analysis) }],
    rows: ([{ built, evaluation }]) =>
      withWorkloadNotes(
        {
          columns: ['net', 'samples', 'runs', ...metricColumns('accuracy'), ...layerMseColumns(built)],
          rows: [[analysis.network, evaluation.samples, evaluation.trials, ...metricCells('accuracy', evaluation), ...layerMseCells(built, evaluation)]],
        },
        built,
        analysis.mode,
      ),
  };
}

/** The `.accuracy` card. */
export const accuracyCard: CardRunner<AccuracyAnalysis> = {
  describe: (analysis) => `.accuracy net=${analysis.network} inputs=${analysis.inputs} labels=${analysis.labels} mode=${analysis.mode} runs=${analysis.runs}`,
  trials: accuracyPlan,
};
