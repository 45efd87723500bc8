import type { OptimizeAnalysis } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { RunContext } from '../run/context.js';
import { evaluateWorkload, metricCells, metricColumns, metricLabels } from '../run/evaluate.js';
import { withWorkloadNotes } from '../run/hardware-notes.js';
import type { AnalysisRows, Cell } from '../run/results.js';
import { type BuiltWorkload, describeWorkload } from '../build/workload.js';
import type { CardRunner } from './card.js';

/** The grid of an `.optimize`: `points` values from lower to upper, evenly or log-spaced, both ends included. */
export function optimizeGrid(analysis: OptimizeAnalysis): number[] {
  const { lower, upper, points } = analysis;
  return Array.from({ length: points }, (_, i) => {
    const t = i / (points - 1);
    return analysis.scale === 'log' ? lower * (upper / lower) ** t : lower + (upper - lower) * t;
  });
}

/**
 * `.optimize`: a grid search. The netlist is re-checked with the parameter at each grid value and the
 * metric evaluated by Monte-Carlo (`runs` programmings, mean over runs); the row of the best mean
 * (smallest for goal=min, largest for max; the first on ties) is marked `best`.
 */
export function runOptimize(ctx: RunContext, analysis: OptimizeAnalysis): AnalysisRows {
  const rows: Cell[][] = [];
  const scores: number[] = [];
  const workloads: BuiltWorkload[] = [];
  for (const value of optimizeGrid(analysis)) {
    const point = ctx.withDesign(ctx.recheck({ [analysis.param.toLowerCase()]: value }));
    const inputs = point.inputs(analysis.inputs);
    const labels = metricLabels(point, analysis.metric, analysis.labels, inputs.shape[0], '.optimize');
    const { built, evaluation } = evaluateWorkload(point, { ...analysis, inputs, labels, seed: ctx.seed(analysis) });
    workloads.push(built);
    const cells = metricCells(analysis.metric, evaluation);
    scores.push(Number(analysis.metric === 'accuracy' ? cells[1] : cells[0]));
    rows.push([value, ...cells, '']);
  }
  if (rows.length === 0) throw runtimeError('.optimize: empty grid');
  let best = 0;
  scores.forEach((score, i) => {
    if (analysis.goal === 'min' ? score < scores[best] : score > scores[best]) best = i;
  });
  rows[best][rows[best].length - 1] = 'best';
  const onEdge = best === 0 || best === rows.length - 1;
  const edge = onEdge
    ? [`the best ${analysis.param}=${Number(rows[best][0]).toPrecision(6)} is at the ${best === 0 ? 'lower' : 'upper'} end of the search interval [${analysis.lower}, ${analysis.upper}]: the optimum may lie beyond it; widen ${best === 0 ? 'from=' : 'to='}`]
    : [];
  // The DAC table and warnings of the best point's hardware.
  return withWorkloadNotes({ columns: [analysis.param, ...metricColumns(analysis.metric), 'best'], rows, warnings: edge }, workloads[best], analysis.mode);
}

/** The `.optimize` card. */
export const optimizeCard: CardRunner<OptimizeAnalysis> = {
  describe: (analysis) => `.optimize param=${analysis.param} ${describeWorkload(analysis.workload)} metric=${analysis.metric} goal=${analysis.goal}`,
  direct: runOptimize,
};
