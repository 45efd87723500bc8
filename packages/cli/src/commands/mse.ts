import { ERROR_SOURCE_NAMES, type ErrorSourceName, HardwareNetwork, type PredictionMode, errorSourceKey } from '@xbar/core';
import { Option, type Command } from 'commander';
import {
  type MseNodeReport,
  type MseReport,
  XbarError,
  calibrateOnInputs,
  mseReport,
  parseErrorSources,
  readModelInputs,
  relativeError,
  runtimeError,
  usageError,
} from '@xbar/session';
import { parseThreads, requireFlag } from '../io/flags.js';
import { defaultThreads } from '../parallel/pool.js';
import { type MseWorkloadSource, rememberMseWorkload } from './mse-jobs.js';
import { splitMseEngine } from './mse-engine.js';
import { NO_CONFIG_HELP } from '../config/load.js';
import { NETWORK_HELP, type NetworkFlags, loadCommandNetwork } from './command-network.js';
import type { CliCommand, CliIo } from '../program.js';
import { commandProgress } from '../progress/create.js';

interface MseFlags extends NetworkFlags {
  readonly input?: string;
  readonly mc?: string;
  readonly seed?: string;
  readonly sources?: string;
  readonly alone?: boolean;
  readonly mode: PredictionMode;
  readonly format: 'json' | 'table';
  readonly quiet?: boolean;
  readonly threads?: string;
}

/** One row of `xbar mse --format json`: a network node (or the output). */
export interface MseJsonRow {
  readonly name: string;
  readonly op: string;
  readonly predicted_mse: number;
  readonly predicted_variance: number;
  readonly predicted_bias_squared: number;
  readonly mc_mse: number | null;
  readonly mc_ci95: number | null;
  readonly rel_error: number | null;
  /** With --alone: the predicted MSE with each error source alone, keyed `programming`, `device_mean`, ... */
  readonly mse_alone?: Readonly<Record<string, number>>;
}

/** What `xbar mse --format json` prints. */
export interface MseJson {
  /** The model path; with --network, `model.onnx (network 'cnn')` or `network 'mlp'`. */
  readonly model: string;
  readonly netlist: string;
  readonly samples: number;
  readonly mode: PredictionMode;
  /** How the prediction ran: `mode` (adjoint may run full or diagonal) and, for adjoint, `tail_start`. */
  readonly method: { readonly mode: PredictionMode; readonly tail_start: string | null };
  readonly sources: readonly ErrorSourceName[];
  readonly layers: readonly MseJsonRow[];
  readonly output: MseJsonRow;
  readonly mc_trials: number;
  readonly seed: number;
  readonly timing: { readonly predicted_s: number; readonly alone_s: number | null; readonly mc_s: number | null };
  /** The DAC of every weight node: input range and clipped percentage (DAC_COLUMNS, as rows of objects). */
  readonly dac: readonly Record<string, string | number>[];
  /** What the prediction (and its Monte-Carlo reference) leaves out of the netlist, and DAC layers that clip. */
  readonly warnings: readonly string[];
}

function jsonRow(node: MseNodeReport): MseJsonRow {
  return {
    name: node.name,
    op: node.op,
    predicted_mse: node.mse,
    predicted_variance: node.variance,
    predicted_bias_squared: node.biasSquared,
    mc_mse: node.monteCarlo?.mse ?? null,
    mc_ci95: node.monteCarlo?.ci95 ?? null,
    rel_error: relativeError(node),
    ...(node.alone ? { mse_alone: Object.fromEntries(ERROR_SOURCE_NAMES.map((source) => [errorSourceKey(source), node.alone![source]])) } : {}),
  };
}

/** The report as `xbar mse --format json` prints it. */
export function mseJson(report: MseReport, files: { readonly model: string; readonly netlist: string }): MseJson {
  const { dac } = report;
  return {
    model: files.model,
    netlist: files.netlist,
    samples: report.samples,
    mode: report.mode,
    method: { mode: report.method.mode, tail_start: report.method.tailStart ?? null },
    sources: report.sources,
    layers: report.nodes.map(jsonRow),
    output: jsonRow(report.output),
    mc_trials: report.monteCarloTrials,
    seed: report.seed,
    timing: { predicted_s: report.timing.predictionSeconds, alone_s: report.timing.aloneSeconds, mc_s: report.timing.monteCarloSeconds },
    dac: dac.rows.map((row) => Object.fromEntries(dac.columns.map((column, c) => [column, row[c]]))),
    warnings: report.warnings,
  };
}

function wholeNumber(text: string, flag: string, minimum: number): number {
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < minimum) throw usageError(`${flag} must be a whole number >= ${minimum}, got '${text}'`);
  return Number(text);
}

const num = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : value.toPrecision(4));
const percentText = (value: number | null): string => (value === null ? '-' : `${(100 * value).toFixed(1)} %`);

function tableText(report: MseReport): string {
  const aloneSources = report.output.alone ? ERROR_SOURCE_NAMES : [];
  const header = ['layer', 'op', 'predicted MSE', 'MC MSE', 'MC CI95', 'rel. error', ...aloneSources.map((source) => `${errorSourceKey(source)} alone`)];
  const cells = (name: string, node: MseNodeReport) => [
    name,
    node.op,
    num(node.mse),
    num(node.monteCarlo?.mse),
    num(node.monteCarlo?.ci95),
    percentText(relativeError(node)),
    ...aloneSources.map((source) => num(node.alone![source])),
  ];
  const rows = [...report.nodes.map((node) => cells(node.name, node)), cells('(output)', report.output)];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const { timing } = report;
  const times = [
    `prediction ${timing.predictionSeconds.toPrecision(3)} s (${report.method.mode}${report.method.tailStart ? `, tail from ${report.method.tailStart}` : ''})`,
    ...(timing.aloneSeconds === null ? [] : [`each source alone ${timing.aloneSeconds.toPrecision(3)} s`]),
    ...(timing.monteCarloSeconds === null ? [] : [`Monte-Carlo ${timing.monteCarloSeconds.toPrecision(3)} s (${report.monteCarloTrials} trials, seed ${report.seed})`]),
  ];
  return [line(header), ...rows.map(line), '', `${report.samples} inputs; sources: ${report.sources.map(errorSourceKey).join(', ')}; ${times.join(', ')}`, ''].join('\n');
}

/**
 * `xbar mse (--model M.onnx | --network NAME) --netlist HW.xbar --input X.npy [--mc TRIALS] [--seed S] [--sources ...]
 * [--alone] [--mode diagonal|full] [--format json|table]`: the analytical output-error prediction
 * (mseReport, the same report as the `.mse` card) per node and at the network output, with --alone
 * the MSE with each error source alone, and with --mc the Monte-Carlo MSE with its 95 % confidence
 * interval.
 */
export const mseCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('mse')
      .description('Predict the mean squared error of every layer and of the network output on crossbar hardware (analytical, MemSE-style), optionally checked by Monte-Carlo.')
      .option('--model <file>', 'the network (.onnx)')
      .option('--netlist <file>', 'hardware (.xbar): devices, arrays, periphery (matched to the weight nodes as in xbar infer)')
      .option('--network <name>', NETWORK_HELP)
      .option('--input <file>', 'inputs (.npy): B x the model input shape; the MSE is the mean over them')
      .option('--mc <trials>', 'also run this many Monte-Carlo trials (one programming each)')
      .option('--seed <n>', "Monte-Carlo seed (default: the netlist's .options seed)")
      .option('--sources <list>', `error sources switched on (prediction and Monte-Carlo), comma-separated: ${ERROR_SOURCE_NAMES.map(errorSourceKey).join(', ')}, or all`, 'all')
      .option('--alone', 'also predict the MSE with each error source alone (one more prediction per source)')
      .addOption(
        new Option('--mode <mode>', 'full covariances (exact correlations), diagonal (variances only: fast), or adjoint (variances, then the narrow tail\'s covariance from first-order sensitivities: for large CNNs)')
          .choices(['full', 'diagonal', 'adjoint'])
          .default('full'),
      )
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
      .option('--threads <n>', 'worker threads for the prediction (samples) and the Monte-Carlo (trials) (default: the number of CPUs); results do not depend on it')
      .option('--quiet', 'no progress on stderr (warnings still)')
      .option('--no-config', NO_CONFIG_HELP)
      .action(async (flags: MseFlags) => {
        const inputPath = requireFlag(flags.input, '--input');
        requireFlag(flags.netlist, '--netlist');
        const trials = flags.mc === undefined ? 0 : wholeNumber(flags.mc, '--mc', 2);
        const seedFlag = flags.seed === undefined ? undefined : wholeNumber(flags.seed, '--seed', Number.MIN_SAFE_INTEGER);
        const sources = parseErrorSources(flags.sources, '--sources');
        const loadStarted = performance.now();
        const { network, label, hardware: netlistHardware } = await loadCommandNetwork(flags, io, true);
        const loadSeconds = (performance.now() - loadStarted) / 1000;
        if (network.wholeBatch !== undefined) throw runtimeError(`${label}: the model mixes the samples of its batch (its input fixes the batch at ${network.wholeBatch}); xbar mse compares the outputs sample by sample, which such a model does not give`);
        const input = readModelInputs(inputPath, io.cwd, network, label).batch;
        const threads = parseThreads(flags.threads) ?? defaultThreads();
        let report: MseReport;
        try {
          const setupStarted = performance.now();
          const hardware = HardwareNetwork.create(network, netlistHardware!.spec);
          calibrateOnInputs(hardware, input);
          const seed = seedFlag ?? netlistHardware!.seed;
          const source: MseWorkloadSource = { model: flags.model, netlist: flags.netlist, network: flags.network, config: flags.config, input: inputPath, cwd: io.cwd };
          rememberMseWorkload(source, { hardware, input });
          const setupSeconds = (performance.now() - setupStarted) / 1000 + loadSeconds;
          report = await mseReport(
            hardware,
            input,
            { mode: flags.mode, sources, alone: flags.alone ?? false, monteCarloTrials: trials, seed, progress: commandProgress(io, flags.quiet ?? false) },
            splitMseEngine(source, { samples: input.shape[0], mode: flags.mode, seed, threads, setupSeconds }),
          );
        } catch (error) {
          if (error instanceof XbarError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          throw runtimeError(`mse of ${label} failed: ${message}`);
        }
        io.stdout(flags.format === 'json' ? `${JSON.stringify(mseJson(report, { model: label, netlist: flags.netlist! }), null, 2)}\n` : tableText(report));
        for (const warning of report.warnings) io.stderr(`xbar: warning: ${warning}\n`);
      });
  },
};
