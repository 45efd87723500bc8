import { confidenceHalfWidth95 } from '@xbar/core';
import type { AnalyticalVsMonteCarloPlot } from './data.js';
import { type RunTable, sameEstimate } from './from-tables.js';

type Point = AnalyticalVsMonteCarloPlot['points'][number];


/**
 * Analytical vs Monte-Carlo MSE for every `.mse` table of a run without sweeps and every `.mc` table
 * estimating the same errors (equal `estimateKey`: same workload and inputs, sampled without IR drop at
 * the arrays' read time): one point per layer the `.mc` table has `mse_<layer>` and `mse_std_<layer>`
 * columns for, and one for the output, with the 95 % confidence interval of the Monte-Carlo mean.
 */
export function analyticalVsMonteCarloFromTables(tables: readonly RunTable[]): AnalyticalVsMonteCarloPlot[] {
  const plots: AnalyticalVsMonteCarloPlot[] = [];
  for (const mse of tables) {
    if (mse.kind !== 'mse' || mse.estimateKey === undefined || mse.columns[0] !== 'node') continue;
    for (const mc of tables) {
      if (mc.kind !== 'mc' || !sameEstimate(mc, mse) || mc.rows.length !== 1) continue;
      const points = pairPoints(mse, mc);
      const at = (table: RunTable) => (table.line !== undefined ? ` line ${table.line}` : '');
      if (points.length > 0) plots.push({ title: `Analytical (.mse${at(mse)}) vs Monte-Carlo (.mc${at(mc)}): ${mse.estimateKey}`, points });
    }
  }
  return plots;
}

/** The points of one `.mse` / `.mc` pair: each layer with Monte-Carlo columns, then the output. */
function pairPoints(mse: RunTable, mc: RunTable): Point[] {
  const mcRow = mc.rows[0];
  const mcValue = (column: string): number | undefined => {
    const c = mc.columns.indexOf(column);
    return c < 0 ? undefined : Number(mcRow[c]);
  };
  const runs = mcValue('runs') ?? 0;
  const analytical = mse.columns.indexOf('mse');
  if (runs < 2 || analytical < 0) return [];
  const point = (label: string, analyticalMse: number, mean: number | undefined, std: number | undefined): Point[] =>
    mean === undefined || std === undefined ? [] : [{ label, analyticalMse, monteCarloMse: mean, ci95: confidenceHalfWidth95(std, runs) }];
  const outputRow = mse.rows.at(-1)!;
  const outputNode = /^output \((.*)\)$/.exec(String(outputRow[0]))?.[1];
  const layers = mse.rows.slice(0, -1).filter((row) => String(row[0]) !== outputNode);
  const metricIsMse = mc.columns.includes('mse_mean');
  return [
    ...layers.flatMap((row) => point(String(row[0]), Number(row[analytical]), mcValue(`mse_${row[0]}`), mcValue(`mse_std_${row[0]}`))),
    ...point(
      String(outputRow[0]),
      Number(outputRow[analytical]),
      metricIsMse ? mcValue('mse_mean') : mcValue('mse_output'),
      metricIsMse ? mcValue('mse_std') : mcValue('mse_std_output'),
    ),
  ];
}
