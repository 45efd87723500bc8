import type { ChartConfiguration, ChartDataset, ScatterDataPoint } from 'chart.js';
import type { AnalyticalVsMonteCarloPlot, BandSeries, ColumnCurrentsPlot, MseBreakdownPlot, ReportData, RetentionPlot, SweepPlot } from './data.js';

/** A point of a scatter series; y = null leaves a gap (a value a log axis cannot show). */
type XY = ScatterDataPoint | { x: number; y: null };

/** The Chart.js configurations the report draws: bars per layer, scatter plots, bars or lines per column. */
export type ReportChartConfiguration =
  | ChartConfiguration<'bar', (number | null)[], string>
  | ChartConfiguration<'scatter', XY[]>
  | ChartConfiguration<'bar' | 'line', number[], number>;

/** One chart of the report: its canvas id, heading, Chart.js configuration (pure JSON) and notes. */
export interface ReportChart {
  /** Id of the canvas element, unique in the report. */
  readonly id: string;
  /** Section the chart belongs to (its heading). */
  readonly section: string;
  readonly title: string;
  /** Chart.js configuration; JSON only (no functions), embedded as data in the page. */
  readonly config: ReportChartConfiguration;
  /** Indexes of datasets left out of the legend (band edges, CI segments, the y = x line). */
  readonly legendHidden: readonly number[];
  /** A sentence under the chart (what the band or bars mean, values left out of a log axis). */
  readonly note?: string;
}

/** Section headings, in report order. */
export const SECTIONS = {
  mseBreakdowns: 'MSE per layer and error source',
  analyticalVsMonteCarlo: 'Analytical vs Monte-Carlo MSE',
  sweeps: 'Metric vs sweep parameter',
  retention: 'Metric vs time after programming',
  columnCurrents: 'Column currents with and without IR drop',
} as const;

/** Colour-blind-safe palette (Okabe-Ito), as [r, g, b]. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [100, 100, 100],
  [240, 228, 66],
];

function colour(index: number, alpha = 1): string {
  const [r, g, b] = PALETTE[index % PALETTE.length];
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

type AxisScale = 'linear' | 'log';

function axis(title: string, scale: AxisScale) {
  return { type: scale === 'log' ? ('logarithmic' as const) : ('linear' as const), title: { display: true, text: title } };
}

function baseOptions(title: string) {
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { title: { display: true, text: title }, legend: { position: 'bottom' as const } },
  };
}

/** Only values that a log axis can show (finite and > 0); the rest become gaps. */
function onAxis(value: number, scale: AxisScale): number | null {
  return Number.isFinite(value) && (scale === 'linear' || value > 0) ? value : null;
}

/** Every chart of the report, in section order, with ids chart-1, chart-2, ... */
export function buildCharts(report: ReportData): ReportChart[] {
  const charts: Omit<ReportChart, 'id'>[] = [
    ...(report.mseBreakdowns ?? []).map(mseBreakdownChart),
    ...(report.analyticalVsMonteCarlo ?? []).map(analyticalVsMonteCarloChart),
    ...(report.sweeps ?? []).map(sweepChart),
    ...(report.retention ?? []).map(retentionChart),
    ...(report.columnCurrents ?? []).map(columnCurrentsChart),
  ];
  return charts.map((chart, k) => ({ ...chart, id: `chart-${k + 1}` }));
}

/** Decades shown below the largest MSE of a breakdown chart: smaller values would squash the bars that matter. */
const BREAKDOWN_DECADES = 8;

/** Grouped bars: layers on x, one series per error source, log y over at most BREAKDOWN_DECADES decades. */
export function mseBreakdownChart(plot: MseBreakdownPlot): Omit<ReportChart, 'id'> {
  const positive = plot.sources.flatMap((source) => source.mse.filter((v) => onAxis(v, 'log') !== null));
  const largest = positive.length > 0 ? Math.max(...positive) : 1;
  const floor = 10 ** Math.floor(Math.log10(largest) - BREAKDOWN_DECADES);
  const shown = (v: number) => (onAxis(v, 'log') !== null && v >= floor ? v : null);
  const datasets: ChartDataset<'bar', (number | null)[]>[] = plot.sources.map((source, k) => ({
    label: source.name,
    data: source.mse.map(shown),
    backgroundColor: colour(k, 0.8),
    borderColor: colour(k),
    borderWidth: 1,
  }));
  const zero = plot.sources.some((s) => s.mse.some((v) => v === 0));
  const tiny = plot.sources.some((s) => s.mse.some((v) => v > 0 && v < floor));
  const notes = [
    ...(zero ? ['Sources with zero MSE have no bar on the logarithmic axis.'] : []),
    ...(tiny ? [`Values below ${floor.toExponential(0)} (${BREAKDOWN_DECADES} decades under the largest) are not drawn.`] : []),
  ];
  const config: ChartConfiguration<'bar', (number | null)[], string> = {
    type: 'bar',
    data: { labels: [...plot.layers], datasets },
    options: {
      ...baseOptions(plot.title),
      scales: { x: { title: { display: true, text: 'layer' } }, y: { ...axis(`MSE${plot.mseUnit ? ` (${plot.mseUnit})` : ''}`, 'log'), min: floor } },
    },
  };
  return {
    section: SECTIONS.mseBreakdowns,
    title: plot.title,
    config,
    legendHidden: [],
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
  };
}

/** Monte-Carlo vs analytical MSE, log-log: points, vertical 95 % CI segments, and the y = x line. */
export function analyticalVsMonteCarloChart(plot: AnalyticalVsMonteCarloPlot): Omit<ReportChart, 'id'> {
  const points = plot.points.filter((p) => p.analyticalMse > 0 && p.monteCarloMse > 0);
  const segments: XY[] = [];
  for (const p of points) {
    // a lower CI edge at or below zero cannot be drawn on a log axis: clip the segment at 1/1000 of the mean
    const low = Math.max(p.monteCarloMse - p.ci95, p.monteCarloMse * 1e-3);
    segments.push({ x: p.analyticalMse, y: low }, { x: p.analyticalMse, y: p.monteCarloMse + p.ci95 }, { x: p.analyticalMse, y: null });
  }
  const all = points.flatMap((p) => [p.analyticalMse, p.monteCarloMse]);
  const lo = Math.min(...all) / 2;
  const hi = Math.max(...all) * 2;
  const datasets: ChartDataset<'scatter', XY[]>[] = [
    {
      label: 'Monte-Carlo mean',
      data: points.map((p) => ({ x: p.analyticalMse, y: p.monteCarloMse })),
      backgroundColor: colour(0),
      borderColor: colour(0),
      pointRadius: 4,
    },
    { label: '95 % CI', data: segments, showLine: true, spanGaps: false, pointRadius: 0, borderColor: colour(0), borderWidth: 1.5 },
    {
      label: 'y = x',
      data: points.length ? [{ x: lo, y: lo }, { x: hi, y: hi }] : [],
      showLine: true,
      pointRadius: 0,
      borderColor: colour(6, 0.7),
      borderDash: [6, 4],
      borderWidth: 1,
    },
  ];
  const config: ChartConfiguration<'scatter', XY[]> = {
    type: 'scatter',
    data: { datasets },
    options: { ...baseOptions(plot.title), scales: { x: axis('analytical MSE', 'log'), y: axis('Monte-Carlo MSE', 'log') } },
  };
  const labels = points.map((p) => p.label).join(', ');
  return {
    section: SECTIONS.analyticalVsMonteCarlo,
    title: plot.title,
    config,
    legendHidden: [1, 2],
    note: `Points: ${labels || 'none with both MSEs > 0'}. Vertical segments: 95 % confidence interval of the Monte-Carlo mean. Dashed: y = x.`,
  };
}

/** Lines with an optional band per series (lower edge, upper edge filled to it, then the line). */
function bandDatasets(series: readonly BandSeries[], xScale: AxisScale, yScale: AxisScale): { datasets: ChartDataset<'scatter', XY[]>[]; hidden: number[] } {
  const datasets: ChartDataset<'scatter', XY[]>[] = [];
  const hidden: number[] = [];
  series.forEach((s, k) => {
    const points = (values: readonly number[]): XY[] =>
      s.x.flatMap((x, i) => {
        const px = onAxis(x, xScale);
        return px === null ? [] : [{ x: px, y: onAxis(values[i], yScale) }];
      });
    if (s.lower && s.upper) {
      hidden.push(datasets.length, datasets.length + 1);
      datasets.push({ label: `${s.name} (low)`, data: points(s.lower), showLine: true, pointRadius: 0, borderWidth: 0, borderColor: colour(k, 0) });
      datasets.push({
        label: `${s.name} (band)`,
        data: points(s.upper),
        showLine: true,
        pointRadius: 0,
        borderWidth: 0,
        borderColor: colour(k, 0),
        backgroundColor: colour(k, 0.18),
        fill: '-1',
      });
    }
    datasets.push({ label: s.name, data: points(s.y), showLine: true, pointRadius: 3, borderWidth: 2, borderColor: colour(k), backgroundColor: colour(k) });
  });
  return { datasets, hidden };
}

function xyChart(title: string, section: string, xTitle: string, xScale: AxisScale, yTitle: string, yScale: AxisScale, series: readonly BandSeries[], note: string): Omit<ReportChart, 'id'> {
  const { datasets, hidden } = bandDatasets(series, xScale, yScale);
  const config: ChartConfiguration<'scatter', XY[]> = {
    type: 'scatter',
    data: { datasets },
    options: { ...baseOptions(title), scales: { x: axis(xTitle, xScale), y: axis(yTitle, yScale) } },
  };
  return { section, title, config, legendHidden: hidden, note };
}

const BAND_NOTE = 'Lines: mean over Monte-Carlo runs; shaded band: its 95 % confidence interval.';

/** A metric against the swept parameter. */
export function sweepChart(plot: SweepPlot): Omit<ReportChart, 'id'> {
  const unit = plot.parameter.unit ? ` (${plot.parameter.unit})` : '';
  return xyChart(plot.title, SECTIONS.sweeps, `${plot.parameter.name}${unit}`, plot.parameterScale, plot.metricLabel, plot.metricScale ?? 'linear', plot.series, plot.note ?? BAND_NOTE);
}

/** A metric against seconds after programming, log x. */
export function retentionChart(plot: RetentionPlot): Omit<ReportChart, 'id'> {
  return xyChart(plot.title, SECTIONS.retention, 'time after programming (s)', 'log', plot.metricLabel, plot.metricScale ?? 'linear', plot.series, plot.note ?? BAND_NOTE);
}

/** Column currents in µA, ideal vs IR drop: bars for up to 32 columns, lines beyond. */
export function columnCurrentsChart(plot: ColumnCurrentsPlot): Omit<ReportChart, 'id'> {
  const microamperes = (values: readonly number[]) => values.map((a) => a * 1e6);
  const columns = Math.max(plot.idealAmperes.length, plot.irDropAmperes.length);
  const asBars = columns <= 32;
  const series = [
    { label: 'ideal wires', data: microamperes(plot.idealAmperes) },
    { label: 'with IR drop', data: microamperes(plot.irDropAmperes) },
  ];
  const datasets: ChartDataset<'bar' | 'line', number[]>[] = series.map((s, k) => ({
    type: asBars ? 'bar' : 'line',
    label: s.label,
    data: s.data,
    backgroundColor: colour(k, asBars ? 0.8 : 1),
    borderColor: colour(k),
    borderWidth: asBars ? 1 : 2,
    pointRadius: asBars ? 0 : 1.5,
  }));
  const config: ChartConfiguration<'bar' | 'line', number[], number> = {
    type: asBars ? 'bar' : 'line',
    data: { labels: Array.from({ length: columns }, (_, j) => j), datasets },
    options: { ...baseOptions(plot.title), scales: { x: { title: { display: true, text: 'column' } }, y: { title: { display: true, text: 'column current (µA)' } } } },
  };
  // measured against the largest ideal current (the full scale the ADC sees), not column by column:
  // a near-zero current changed a little would read as a huge relative change
  const fullScale = plot.idealAmperes.reduce((largest, ideal) => Math.max(largest, Math.abs(ideal)), 0);
  const worst = fullScale > 0 ? (100 * plot.idealAmperes.reduce((largest, ideal, j) => Math.max(largest, Math.abs(ideal - plot.irDropAmperes[j])), 0)) / fullScale : 0;
  return {
    section: SECTIONS.columnCurrents,
    title: plot.title,
    config,
    legendHidden: [],
    note: `${plot.description ? `${plot.description} ` : ''}Largest change from IR drop: ${worst.toPrecision(3)} % of the largest ideal column current.`,
  };
}
