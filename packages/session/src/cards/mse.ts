import { ALL_SOURCES, ERROR_SOURCE_NAMES, errorSourceKey, sourcesOf } from '@xbar/core';
import type { MseAnalysis } from '@xbar/dsl';
import { type MseNodeReport, type MseReport, mseReport, relativeError } from '../analyse/mse-report.js';
import { SOURCE_COLUMNS } from '../analyse/mse-sources.js';
import { buildWorkload, describeWorkload } from '../build/workload.js';
import { runtimeError } from '../errors.js';
import type { RunContext } from '../run/context.js';
import type { AnalysisRows, Cell } from '../run/results.js';
import type { CardRunner } from './card.js';

/**
 * `.mse`: the analytical (moment-propagation) MSE of every weight layer's output and of the network
 * output against the ideal network (mseReport, the same report as `xbar mse`). Rows: one per weight
 * layer, then the output. Columns: the MSE with the card's sources, its variance and squared-bias
 * parts; with `mc=` the Monte-Carlo MSE, its 95 % CI and the prediction's relative error; with
 * `alone=yes` the MSE with each error source alone (mse_quantization, mse_device_mean, ...). The
 * read time is `time=`, else each array's own.
 */
export async function runMse(ctx: RunContext, analysis: MseAnalysis): Promise<AnalysisRows> {
  const inputs = ctx.inputs(analysis.inputs);
  const built = buildWorkload(ctx, analysis.workload, inputs, analysis.readTimeSeconds !== undefined ? { readTimeSeconds: analysis.readTimeSeconds } : {});
  let report: MseReport;
  try {
    report = await mseReport(built.hardware, built.inputs, {
      mode: analysis.mode,
      sources: analysis.sources ? sourcesOf(analysis.sources) : ALL_SOURCES,
      alone: analysis.alone,
      monteCarloTrials: analysis.monteCarloTrials,
      seed: ctx.seed(analysis),
    });
  } catch (error) {
    throw runtimeError(`.mse: the analytical engine failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const byName = new Map(report.nodes.map((node) => [node.name, node]));
  const withMonteCarlo = analysis.monteCarloTrials > 0;
  const cells = (node: MseNodeReport): Cell[] => [
    node.mse,
    node.variance,
    node.biasSquared,
    ...(withMonteCarlo ? [node.monteCarlo!.mse, node.monteCarlo!.ci95, relativeError(node) ?? Number.NaN] : []),
    ...(node.alone ? ERROR_SOURCE_NAMES.map((source) => node.alone![source]) : []),
  ];
  const rows: Cell[][] = [...built.layerNames, built.outputNode].map((name, i) => [i === built.layerNames.length ? `output (${name})` : name, ...cells(byName.get(name)!)]);
  const columns = ['node', 'mse', 'variance', 'bias_squared', ...(withMonteCarlo ? ['mc_mse', 'mc_ci95', 'rel_error'] : []), ...(analysis.alone ? SOURCE_COLUMNS : [])];
  return { columns, rows, dac: report.dac, warnings: report.warnings };
}

/** The card's settings that differ from the defaults, as written: ` mode=diagonal sources=(programming read) mc=20`. */
function describeSettings(analysis: MseAnalysis): string {
  const mode = analysis.mode === 'full' ? '' : ` mode=${analysis.mode}`;
  const sources = analysis.sources ? ` sources=(${analysis.sources.map(errorSourceKey).join(' ')})` : '';
  const monteCarlo = analysis.monteCarloTrials > 0 ? ` mc=${analysis.monteCarloTrials}` : '';
  return `${mode}${sources}${monteCarlo}`;
}

/** The `.mse` card. */
export const mseCard: CardRunner<MseAnalysis> = {
  describe: (analysis) => `.mse ${describeWorkload(analysis.workload)} inputs=${analysis.inputs}${describeSettings(analysis)}`,
  direct: runMse,
};
