/**
 * The meaning of a checked netlist: resolved parameters, device instances created through the
 * registry, arrays as core `CrossbarConfig`s, weight/input sources, networks and typed analysis
 * descriptors. Engines consume a `Design`; the DSL itself runs nothing.
 *
 * Names (maps' keys) are lower case; each definition keeps the spelling of its card in `name`.
 */
import type { CrossbarConfig, DeviceInstance, ErrorSourceName, PredictionMode, Seconds } from '@xbar/core';
import type { Span } from '../ast.js';

/** Settings of the `.options` card. */
export interface SimulationOptions {
  /** Seed of the random number generator of every analysis that does not set its own. */
  readonly seed: number;
  /** Default time between programming and reading, in seconds, for arrays that do not set `readtime`. */
  readonly readTimeSeconds: Seconds;
}

export const DEFAULT_OPTIONS: SimulationOptions = { seed: 1, readTimeSeconds: 1 };

/** `.model NAME TYPE [preset=P] (k=v ...)`. */
export interface ModelDefinition {
  readonly name: string;
  /** Registry name of the device plugin, lower case. */
  readonly type: string;
  readonly preset?: string;
  /** The values written on the card (preset values not included), by lower-case parameter name. */
  readonly values: Readonly<Record<string, number>>;
  /** The instance created through the registry (defaults and preset filled in). */
  readonly device: DeviceInstance;
  readonly span: Span;
}

/** `.array NAME rows=.. cols=.. model=.. ...`: one physical tile and its periphery. */
export interface ArrayDefinition {
  readonly name: string;
  /** The `.model` the array is built with (lower case). */
  readonly model: string;
  readonly config: CrossbarConfig;
  readonly span: Span;
}

/** A matrix written in the netlist, row-major. A vector `[a b c]` is one row. */
export interface InlineMatrix {
  readonly kind: 'inline';
  readonly rows: number;
  readonly cols: number;
  /** rows x cols values, row-major. */
  readonly data: Float64Array;
}

/** A NumPy `.npy` file (path resolved against the netlist's folder; not read by the DSL). */
export interface NpyFile {
  readonly kind: 'npy';
  readonly path: string;
}

/**
 * An IDX file of the MNIST family (gzip or raw; path resolved, not read by the DSL): items
 * [first, first + count) (count undefined = to the end), each flattened to one row, values times `gain`.
 */
export interface IdxFile {
  readonly kind: 'idx';
  readonly path: string;
  readonly first: number;
  readonly count?: number;
  readonly gain: number;
}

/** One initializer (weight tensor) of an ONNX model, by name (path resolved; not read by the DSL). */
export interface OnnxLayer {
  readonly kind: 'onnx';
  readonly path: string;
  readonly layer: string;
}

/** Random values drawn by the engine: uniform in [-scale, scale] or normal with std `scale`. */
export interface RandomMatrix {
  readonly kind: 'random';
  readonly rows: number;
  readonly cols: number;
  readonly distribution: 'uniform' | 'normal';
  readonly scale: number;
  readonly seed: number;
}

export type TensorSource = InlineMatrix | NpyFile | IdxFile | OnnxLayer | RandomMatrix;

export type TensorRole = 'weights' | 'inputs' | 'labels';

/**
 * `.weights`, `.inputs` or `.labels`. Weights are laid out as placed on the array: rows = input lines,
 * cols = outputs (y = x W). Inputs are batch x features; labels one class index per input row.
 */
export interface TensorDefinition {
  readonly name: string;
  readonly role: TensorRole;
  readonly source: TensorSource;
  readonly span: Span;
}

export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** `.layer NAME weights=W array=A [model=M] [bias=B] [activation=F]` inside a `.network`. */
export interface LayerDefinition {
  readonly name: string;
  readonly weights: string;
  readonly bias?: string;
  readonly array: string;
  /** The device model of this layer: `model=` if given, else the array's. */
  readonly model: string;
  readonly activation: Activation;
  /** The array's configuration with this layer's device. */
  readonly config: CrossbarConfig;
  readonly span: Span;
}

/** `.network NAME` ... `.endnetwork` of `.layer` cards: layers run in order, each on its array. */
export interface LayerNetworkDefinition {
  readonly kind: 'layers';
  readonly name: string;
  readonly layers: readonly LayerDefinition[];
  readonly span: Span;
}

/** Weight nodes put on an array (with the array's model, or `model=`). */
export interface ArrayPlacement {
  readonly kind: 'array';
  readonly array: string;
  /** The device model: `model=` if given, else the array's. */
  readonly model: string;
  /** The array's configuration with that model's device. */
  readonly config: CrossbarConfig;
}

/** Where weight nodes run: on an array, or digitally (exact float64, no device). */
export type NodePlacementDefinition = ArrayPlacement | { readonly kind: 'digital' };

/**
 * `.map "PATTERN" array=A [model=M]` or `.map "PATTERN" digital=yes` inside an ONNX network: the
 * weight nodes whose names match the glob (`*` any run of characters, `?` one; case-insensitive)
 * and no earlier `.map`.
 */
export interface NodeMapDefinition {
  readonly pattern: string;
  readonly placement: NodePlacementDefinition;
  readonly span: Span;
}

/**
 * `.network NAME onnx="model.onnx" [array=A] [model=M]` ... `.endnetwork`: a network imported from
 * an ONNX model (path resolved; read by the host program, not by the DSL), its weight nodes placed
 * by the `.map` cards (the first that matches) and otherwise on the network's default array.
 */
export interface OnnxNetworkDefinition {
  readonly kind: 'onnx';
  readonly name: string;
  readonly path: string;
  /** The `onnx=` value, where problems of the model are reported. */
  readonly pathSpan: Span;
  /** The placement of weight nodes no `.map` matches (`array=` on the card), if any. */
  readonly defaultPlacement?: ArrayPlacement;
  readonly maps: readonly NodeMapDefinition[];
  readonly span: Span;
}

export type NetworkDefinition = LayerNetworkDefinition | OnnxNetworkDefinition;

/** What an analysis runs: one weight matrix on one array, or a whole network. */
export type Workload =
  | { readonly kind: 'array'; readonly array: string; readonly weights: string }
  | { readonly kind: 'network'; readonly network: string };

/** How MVMs are computed: exact product, sampled devices, or sampled devices with IR drop. */
export type MvmMode = 'ideal' | 'noisy' | 'ir';

interface AnalysisBase {
  readonly span: Span;
  /** Seed of this analysis's random numbers. */
  readonly seed: number;
}

/** `.mvm`: outputs of matrix-vector products. */
export interface MvmAnalysis extends AnalysisBase {
  readonly kind: 'mvm';
  readonly workload: Workload;
  readonly inputs: string;
  readonly mode: MvmMode;
  /** Independent programmings of the array (each read once), 1 to limits.maxTrials. */
  readonly trials: number;
  /** Read time override in seconds, if given. */
  readonly readTimeSeconds?: Seconds;
}

/** `.mc`: Monte-Carlo statistics of an error metric over `runs` programmings. */
export interface MonteCarloAnalysis extends AnalysisBase {
  readonly kind: 'mc';
  readonly workload: Workload;
  readonly inputs: string;
  readonly labels?: string;
  readonly metric: 'mse' | 'accuracy';
  readonly mode: MvmMode;
  readonly runs: number;
  readonly readTimeSeconds?: Seconds;
}

/**
 * `.mse`: analytical (moment-based) mean squared error of every layer's output and of the network
 * output, optionally checked against `monteCarloTrials` programmings sampled with the same sources.
 */
export interface MseAnalysis extends AnalysisBase {
  readonly kind: 'mse';
  readonly workload: Workload;
  readonly inputs: string;
  /** Propagation: full covariances, diagonal (variances only), or adjoint (see MseAnalyzer.predict). */
  readonly mode: PredictionMode;
  /** The error sources switched on (prediction and Monte-Carlo); every source when undefined. */
  readonly sources?: readonly ErrorSourceName[];
  /** Also the MSE with each error source alone (one prediction per source). */
  readonly alone: boolean;
  /** Monte-Carlo trials run beside the prediction: 0 (none) or at least 2. */
  readonly monteCarloTrials: number;
  readonly readTimeSeconds?: Seconds;
}

/** `.accuracy`: classification accuracy of a network on a labelled dataset. */
export interface AccuracyAnalysis extends AnalysisBase {
  readonly kind: 'accuracy';
  readonly network: string;
  readonly inputs: string;
  readonly labels: string;
  readonly mode: MvmMode;
  readonly runs: number;
  /** Use only the first `limit` samples, if given. */
  readonly limit?: number;
  readonly readTimeSeconds?: Seconds;
}

/** `.optimize`: searches one `.param` in [lower, upper] for the best metric. */
export interface OptimizeAnalysis extends AnalysisBase {
  readonly kind: 'optimize';
  readonly param: string;
  readonly lower: number;
  readonly upper: number;
  readonly scale: 'lin' | 'log';
  /** Evaluations of the metric (grid points or search iterations). */
  readonly points: number;
  readonly metric: 'mse' | 'accuracy';
  readonly goal: 'min' | 'max';
  readonly workload: Workload;
  readonly inputs: string;
  readonly labels?: string;
  readonly mode: MvmMode;
  readonly runs: number;
}

/** `.compare`: the same workload with several device models, side by side. */
export interface CompareAnalysis extends AnalysisBase {
  readonly kind: 'compare';
  readonly models: readonly string[];
  readonly metric: 'mse' | 'accuracy';
  readonly workload: Workload;
  readonly inputs: string;
  readonly labels?: string;
  readonly mode: MvmMode;
  readonly runs: number;
  readonly readTimeSeconds?: Seconds;
}

export type Analysis = MvmAnalysis | MonteCarloAnalysis | MseAnalysis | AccuracyAnalysis | OptimizeAnalysis | CompareAnalysis;

/**
 * `.step`: every analysis runs once per value of a `.param` (several `.step`s nest, first outermost).
 * Engines re-check the netlist with `paramOverrides` set to each value.
 */
export interface StepSweep {
  readonly param: string;
  readonly scale: 'list' | 'lin' | 'dec' | 'log';
  readonly values: Float64Array;
  readonly span: Span;
}

export interface Design {
  readonly title?: string;
  /** Every file read: the top netlist first, then its includes in order. */
  readonly files: readonly string[];
  /** Resolved `.param` values by lower-case name. */
  readonly params: ReadonlyMap<string, number>;
  readonly options: SimulationOptions;
  readonly models: ReadonlyMap<string, ModelDefinition>;
  readonly arrays: ReadonlyMap<string, ArrayDefinition>;
  readonly weights: ReadonlyMap<string, TensorDefinition>;
  readonly inputs: ReadonlyMap<string, TensorDefinition>;
  readonly labels: ReadonlyMap<string, TensorDefinition>;
  readonly networks: ReadonlyMap<string, NetworkDefinition>;
  /** Analyses in netlist order. */
  readonly analyses: readonly Analysis[];
  readonly sweeps: readonly StepSweep[];
}
