import {
  ADJOINT_TAIL_MAX_VALUES,
  ERROR_SOURCE_NAMES,
  type PredictionMode,
  type ErrorSourceName,
  type ErrorSources,
  type HardwareNetwork,
  MseAnalyzer,
  type MsePrediction,
  type NetworkMonteCarlo,
  type NetworkMonteCarloOptions,
  type NodeOutputs,
  type Tensor,
  hardwareWithSources,
  idealNodeOutputs,
  negativeReadShares,
  networkMonteCarlo,
  onlySource,
  presentErrorSources,
} from '@xbar/core';
import { type ProgressReporter, silentProgress } from '../progress.js';
import {
  NEGATIVE_READ_PROBE_SEED,
  analysableHardware,
  analyticalOmissions,
  dacNotes,
  diagonalModeOmissions,
  negativeReadWarnings,
  unmodelledWires,
} from '../run/hardware-notes.js';
import type { SubTable } from '../run/results.js';

/** What an MSE report computes. */
export interface MseReportOptions {
  /** Propagation of the prediction: full, diagonal or adjoint (see MseAnalyzer.predict). */
  readonly mode: PredictionMode;
  /** The error sources switched on, in the prediction and in the Monte-Carlo reference. */
  readonly sources: ErrorSources;
  /** Also predict the MSE with each error source alone (one more prediction per source the hardware has). */
  readonly alone: boolean;
  /** Monte-Carlo trials (programmings) sampled with the same sources: 0 for none, else at least 2. */
  readonly monteCarloTrials: number;
  /** Seed of the Monte-Carlo trials. */
  readonly seed: number;
  /** Ideal per-node outputs of the batch, if already computed. */
  readonly ideal?: NodeOutputs;
  readonly progress?: ProgressReporter;
}

/** The errors of one network node's output against the ideal network, over the batch and its elements. */
export interface MseNodeReport {
  readonly name: string;
  readonly op: string;
  /** Predicted mean of Var + (E - ideal)^2, and its two parts. */
  readonly mse: number;
  readonly variance: number;
  readonly biasSquared: number;
  /** With `alone`: the predicted MSE with each source alone (0 for a source the hardware cannot have). */
  readonly alone?: Readonly<Record<ErrorSourceName, number>>;
  /** With Monte-Carlo trials: their mean MSE and its 95 % confidence half-width (Student t). */
  readonly monteCarlo?: { readonly mse: number; readonly ci95: number };
}

/** The analytical MSE of a network on its hardware, with what it leaves out and its optional Monte-Carlo check. */
export interface MseReport {
  /** Inputs in the batch (the MSE is the mean over them). */
  readonly samples: number;
  /** The mode asked for. */
  readonly mode: PredictionMode;
  /** How the prediction was propagated (adjoint mode may run full or diagonal mode; see MsePrediction.method). */
  readonly method: { readonly mode: PredictionMode; readonly tailStart?: string };
  /** The sources switched on, in ERROR_SOURCE_NAMES order. */
  readonly sources: readonly ErrorSourceName[];
  /** Every node of the network, in network order. */
  readonly nodes: readonly MseNodeReport[];
  /** The node of the network's (first) output. */
  readonly output: MseNodeReport;
  /** Monte-Carlo trials run (0: none). */
  readonly monteCarloTrials: number;
  readonly seed: number;
  /** Wall-clock seconds of the prediction, of the per-source predictions and of the Monte-Carlo (null where not run). */
  readonly timing: { readonly predictionSeconds: number; readonly aloneSeconds: number | null; readonly monteCarloSeconds: number | null };
  /** The DAC of every weight node on the batch (DAC_COLUMNS). */
  readonly dac: SubTable;
  /** What the prediction (and its Monte-Carlo reference) leaves out of the hardware, and DAC layers that clip. */
  readonly warnings: readonly string[];
}

/** Relative error of the prediction against the Monte-Carlo, (predicted - MC) / MC; null without MC or at MC = 0. */
export function relativeError(node: MseNodeReport): number | null {
  return node.monteCarlo && node.monteCarlo.mse > 0 ? (node.mse - node.monteCarlo.mse) / node.monteCarlo.mse : null;
}

/**
 * Where a report's predictions and Monte-Carlo trials run: in this thread (`inThreadMseEngine`), or
 * split over worker threads by the caller (xbar mse). Both give the report of the same batch.
 */
export interface MseEngine {
  /** The prediction of the whole batch with `sources` switched on; `onSamples(count)` as samples finish. */
  predict(sources: ErrorSources, onSamples: (count: number) => void): Promise<MsePrediction>;
  /** Trials 0 .. trials-1 of the hardware with only `sources` on; `onTrials(count)` as trials finish. */
  monteCarlo(sources: ErrorSources, trials: number, onTrials: (count: number) => void): Promise<NetworkMonteCarlo>;
}

/** The engine that predicts and samples `hardware` on `input` in this thread (`mode`, the Monte-Carlo `seed`). */
export function inThreadMseEngine(hardware: HardwareNetwork, input: Tensor, settings: { readonly mode: PredictionMode; readonly seed: number; readonly ideal?: NodeOutputs }): MseEngine {
  const analysed = analysableHardware(hardware);
  let ideal = settings.ideal;
  const idealOutputs = () => (ideal ??= idealNodeOutputs(hardware.network, input));
  return {
    predict: (sources, onSamples) => {
      let reported = 0;
      const onSample = (done: number) => {
        onSamples(done - reported);
        reported = done;
      };
      return Promise.resolve(new MseAnalyzer(analysed, sources).predict(input, { mode: settings.mode, ideal: idealOutputs(), onSample }));
    },
    monteCarlo: (sources, trials, onTrials) => {
      let reported = 0;
      const onTrial = (done: number) => {
        onTrials(done - reported);
        reported = done;
      };
      return Promise.resolve(monteCarloWithSources(hardware, input, sources, { seed: settings.seed, trials, ideal: idealOutputs(), onTrial }));
    },
  };
}

/**
 * Monte-Carlo trials of `hardware` with only `sources` switched on (hardwareWithSources), the wired
 * arrays solved as circuits when `wires` is on: the reference of every MSE report.
 */
export function monteCarloWithSources(hardware: HardwareNetwork, input: Tensor, sources: ErrorSources, options: Omit<NetworkMonteCarloOptions, 'irDrop'>): NetworkMonteCarlo {
  const sampled = ERROR_SOURCE_NAMES.every((name) => sources[name]) ? hardware : hardwareWithSources(hardware, sources);
  return networkMonteCarlo(sampled, input, { ...options, irDrop: sources.wires });
}

/**
 * The analytical (MemSE-style) MSE report of `hardware` on `input` (B x the network's input shape):
 * the prediction of every node with the chosen sources, optionally each source alone, and optionally
 * a Monte-Carlo reference sampling the same sources (the others switched off in the hardware itself),
 * computed by `engine` (default: in this thread). The DAC table and the warnings are computed on the
 * same batch. Rejects with a RangeError for a node the analysis cannot propagate, naming it.
 */
export async function mseReport(hardware: HardwareNetwork, input: Tensor, options: MseReportOptions, engine?: MseEngine): Promise<MseReport> {
  const ideal = options.ideal ?? idealNodeOutputs(hardware.network, input);
  const run = engine ?? inThreadMseEngine(hardware, input, { mode: options.mode, seed: options.seed, ideal });
  const entries = hardware.weightNodes();
  const notes = dacNotes(hardware.dacClipping(input, ideal));

  const progress = options.progress ?? silentProgress;
  const started = performance.now();
  const prediction = await withProgress(progress, input.shape[0], 'prediction samples', (tick) => run.predict(options.sources, tick));
  const predictionSeconds = secondsSince(started);

  const aloneStarted = performance.now();
  const alone = options.alone ? await predictEachSourceAlone(hardware, run) : undefined;
  const aloneSeconds = options.alone ? secondsSince(aloneStarted) : null;

  const monteCarloStarted = performance.now();
  const monteCarlo =
    options.monteCarloTrials > 0 ? await withProgress(progress, options.monteCarloTrials, 'Monte-Carlo trials', (tick) => run.monteCarlo(options.sources, options.monteCarloTrials, tick)) : undefined;
  const monteCarloSeconds = monteCarlo ? secondsSince(monteCarloStarted) : null;

  const nodes = prediction.nodes.map((node): MseNodeReport => {
    const sampled = monteCarlo?.nodes.get(node.name);
    return {
      name: node.name,
      op: node.op,
      mse: node.mse,
      variance: node.variance,
      biasSquared: node.biasSquared,
      ...(alone ? { alone: alone.get(node.name)! } : {}),
      ...(sampled ? { monteCarlo: { mse: sampled.mse, ci95: sampled.ci95 } } : {}),
    };
  });
  return {
    samples: input.shape[0],
    mode: options.mode,
    method: prediction.method,
    sources: ERROR_SOURCE_NAMES.filter((name) => options.sources[name]),
    nodes,
    output: nodes.find((node) => node.name === prediction.output.name)!,
    monteCarloTrials: monteCarlo?.trials ?? 0,
    seed: options.seed,
    timing: { predictionSeconds, aloneSeconds, monteCarloSeconds },
    dac: notes.dac,
    warnings: [
      ...methodOmissions(hardware, prediction.method, options.mode),
      ...analyticalOmissions(
        entries.map((entry) => entry.config),
        entries.map((entry) => entry.node.name),
      ),
      ...unmodelledWires(hardware, options.sources),
      ...(options.sources.wires ? negativeReadWarnings(negativeReadShares(hardware, NEGATIVE_READ_PROBE_SEED), 'the analytical MSE with wires') : []),
      ...notes.warnings,
    ],
  };
}

/** What the propagation that ran leaves out (diagonal mode's dropped covariances, adjoint mode's diagonal body). */
function methodOmissions(hardware: HardwareNetwork, method: MseReport['method'], asked: PredictionMode): string[] {
  if (method.mode === 'diagonal') {
    const fallback = asked === 'adjoint' ? [`mode=adjoint found no narrow value to start its tail at (at most ${ADJOINT_TAIL_MAX_VALUES} elements per sample, with only the tail after it): it ran as mode=diagonal`] : [];
    return [...fallback, ...diagonalModeOmissions(hardware.network)];
  }
  if (method.mode === 'adjoint') {
    return [
      `mode=adjoint propagates variances only up to '${method.tailStart}', whose covariance it takes from first-order sensitivities to every error source before it (full covariances after it): ` +
        'the layers before it drop the covariance between their inputs, as mode=diagonal does',
    ];
  }
  return [];
}

const NO_SOURCE_ERROR: Readonly<Record<ErrorSourceName, number>> = { quantization: 0, deviceMean: 0, programming: 0, read: 0, dac: 0, adc: 0, inputNoise: 0, outputNoise: 0, wires: 0 };

/**
 * The predicted MSE of every node with each error source alone (the others switched off): node name
 * -> source -> MSE. A source the hardware cannot have (presentErrorSources) is exactly 0. The sources
 * interact, so the values need not add up to the MSE with all of them.
 */
async function predictEachSourceAlone(hardware: HardwareNetwork, engine: MseEngine): Promise<Map<string, Record<ErrorSourceName, number>>> {
  const present = presentErrorSources(analysableHardware(hardware));
  const byNode = new Map<string, Record<ErrorSourceName, number>>();
  for (const node of hardware.network.nodes) byNode.set(node.name, { ...NO_SOURCE_ERROR });
  for (const source of ERROR_SOURCE_NAMES) {
    if (!present[source]) continue;
    const prediction = await engine.predict(onlySource(source), () => {});
    for (const node of prediction.nodes) byNode.get(node.name)![source] = node.mse;
  }
  return byNode;
}

/** Runs `work` with a progress task of `total` units, ticked by the callback it is given (units done since the last call). */
async function withProgress<T>(progress: ProgressReporter, total: number, label: string, work: (tick: (units: number) => void) => Promise<T>): Promise<T> {
  progress.start(total, label);
  try {
    return await work((units) => progress.tick(units));
  } finally {
    progress.stop();
  }
}

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
