import { MseAnalyzer } from '@xbar/core';
import type { MseAnalysis } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { RunContext } from '../run/context.js';
import { analysableHardware, withWorkloadNotes } from '../run/hardware-notes.js';
import type { AnalysisRows, Cell } from '../run/results.js';
import { SOURCE_COLUMNS, mseBySource } from './mse-sources.js';
import { buildWorkload, describeWorkload } from '../build/workload.js';
import type { CardRunner } from './card.js';

/**
 * `.mse`: the analytical (moment-propagation) MSE of every layer's output and of the network output
 * against the ideal network, from core's MseAnalyzer: no sampling. Rows: one per weight layer, then
 * the output. Columns: the MSE with every error source, its variance and squared-bias parts, then the
 * MSE with each error source alone (mse_quantization, mse_device_mean, mse_programming, ...). The read
 * time is `time=`, else each array's own.
 */
export function runMse(ctx: RunContext, analysis: MseAnalysis): AnalysisRows {
  const inputs = ctx.inputs(analysis.inputs);
  const built = buildWorkload(ctx, analysis.workload, inputs, analysis.readTimeSeconds !== undefined ? { readTimeSeconds: analysis.readTimeSeconds } : {});
  let prediction;
  let bySource;
  try {
    const hardware = analysableHardware(built.hardware);
    prediction = new MseAnalyzer(hardware).predict(built.inputs);
    bySource = mseBySource(hardware, built.inputs);
  } catch (error) {
    throw runtimeError(`.mse: the analytical engine failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const byName = new Map(prediction.nodes.map((node) => [node.name, node]));
  const rows: Cell[][] = [...built.layerNames, built.outputNode].map((name, i) => {
    const node = byName.get(name)!;
    return [i === built.layerNames.length ? `output (${name})` : name, node.mse, node.variance, node.biasSquared, ...bySource.get(name)!];
  });
  return withWorkloadNotes({ columns: ['node', 'mse', 'variance', 'bias_squared', ...SOURCE_COLUMNS], rows }, built, 'analytical');
}

/** The `.mse` card. */
export const mseCard: CardRunner<MseAnalysis> = {
  describe: (analysis) => `.mse ${describeWorkload(analysis.workload)} inputs=${analysis.inputs}`,
  direct: runMse,
};
