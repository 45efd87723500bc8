/**
 * What `report.html` shows: the run's configuration, its result tables, and the plots for the data the
 * run produced. Every plot kind is optional (a list; empty or absent = no section), so `xbar run`
 * fills only what its analyses computed. All numbers are plain SI values in the unit their field names.
 */
export interface ReportData {
  /** Heading of the report: the netlist's `.title`, else its file name. */
  readonly title: string;
  readonly run: RunInfo;
  /** Result tables of the analyses, in netlist order (same rows as `results.json`). */
  readonly tables?: readonly ReportTable[];
  /** MSE per layer and per error source (grouped bars, log y). */
  readonly mseBreakdowns?: readonly MseBreakdownPlot[];
  /** Analytical MSE vs Monte-Carlo MSE with 95 % confidence intervals (log-log, y = x line). */
  readonly analyticalVsMonteCarlo?: readonly AnalyticalVsMonteCarloPlot[];
  /** A metric (accuracy, MSE) against a swept parameter: lines with a spread band. */
  readonly sweeps?: readonly SweepPlot[];
  /** A metric against the time between programming and reading (log x). */
  readonly retention?: readonly RetentionPlot[];
  /** Column currents of one input vector, ideal wires vs with IR drop. */
  readonly columnCurrents?: readonly ColumnCurrentsPlot[];
}

/** The run's configuration, shown at the top of the report. */
export interface RunInfo {
  /** The netlist path as given on the command line. */
  readonly netlistPath: string;
  /** The netlist's full text (escaped when shown). */
  readonly netlistText: string;
  /** The command line, e.g. `xbar run examples/quickstart.xbar --seed 3 --out out`. */
  readonly command: string;
  /** Effective settings (seed, threads, format, out, ...) and where each came from. */
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  /** Seed of the run (the `--seed` override, or the netlist's `.options seed`). */
  readonly seed: number;
  /** Versions: xbar, node, device plugins, ... */
  readonly versions: Readonly<Record<string, string>>;
  /** When the run started, ISO 8601. */
  readonly date: string;
  /** Configuration file used, if any. */
  readonly configFile?: string;
  /** Wall-clock time of the run, in seconds. */
  readonly durationSeconds?: number;
}

/** A result table (structurally the same as `ResultTable` of `xbar run`). */
export interface ReportTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** The DAC of every weight layer: input range and clipped percentage (shown under the table). */
  readonly dac?: { readonly columns: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
  /** What the result leaves out, or where the hardware saturates (shown above the table). */
  readonly warnings?: readonly string[];
}

/** MSE of each layer (groups on x) split by error source (one bar series per source). */
export interface MseBreakdownPlot {
  readonly title: string;
  /** The groups on the x axis: layer names (e.g. fc1, fc2, output). */
  readonly layers: readonly string[];
  /** One bar series per error source (programming, read, drift, DAC, ADC, IR drop, total). */
  readonly sources: readonly { readonly name: string; readonly mse: readonly number[] }[];
  /** Unit of the MSE (e.g. "(output units)^2"); shown on the y axis. */
  readonly mseUnit?: string;
}

/** Points of analytical vs Monte-Carlo MSE, one per layer or configuration. */
export interface AnalyticalVsMonteCarloPlot {
  readonly title: string;
  readonly points: readonly {
    readonly label: string;
    /** Analytical MSE (from the devices' moments). */
    readonly analyticalMse: number;
    /** Monte-Carlo mean MSE over trials. */
    readonly monteCarloMse: number;
    /** Half width of the 95 % confidence interval of `monteCarloMse`. */
    readonly ci95: number;
  }[];
}

/** A line with an optional spread band (e.g. min..max or mean ± std over runs). */
export interface BandSeries {
  readonly name: string;
  readonly x: readonly number[];
  /** The line (mean), same length as x. */
  readonly y: readonly number[];
  /** Lower and upper edges of the band, same length as x (both or neither). */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
}

/** A metric against a `.step` / `.optimize` parameter. */
export interface SweepPlot {
  readonly title: string;
  /** A short name of what the plot shows (its card and workload), to tell series apart when plots are merged. */
  readonly label?: string;
  /** The swept parameter and its unit (SI symbol, "" if none), e.g. { name: 'gon', unit: 'S' }. */
  readonly parameter: { readonly name: string; readonly unit: string };
  /** Axis scale of the parameter (`log` for dec/log sweeps). */
  readonly parameterScale: 'linear' | 'log';
  /** y axis label with its unit, e.g. "accuracy (%)" or "output MSE". */
  readonly metricLabel: string;
  readonly metricScale?: 'linear' | 'log';
  readonly series: readonly BandSeries[];
  /** What the lines and bands are (sampled or predicted), shown under the chart. */
  readonly note?: string;
}

/** A metric against the time after programming, in seconds (x = time, log axis). */
export interface RetentionPlot {
  readonly title: string;
  readonly metricLabel: string;
  readonly metricScale?: 'linear' | 'log';
  /** x values are seconds after programming (> 0). */
  readonly series: readonly BandSeries[];
  /** What the lines and bands are (sampled or predicted), shown under the chart. */
  readonly note?: string;
}

/** Column currents of one input vector. */
export interface ColumnCurrentsPlot {
  readonly title: string;
  /** What the currents are (which tile, input, conductances), shown under the chart. */
  readonly description?: string;
  /** Current of each column with ideal wires, in amperes. */
  readonly idealAmperes: readonly number[];
  /** Current of each column with the wire resistance solved (IR drop), in amperes. */
  readonly irDropAmperes: readonly number[];
}
