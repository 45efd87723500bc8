import type { PatchLayout } from '../hardware/patches.js';
import type { Network, NetworkNode } from '../network/graph.js';
import type { ActivationMoments } from './activation-moments.js';
import { type ElementwiseOut, type GaussianMomentFunction, HERMITE_ORDER } from './elementwise-moments.js';
import type { SparseLinearMap } from './linear-ops.js';

/**
 * Residual connections: the two inputs of an add node both grow from the error of a common value (the
 * fork, read by the skip and by the branch), so their errors are correlated and
 * Var(a + b) = Var a + Var b + 2 Cov(a, b). The full mode tracks, for every value downstream of a
 * fork f, its sensitivity to f: S = J^T (|f| rows of |v|), J the statistical linearization dv/df:
 * - linear nodes (weight nodes through their mean weights, pooling, reshape): exact, since the
 *   noise a crossbar adds is independent of f and has zero mean given it;
 * - element-wise functions (activations, the DAC's quantizer): rows scaled by the Gaussian mean
 *   slope E[f'(u)] (Stein's lemma: Cov(f(u), w) = E[f'(u)] Cov(u, w) for jointly Gaussian (u, w));
 * - ADCs are taken as slope 1 (first order); max pooling and softmax end the tracking.
 * At an add whose inputs both depend on f: Cov(a, b) = S_a^T Gamma_f S_b, with the latest common fork
 * (every error the two inputs share passed through it). Errors added after the fork (programming,
 * read, DAC/ADC noise of the branch's own layers) are independent of the skip's.
 */
export interface ForkSensitivity {
  /** The fork value's name. */
  readonly fork: string;
  /** Index of the node producing the fork (later = nearer to the add). */
  readonly order: number;
  /** Covariance of the fork value (|f| x |f|). */
  readonly gamma: Float64Array;
  readonly forkSize: number;
  /** |f| x size, row-major: row k is dv / df_k. */
  readonly rows: Float64Array;
  readonly size: number;
}

/** Sensitivities of one value, by fork name. */
export type Sensitivities = ReadonlyMap<string, ForkSensitivity>;

/**
 * Values whose error can reach an add node along two paths: values read by two or more nodes, in a
 * network that adds two computed values somewhere (the network input is exact and never a fork).
 */
function forkValues(network: Network): Set<string> {
  const forks = new Set<string>();
  if (!network.nodes.some((node) => node.op === 'add')) return forks;
  const readers = new Map<string, number>();
  for (const node of network.nodes) for (const name of new Set(node.inputs)) readers.set(name, (readers.get(name) ?? 0) + 1);
  for (const [name, count] of readers) if (count >= 2 && name !== network.inputName) forks.add(name);
  return forks;
}

/** The sensitivity of a fork value to itself (identity), or undefined when the value is exact. */
function startFork(fork: string, order: number, x: ActivationMoments): ForkSensitivity | undefined {
  if (!x.covariance || x.variance.every((v) => v === 0)) return undefined;
  const n = x.size;
  const rows = new Float64Array(n * n);
  for (let k = 0; k < n; k++) rows[k * n + k] = 1;
  return { fork, order, gamma: x.covariance, forkSize: n, rows, size: n };
}

function withRows(s: ForkSensitivity, rows: Float64Array, size: number): ForkSensitivity {
  return { fork: s.fork, order: s.order, gamma: s.gamma, forkSize: s.forkSize, rows, size };
}

/** Element-wise function with mean slopes `slope` (per element). */
function scaleSensitivity(s: ForkSensitivity, slope: Float64Array): ForkSensitivity {
  const rows = new Float64Array(s.rows.length);
  for (let k = 0; k < s.forkSize; k++) {
    const base = k * s.size;
    for (let i = 0; i < s.size; i++) rows[base + i] = s.rows[base + i] * slope[i];
  }
  return withRows(s, rows, s.size);
}

/** A sparse linear map (pooling) applied to every row. */
function mapSensitivity(s: ForkSensitivity, map: SparseLinearMap): ForkSensitivity {
  const n = map.rows;
  const rows = new Float64Array(s.forkSize * n);
  const { rowStart, columns, coefficients } = map;
  for (let k = 0; k < s.forkSize; k++) {
    const source = k * s.size;
    const target = k * n;
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let e = rowStart[r]; e < rowStart[r + 1]; e++) sum += coefficients[e] * s.rows[source + columns[e]];
      rows[target + r] = sum;
    }
  }
  return withRows(s, rows, n);
}

/**
 * A weight node through its mean weights (`meanWeights[g]`: channelsPerGroup x patchSize per group),
 * im2col as in the engine; `inputSlope` (per input element) is the DAC's, if any.
 */
function weightNodeSensitivity(s: ForkSensitivity, layout: PatchLayout, meanWeights: readonly Float64Array[], inputSlope?: Float64Array): ForkSensitivity {
  const { positions, patchSize: K, channelsPerGroup: M, index, channelStride, positionStride, outputSize } = layout;
  const rows = new Float64Array(s.forkSize * outputSize);
  const patch = new Float64Array(K);
  for (let k = 0; k < s.forkSize; k++) {
    const source = k * s.size;
    const target = k * outputSize;
    for (let g = 0; g < layout.groups; g++) {
      const W = meanWeights[g];
      for (let p = 0; p < positions; p++) {
        const row = (g * positions + p) * K;
        for (let j = 0; j < K; j++) {
          const i = index[row + j];
          patch[j] = i < 0 ? 0 : inputSlope ? inputSlope[i] * s.rows[source + i] : s.rows[source + i];
        }
        for (let m = 0; m < M; m++) {
          let sum = 0;
          const wBase = m * K;
          for (let j = 0; j < K; j++) sum += W[wBase + j] * patch[j];
          rows[target + (g * M + m) * channelStride + p * positionStride] = sum;
        }
      }
    }
  }
  return withRows(s, rows, outputSize);
}

/** Sum of the sensitivities of two added values (one may be absent: zero). */
function addSensitivities(a: ForkSensitivity | undefined, b: ForkSensitivity | undefined): ForkSensitivity | undefined {
  if (!a || !b) return a ?? b;
  const rows = new Float64Array(a.rows.length);
  for (let i = 0; i < rows.length; i++) rows[i] = a.rows[i] + b.rows[i];
  return withRows(a, rows, a.size);
}

/** The latest fork both values depend on, if any. */
function latestCommonFork(a: Sensitivities | undefined, b: Sensitivities | undefined): [ForkSensitivity, ForkSensitivity] | undefined {
  if (!a || !b) return undefined;
  let best: [ForkSensitivity, ForkSensitivity] | undefined;
  for (const [fork, sa] of a) {
    const sb = b.get(fork);
    if (sb && (!best || sa.order > best[0].order)) best = [sa, sb];
  }
  return best;
}

/**
 * Adds 2 Cov(a, b) = C + C^T, C = S_a^T Gamma_f S_b, to the moments of a + b (full mode: covariance
 * and variance; without a covariance, the variances only).
 */
function addCrossCovariance(sum: ActivationMoments, sa: ForkSensitivity, sb: ForkSensitivity): ActivationMoments {
  const f = sa.forkSize;
  const n = sa.size;
  const gamma = sa.gamma;
  // T = Gamma_f S_b (f x n)
  const t = new Float64Array(f * n);
  for (let k = 0; k < f; k++) {
    const target = k * n;
    for (let l = 0; l < f; l++) {
      const g = gamma[k * f + l];
      if (g === 0) continue;
      const source = l * n;
      for (let i = 0; i < n; i++) t[target + i] += g * sb.rows[source + i];
    }
  }
  // C = S_a^T T (n x n)
  const cross = new Float64Array(n * n);
  for (let k = 0; k < f; k++) {
    const aBase = k * n;
    const tBase = k * n;
    for (let i = 0; i < n; i++) {
      const a = sa.rows[aBase + i];
      if (a === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) cross[row + j] += a * t[tBase + j];
    }
  }
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) variance[i] = Math.max(0, sum.variance[i] + 2 * cross[i * n + i]);
  if (!sum.covariance) return { size: n, mean: sum.mean, variance };
  const covariance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) covariance[i * n + j] = sum.covariance[i * n + j] + cross[i * n + j] + cross[j * n + i];
    covariance[i * n + i] = variance[i];
  }
  return { size: n, mean: sum.mean, variance, covariance };
}

/** What the tracker needs of a weight node: its patch layout, per-group mean weights and DAC. */
export interface TrackedWeightNode {
  readonly layout: PatchLayout;
  readonly meanWeights: readonly Float64Array[];
  /** Mean slopes of the DAC per crossbar input element for input moments x, or undefined (slope 1). */
  readonly dacSlope: (x: ActivationMoments) => Float64Array | undefined;
}

/** How the tracker linearizes each kind of node (built by the analyzer). */
export interface ResidualContext {
  readonly network: Network;
  readonly weightNode: (name: string) => TrackedWeightNode | undefined;
  /** Element-wise Gaussian moment function of an activation node, or undefined. */
  readonly elementwise: (node: NetworkNode) => GaussianMomentFunction | undefined;
  /** The linear map of a pooling node (average pools), or undefined. */
  readonly linearMap: (node: NetworkNode) => SparseLinearMap | undefined;
}

/**
 * Per-sample bookkeeping of the sensitivities of live values to the open forks (full mode): call
 * `reset` per sample, `afterNode` for every node's result (in network order), `release` when a value
 * is dropped. Networks without forks cost nothing.
 */
export class ResidualTracker {
  private readonly forks: Set<string>;
  private readonly lastUse = new Map<string, number>();
  private readonly live = new Map<string, Map<string, ForkSensitivity>>();
  private readonly out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };

  constructor(private readonly context: ResidualContext) {
    this.forks = forkValues(context.network);
    context.network.nodes.forEach((node, index) => node.inputs.forEach((name) => this.lastUse.set(name, index)));
  }

  get active(): boolean {
    return this.forks.size > 0;
  }

  reset(): void {
    this.live.clear();
  }

  release(name: string): void {
    this.live.delete(name);
  }

  /**
   * The node's result with the branches' cross-covariance added (add nodes), after recording the
   * sensitivities of its output. `inputs` are the moments the node read (for slopes).
   */
  afterNode(node: NetworkNode, index: number, inputs: readonly ActivationMoments[], result: ActivationMoments): ActivationMoments {
    const inputSensitivities = node.inputs.map((name) => this.live.get(name));
    let output = result;
    if (node.op === 'add') {
      const common = latestCommonFork(inputSensitivities[0], inputSensitivities[1]);
      if (common) output = addCrossCovariance(result, common[0], common[1]);
    }
    const propagated = new Map<string, ForkSensitivity>();
    const forksIn = new Set<string>();
    for (const sensitivities of inputSensitivities) if (sensitivities) for (const fork of sensitivities.keys()) forksIn.add(fork);
    for (const fork of forksIn) {
      if (!this.stillNeeded(fork, index, node)) continue;
      const next = this.propagate(node, inputs, inputSensitivities.map((s) => s?.get(fork)));
      if (next) propagated.set(fork, next);
    }
    if (this.forks.has(node.output)) {
      const own = startFork(node.output, index, output);
      if (own) propagated.set(node.output, own);
    }
    if (propagated.size > 0) this.live.set(node.output, propagated);
    return output;
  }

  /** Whether a value other than this node's inputs, still to be read after it, depends on the fork (or is it). */
  private stillNeeded(fork: string, index: number, node: NetworkNode): boolean {
    if ((this.lastUse.get(fork) ?? -1) > index) return true;
    for (const [name, sensitivities] of this.live) {
      if (node.inputs.includes(name) || (this.lastUse.get(name) ?? -1) <= index) continue;
      if (sensitivities.has(fork)) return true;
    }
    return false;
  }

  private propagate(node: NetworkNode, inputs: readonly ActivationMoments[], s: readonly (ForkSensitivity | undefined)[]): ForkSensitivity | undefined {
    const [first] = s;
    switch (node.op) {
      case 'add':
        return addSensitivities(s[0], s[1]);
      case 'identity':
      case 'reshape':
      case 'addConstant':
        return first;
      case 'dense':
      case 'conv2d': {
        const weights = this.context.weightNode(node.name);
        return first && weights ? weightNodeSensitivity(first, weights.layout, weights.meanWeights, weights.dacSlope(inputs[0])) : undefined;
      }
      default: {
        if (!first) return undefined;
        const fn = this.context.elementwise(node);
        if (fn) return scaleSensitivity(first, this.slopes(inputs[0], fn));
        const map = this.context.linearMap(node);
        return map ? mapSensitivity(first, map) : undefined; // max pooling, softmax, affine: not tracked
      }
    }
  }

  /** E[f'(u)] per element (h_1 / sigma by Stein's lemma; 0 for a deterministic element). */
  private slopes(x: ActivationMoments, fn: GaussianMomentFunction): Float64Array {
    const slope = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const sigma = Math.sqrt(x.variance[i]);
      if (!(sigma > 0)) continue;
      fn(x.mean[i], sigma, this.out);
      slope[i] = this.out.hermite[1] / sigma;
    }
    return slope;
  }
}
