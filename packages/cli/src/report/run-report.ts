import { basename } from 'node:path';
import type { RunSettings } from '../config/options.js';
import { XBAR_VERSION } from '../version.js';
import { analyticalVsMonteCarloFromTables } from './analytical-vs-monte-carlo.js';
import { columnCurrentsFromTables } from './column-currents.js';
import type { MseBreakdownPlot, ReportData } from './data.js';
import { type RunTable, type SweepAxis, sweepPlotsFromTables } from './from-tables.js';
import { mseBreakdownFromTable } from './mse-breakdown.js';
import { isTimeSweep, retentionPlots } from './retention.js';

/** What `xbar run` knows after a run, for its report. */
export interface RunReportInput {
  /** Netlist path as given, and its text. */
  readonly file: string;
  readonly netlistText: string;
  /** The netlist's `.title`, if any. */
  readonly title: string | undefined;
  /** `.options seed` of the netlist (used by cards without seed= when there is no override). */
  readonly netlistSeed: number;
  readonly sweeps: readonly SweepAxis[];
  readonly tables: readonly RunTable[];
  readonly settings: RunSettings;
  readonly configFile: string | undefined;
  /** The command line after `xbar`. */
  readonly argv: readonly string[];
  readonly startedAt: Date;
  readonly durationSeconds: number;
}

/**
 * The report of an `xbar run`: configuration, every table, and the plots its tables can give: MSE per
 * layer and error source (`.mse`), analytical vs Monte-Carlo (`.mse` with a matching `.mc`), metric vs
 * the swept parameter, or vs the time after programming when the sweep is over read time, and column
 * currents with and without IR drop (`.mvm mode=ir`).
 */
export function runReportData(input: RunReportInput): ReportData {
  const { settings } = input;
  const unswept = input.sweeps.length === 0;
  const mseBreakdowns = unswept ? input.tables.map(mseBreakdownFromTable).filter((p): p is MseBreakdownPlot => p !== undefined) : [];
  const sweeps = sweepPlotsFromTables(input.tables, input.sweeps);
  const overTime = input.sweeps.length === 1 && isTimeSweep(input.sweeps[0], input.netlistText);
  const quote = (arg: string) => (/^[\w./:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return {
    title: input.title ?? basename(input.file),
    run: {
      netlistPath: input.file,
      netlistText: input.netlistText,
      command: ['xbar', ...input.argv].map(quote).join(' '),
      options: {
        seed: settings.seed === undefined ? `per card (.options seed=${input.netlistSeed})` : `${settings.seed} (${settings.sources.seed})`,
        format: `${settings.format} (${settings.sources.format})`,
        threads: `${settings.threads} (${settings.sources.threads})`,
        out: settings.out === undefined ? null : `${settings.out} (${settings.sources.out})`,
        sweeps: input.sweeps.map((s) => `${s.param} (${s.scale})`).join(', ') || null,
      },
      seed: settings.seed ?? input.netlistSeed,
      versions: { xbar: XBAR_VERSION, node: process.version, platform: `${process.platform} ${process.arch}` },
      date: input.startedAt.toISOString(),
      ...(input.configFile !== undefined ? { configFile: input.configFile } : {}),
      durationSeconds: input.durationSeconds,
    },
    tables: input.tables.map(({ title, columns, rows, dac, warnings }) => ({ title, columns, rows, ...(dac ? { dac } : {}), ...(warnings?.length ? { warnings } : {}) })),
    mseBreakdowns,
    analyticalVsMonteCarlo: unswept ? analyticalVsMonteCarloFromTables(input.tables) : [],
    sweeps: overTime ? [] : sweeps,
    retention: overTime ? retentionPlots(sweeps) : [],
    columnCurrents: columnCurrentsFromTables(input.tables),
  };
}
