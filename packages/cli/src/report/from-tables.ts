import type { BandSeries, ReportTable, SweepPlot } from './data.js';

/** A result table as `xbar run` produces it (kind of card and its columns and rows). */
export interface RunTable extends ReportTable {
  /** The card kind: mvm, mc, mse, accuracy, optimize, compare. */
  readonly kind: string;
  /** The card's line in its netlist file. */
  readonly line?: number;
  /** What the card estimates: `.mse` and `.mc` tables with equal keys estimate the same errors. */
  readonly estimateKey?: string;
  /** `.mvm mode=ir` without sweeps: a tile's column currents with and without IR drop. */
  readonly columnCurrents?: {
    readonly description: string;
    readonly idealAmperes: readonly number[];
    readonly irDropAmperes: readonly number[];
  };
}

/** A `.step` sweep: the parameter and how its values are spaced. */
export interface SweepAxis {
  readonly param: string;
  readonly scale: 'list' | 'lin' | 'dec' | 'log';
}

/** Metric columns a sweep plot can show: the line, the band edges, the axis label and scale. */
const METRICS: readonly { line: string; lower?: string; upper?: string; label: string; scale: 'linear' | 'log' }[] = [
  { line: 'acc_mean_pct', lower: 'acc_min_pct', upper: 'acc_max_pct', label: 'accuracy (%)', scale: 'linear' },
  { line: 'mse_mean', lower: 'mse_min', upper: 'mse_max', label: 'output MSE', scale: 'log' },
  { line: 'mse', label: 'analytical MSE', scale: 'log' },
];

/**
 * A metric against the swept parameter, from a table of a netlist with exactly one `.step` (its first
 * column is the parameter): accuracy (band min..max over runs) or MSE. Tables with a `node` or `model`
 * column give one line per node or model. Undefined when the table has no such metric.
 */
export function sweepPlotFromTable(table: RunTable, sweeps: readonly SweepAxis[]): SweepPlot | undefined {
  if (sweeps.length !== 1 || table.rows.length < 2) return undefined;
  const sweep = sweeps[0];
  const metric = METRICS.find((m) => table.columns.includes(m.line));
  if (!metric || table.columns[0] !== sweep.param) return undefined;
  const c = (name: string | undefined) => (name === undefined ? -1 : table.columns.indexOf(name));
  const groupColumn = ['node', 'model'].map(c).find((index) => index >= 0);
  const groups = new Map<string, (readonly (string | number)[])[]>();
  for (const row of table.rows) {
    const key = groupColumn === undefined ? table.kind : String(row[groupColumn]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const [line, lower, upper] = [c(metric.line), c(metric.lower), c(metric.upper)];
  const series: BandSeries[] = [...groups].map(([name, rows]) => ({
    name,
    x: rows.map((row) => Number(row[0])),
    y: rows.map((row) => Number(row[line])),
    ...(lower >= 0 && upper >= 0 ? { lower: rows.map((row) => Number(row[lower])), upper: rows.map((row) => Number(row[upper])) } : {}),
  }));
  return {
    title: table.title,
    parameter: { name: sweep.param, unit: '' },
    parameterScale: sweep.scale === 'dec' || sweep.scale === 'log' ? 'log' : 'linear',
    metricLabel: metric.label,
    metricScale: metric.scale,
    series,
  };
}
