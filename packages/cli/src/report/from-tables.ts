import type { BandSeries, ReportTable, SweepPlot } from './data.js';

/** A result table as `xbar run` produces it (kind of card and its columns and rows). */
export interface RunTable extends ReportTable {
  /** The card kind: mvm, mc, mse, accuracy, optimize, compare. */
  readonly kind: string;
  /** The card's line in its netlist file. */
  readonly line?: number;
  /** What the card estimates: `.mse` and `.mc` tables with equal keys estimate the same errors. */
  readonly estimateKey?: string;
  /** The card's workload, e.g. `net=mlp`. */
  readonly workload?: string;
  /** `.mvm mode=ir` without sweeps: a tile's column currents with and without IR drop. */
  readonly columnCurrents?: {
    readonly description: string;
    readonly idealAmperes: readonly number[];
    readonly irDropAmperes: readonly number[];
  };
}

/** Whether two tables estimate the same errors (equal `estimateKey`; netlist names are case-insensitive). */
export function sameEstimate(a: RunTable, b: RunTable): boolean {
  return a.estimateKey !== undefined && b.estimateKey !== undefined && a.estimateKey.toLowerCase() === b.estimateKey.toLowerCase();
}

/** A `.step` sweep: the parameter and how its values are spaced. */
export interface SweepAxis {
  readonly param: string;
  readonly scale: 'list' | 'lin' | 'dec' | 'log';
}

/** Metric columns a sweep plot can show: the line, the 95 % CI of the line, the axis label and scale, and how it was found. */
const METRICS: readonly { line: string; ci95?: string; label: string; scale: 'linear' | 'log'; method: SweepMethod }[] = [
  { line: 'acc_mean_pct', ci95: 'acc_ci95_pct', label: 'accuracy (%)', scale: 'linear', method: 'monte-carlo' },
  { line: 'mse_mean', ci95: 'mse_ci95', label: 'output MSE', scale: 'log', method: 'monte-carlo' },
  { line: 'mse', label: 'output MSE', scale: 'log', method: 'analytical' },
];

/** Sampled (a mean over Monte-Carlo runs, with its 95 % confidence interval) or predicted (`.mse`). */
type SweepMethod = 'monte-carlo' | 'analytical';

const METHOD_NOTES: Readonly<Record<SweepMethod, string>> = {
  'monte-carlo': 'Lines: mean over the Monte-Carlo runs; shaded band: its 95 % confidence interval (Student t).',
  analytical: 'Lines: the analytical MSE (from the devices\' moments, no sampling).',
};

interface TableSweep {
  readonly table: RunTable;
  readonly method: SweepMethod;
  readonly plot: SweepPlot;
}

/**
 * The plots of a netlist with exactly one `.step` (each table's first column is the parameter):
 * accuracy or MSE against the parameter, one line per node (`.mse`) or model (`.compare`), Monte-Carlo
 * lines with their 95 % confidence band. A `.mse` and a `.mc` estimating the same errors (equal
 * `estimateKey`) also share one plot: the analytical output MSE and the Monte-Carlo one.
 */
export function sweepPlotsFromTables(tables: readonly RunTable[], sweeps: readonly SweepAxis[]): SweepPlot[] {
  const single = tables.map((table) => tableSweep(table, sweeps)).filter((s): s is TableSweep => s !== undefined);
  const plots: SweepPlot[] = [];
  for (const sweep of single) {
    const analytical = sweep.method === 'monte-carlo' ? single.find((other) => other.method === 'analytical' && sameEstimate(other.table, sweep.table)) : undefined;
    if (!analytical) {
      plots.push(sweep.plot);
      continue;
    }
    const output = analytical.plot.series.find((series) => series.name.startsWith('output ('));
    const at = (table: RunTable, kind: string) => `${kind}${table.line !== undefined ? ` line ${table.line}` : ''}`;
    plots.push({
      ...sweep.plot,
      title: `Analytical (${at(analytical.table, '.mse')}) and Monte-Carlo (${at(sweep.table, '.mc')}) MSE: ${sweep.table.estimateKey}`,
      series: [
        ...(output ? [{ ...output, name: `analytical ${output.name}` }] : []),
        ...sweep.plot.series.map((series) => ({ ...series, name: `Monte-Carlo (${series.name})` })),
      ],
      note: `${METHOD_NOTES.analytical} ${METHOD_NOTES['monte-carlo']}`,
    });
  }
  return plots;
}

function tableSweep(table: RunTable, sweeps: readonly SweepAxis[]): TableSweep | undefined {
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
  const [line, ci95] = [c(metric.line), c(metric.ci95)];
  const series: BandSeries[] = [...groups].map(([name, rows]) => {
    const mean = rows.map((row) => Number(row[line]));
    const half = ci95 >= 0 ? rows.map((row) => Number(row[ci95])) : undefined;
    const band = half && half.every(Number.isFinite) ? { lower: mean.map((m, i) => m - half[i]), upper: mean.map((m, i) => m + half[i]) } : {};
    return { name, x: rows.map((row) => Number(row[0])), y: mean, ...band };
  });
  return {
    table,
    method: metric.method,
    plot: {
      title: table.title,
      ...(table.workload !== undefined ? { label: `.${table.kind} ${table.workload}` } : {}),
      parameter: { name: sweep.param, unit: '' },
      parameterScale: sweep.scale === 'dec' || sweep.scale === 'log' ? 'log' : 'linear',
      metricLabel: metric.label,
      metricScale: metric.scale,
      series,
      note: METHOD_NOTES[metric.method],
    },
  };
}
