import {
  ALL_SOURCES,
  ERROR_SOURCE_NAMES,
  type ErrorSourceName,
  type ErrorSources,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  hardwareWithSources,
  type Tensor,
  idealNodeOutputs,
  networkMonteCarlo,
} from '@xbar/core';
import { Option, type Command } from 'commander';
import { analysableHardware, analyticalOmissions, calibrateOnInputs, dacNotes, hardwareSpecFromDesign, loadNetlist, loadOnnxModel, type ProgressReporter, readModelInputs, runtimeError, silentProgress, usageError, XbarError } from '@xbar/session';
import { requireFlag } from '../io/flags.js';
import { NO_CONFIG_HELP, loadConfigForNetlist } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';
import type { CliCommand, CliIo } from '../program.js';
import { commandProgress } from '../progress/create.js';

interface MseFlags {
  readonly model?: string;
  readonly netlist?: string;
  readonly input?: string;
  readonly mc?: string;
  readonly seed?: string;
  readonly sources?: string;
  readonly mode: 'diagonal' | 'full';
  readonly format: 'json' | 'table';
  readonly quiet?: boolean;
  /** False with `--no-config`. */
  readonly config: boolean;
}

/** One row of the report: a network node (or the output). */
export interface MseRow {
  readonly name: string;
  readonly op: string;
  readonly predicted_mse: number;
  readonly predicted_variance: number;
  readonly predicted_bias_squared: number;
  readonly mc_mse: number | null;
  readonly mc_ci95: number | null;
  readonly rel_error: number | null;
}

/** What `xbar mse --format json` prints. */
export interface MseReport {
  readonly model: string;
  readonly netlist: string;
  readonly samples: number;
  readonly mode: 'diagonal' | 'full';
  readonly sources: readonly ErrorSourceName[];
  readonly layers: readonly MseRow[];
  readonly output: MseRow;
  readonly mc_trials: number;
  readonly seed: number;
  readonly timing: { readonly predicted_s: number; readonly mc_s: number | null };
  /** The DAC of every weight node: input range and clipped percentage (DAC_COLUMNS, as rows of objects). */
  readonly dac: readonly Record<string, string | number>[];
  /** What the prediction (and its Monte-Carlo reference) leaves out of the netlist, and DAC layers that clip. */
  readonly warnings: readonly string[];
}

/** `--sources a,b,...` (names of ERROR_SOURCE_NAMES, or `all`) as switches. */
export function parseSources(text: string | undefined): ErrorSources {
  if (text === undefined || text.trim() === 'all') return ALL_SOURCES;
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const switches: Record<ErrorSourceName, boolean> = { ...ALL_SOURCES };
  for (const key of ERROR_SOURCE_NAMES) switches[key] = false;
  for (const name of names) {
    const key = ERROR_SOURCE_NAMES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!key) throw usageError(`unknown error source '${name}' in --sources; known: ${ERROR_SOURCE_NAMES.join(', ')} (or all)`);
    switches[key] = true;
  }
  if (names.length === 0) throw usageError('--sources names no error source');
  return switches;
}

function wholeNumber(text: string, flag: string, minimum: number): number {
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < minimum) throw usageError(`${flag} must be a whole number >= ${minimum}, got '${text}'`);
  return Number(text);
}

/** Runs the prediction (and the Monte-Carlo reference) and builds the report. */
export function mseReport(
  network: Network,
  hardware: HardwareNetwork,
  input: Tensor,
  options: { sources: ErrorSources; mode: 'diagonal' | 'full'; trials: number; seed: number; model: string; netlist: string; progress?: ProgressReporter },
): MseReport {
  const ideal = idealNodeOutputs(network, input);
  const entries = hardware.weightNodes();
  const notes = dacNotes(hardware.dacClipping(input, ideal));
  const omitted = analyticalOmissions(
    entries.map((entry) => entry.config),
    entries.map((entry) => entry.node.name),
  );
  const t0 = performance.now();
  const prediction = new MseAnalyzer(analysableHardware(hardware), options.sources).predict(input, { mode: options.mode, ideal });
  const predictedSeconds = (performance.now() - t0) / 1000;
  let mcSeconds: number | null = null;
  let monteCarlo: ReturnType<typeof networkMonteCarlo> | undefined;
  if (options.trials > 0) {
    const t1 = performance.now();
    // the Monte-Carlo reference samples the same sources as the prediction: the others are switched
    // off in the hardware itself (hardwareWithSources)
    const sampled = ERROR_SOURCE_NAMES.every((name) => options.sources[name]) ? hardware : hardwareWithSources(hardware, options.sources);
    const progress = options.progress ?? silentProgress;
    progress.start(options.trials, 'Monte-Carlo trials');
    try {
      monteCarlo = networkMonteCarlo(sampled, input, { seed: options.seed, trials: options.trials, ideal, onTrial: () => progress.tick() });
    } finally {
      progress.stop();
    }
    mcSeconds = (performance.now() - t1) / 1000;
  }
  const row = (name: string): MseRow => {
    const p = prediction.nodes.find((node) => node.name === name)!;
    const mc = monteCarlo?.nodes.get(name);
    return {
      name,
      op: p.op,
      predicted_mse: p.mse,
      predicted_variance: p.variance,
      predicted_bias_squared: p.biasSquared,
      mc_mse: mc ? mc.mse : null,
      mc_ci95: mc ? mc.ci95 : null,
      rel_error: mc && mc.mse > 0 ? (p.mse - mc.mse) / mc.mse : null,
    };
  };
  const sources = ERROR_SOURCE_NAMES.filter((name) => options.sources[name]);
  return {
    model: options.model,
    netlist: options.netlist,
    samples: input.shape[0],
    mode: options.mode,
    sources,
    layers: network.nodes.map((node) => row(node.name)),
    output: row(prediction.output.name),
    mc_trials: monteCarlo?.trials ?? 0,
    seed: options.seed,
    timing: { predicted_s: predictedSeconds, mc_s: mcSeconds },
    dac: notes.dac.rows.map((row) => Object.fromEntries(notes.dac.columns.map((column, c) => [column, row[c]]))),
    warnings: [
      ...omitted,
      ...(options.trials > 0 && entries.some((entry) => entry.config.wires !== undefined) ? ['the Monte-Carlo reference of xbar mse samples the arrays with ideal wires too, like the prediction'] : []),
      ...notes.warnings,
    ],
  };
}

const num = (value: number | null): string => (value === null ? '-' : value.toPrecision(4));

function tableText(report: MseReport): string {
  const header = ['layer', 'op', 'predicted MSE', 'MC MSE', 'MC CI95', 'rel. error'];
  const rows = [...report.layers.map((r) => [r.name, r.op, num(r.predicted_mse), num(r.mc_mse), num(r.mc_ci95), r.rel_error === null ? '-' : `${(100 * r.rel_error).toFixed(1)} %`])];
  const o = report.output;
  rows.push(['(output)', o.op, num(o.predicted_mse), num(o.mc_mse), num(o.mc_ci95), o.rel_error === null ? '-' : `${(100 * o.rel_error).toFixed(1)} %`]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const timing = `prediction ${report.timing.predicted_s.toPrecision(3)} s (${report.mode})` + (report.timing.mc_s === null ? '' : `, Monte-Carlo ${report.timing.mc_s.toPrecision(3)} s (${report.mc_trials} trials, seed ${report.seed})`);
  return [line(header), ...rows.map(line), '', `${report.samples} inputs; sources: ${report.sources.join(', ')}; ${timing}`, ''].join('\n');
}

/**
 * `xbar mse --model M.onnx --netlist HW.xbar --input X.npy [--mc TRIALS] [--seed S] [--sources ...]
 * [--mode diagonal|full] [--format json|table]`: the analytical output-error prediction per layer and
 * at the network output, and with --mc the Monte-Carlo MSE with its 95 % confidence interval.
 */
export const mseCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('mse')
      .description('Predict the mean squared error of every layer and of the network output on crossbar hardware (analytical, MemSE-style), optionally checked by Monte-Carlo.')
      .option('--model <file>', 'the network (.onnx)')
      .option('--netlist <file>', 'hardware (.xbar): devices, arrays, periphery (matched to the weight nodes as in xbar infer)')
      .option('--input <file>', 'inputs (.npy): B x the model input shape; the MSE is the mean over them')
      .option('--mc <trials>', 'also run this many Monte-Carlo trials (one programming each)')
      .option('--seed <n>', "Monte-Carlo seed (default: the netlist's .options seed)")
      .option('--sources <list>', `error sources switched on (prediction and Monte-Carlo), comma-separated: ${ERROR_SOURCE_NAMES.join(', ')}, or all`, 'all')
      .addOption(new Option('--mode <mode>', 'diagonal (fast, batched) or full covariance (exact shared-kernel and input-noise correlations)').choices(['diagonal', 'full']).default('full'))
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
      .option('--quiet', 'no progress on stderr (warnings still)')
      .option('--no-config', NO_CONFIG_HELP)
      .action(async (flags: MseFlags) => {
        const modelPath = requireFlag(flags.model, '--model');
        const netlistPath = requireFlag(flags.netlist, '--netlist');
        const inputPath = requireFlag(flags.input, '--input');
        const trials = flags.mc === undefined ? 0 : wholeNumber(flags.mc, '--mc', 2);
        const seedFlag = flags.seed === undefined ? undefined : wholeNumber(flags.seed, '--seed', Number.MIN_SAFE_INTEGER);
        const sources = parseSources(flags.sources);
        const { network, weightInitializers } = loadOnnxModel(modelPath, io.cwd);
        if (network.wholeBatch !== undefined) throw runtimeError(`${modelPath}: the model mixes the samples of its batch (its input fixes the batch at ${network.wholeBatch}); xbar mse compares the outputs sample by sample, which such a model does not give`);
        const input = readModelInputs(inputPath, io.cwd, network, modelPath).batch;
        const registry = await loadRegistryWithPlugins(loadConfigForNetlist(netlistPath, io.cwd, flags.config));
        const design = loadNetlist(netlistPath, io, { registry });
        const spec = hardwareSpecFromDesign(design, network, weightInitializers);
        let report: MseReport;
        try {
          const hardware = HardwareNetwork.create(network, spec);
          calibrateOnInputs(hardware, input);
          report = mseReport(network, hardware, input, { sources, mode: flags.mode, trials, seed: seedFlag ?? design.options.seed, model: modelPath, netlist: netlistPath, progress: commandProgress(io, flags.quiet ?? false) });
        } catch (error) {
          if (error instanceof XbarError) throw error;
          throw runtimeError(`mse of ${modelPath} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        io.stdout(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : tableText(report));
        for (const warning of report.warnings) io.stderr(`xbar: warning: ${warning}\n`);
      });
  },
};
