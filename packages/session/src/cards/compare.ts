import type { CompareAnalysis } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { RunContext } from '../run/context.js';
import { withWorkloadNotes } from '../run/hardware-notes.js';
import { layerMseCells, layerMseColumns, metricCells, metricColumns, metricLabels } from '../run/evaluate.js';
import type { Cell } from '../run/results.js';
import type { TrialPlan } from '../run/trial-plan.js';
import type { CardRunner } from './card.js';
import { describeWorkload } from '../build/workload.js';

/**
 * `.compare`: the same workload with each listed device model in place of every layer's device (the
 * rest of each array's configuration kept; the model's own gmin/gmax, not the array's overrides,
 * which the checker warns about), in the card's mode, the metric's statistics and the per-layer MSE
 * side by side, one row per model. Every model runs with the same seed, so the trials
 * differ only by the device.
 */
export function comparePlan(ctx: RunContext, analysis: CompareAnalysis): TrialPlan {
  const inputs = ctx.inputs(analysis.inputs);
  const labels = metricLabels(ctx, analysis.metric, analysis.labels, inputs.shape[0], '.compare');
  const models = analysis.models.map((name) => {
    const model = ctx.design.models.get(name.toLowerCase());
    if (!model) throw runtimeError(`.compare: unknown model '${name}'`);
    return model;
  });
  return {
    requests: models.map((model) => ({ ...analysis, inputs, labels, seed: ctx.seed(analysis), device: model.device })),
    rows: (results) => {
      const rows: Cell[][] = results.map(({ built, evaluation }, m) => [
        models[m].name,
        models[m].type,
        evaluation.samples,
        evaluation.trials,
        ...metricCells(analysis.metric, evaluation),
        ...layerMseCells(built, evaluation),
      ]);
      const mseColumns = results.length > 0 ? layerMseColumns(results[0].built) : [];
      const table = { columns: ['model', 'type', 'samples', 'runs', ...metricColumns(analysis.metric), ...mseColumns], rows };
      // The DAC is calibrated on the ideal activations, the same for every model: one table.
      return results.length > 0 ? withWorkloadNotes(table, results[0].built, analysis.mode) : table;
    },
  };
}

/** The `.compare` card. */
export const compareCard: CardRunner<CompareAnalysis> = {
  describe: (analysis) => `.compare models=(${analysis.models.join(' ')}) ${describeWorkload(analysis.workload)} metric=${analysis.metric} runs=${analysis.runs}`,
  trials: comparePlan,
};
