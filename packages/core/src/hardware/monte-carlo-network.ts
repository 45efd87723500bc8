import { confidenceHalfWidth95 } from '../math/student-t.js';
import type { Tensor } from '../network/tensor.js';
import { type HardwareNetwork, type NodeOutputs, idealNodeOutputs } from './hardware-network.js';

/** Monte-Carlo MSE of one node's output against the ideal network. */
export interface NodeMonteCarlo {
  /** MSE of every trial: mean over the batch and the node's output elements. */
  readonly trialMse: Float64Array;
  /** Mean of trialMse. */
  readonly mse: number;
  /** Half width of the 95 % confidence interval of `mse` (normal approximation over trials). */
  readonly ci95: number;
}

/** Monte-Carlo reference of a hardware network: per-node MSE over trials, and the time it took. */
export interface NetworkMonteCarlo {
  readonly nodes: ReadonlyMap<string, NodeMonteCarlo>;
  readonly trials: number;
}

/** Options of `networkMonteCarlo`. */
export interface NetworkMonteCarloOptions {
  readonly seed: number | string;
  readonly trials: number;
  /** First trial index (to split trials over workers; results concatenate exactly). Default 0. */
  readonly firstTrial?: number;
  /** Ideal per-node outputs for `input`, if already computed. */
  readonly ideal?: NodeOutputs;
  /** Solve the arrays that have wire resistance as circuits (the IR drop; as `.mc mode=ir`). Default false: ideal wires. */
  readonly irDrop?: boolean;
  /** Called after every trial with the number done (for stopping rules or progress). Return false to stop early. */
  readonly onTrial?: (done: number, trialMse: ReadonlyMap<string, Float64Array>) => boolean | void;
}

/**
 * Runs Monte-Carlo trials of the hardware network on a batch and returns, for every node, the MSE of
 * each trial against the ideal float64 network (mean over the batch and the node's elements).
 */
export function networkMonteCarlo(hardware: HardwareNetwork, input: Tensor, options: NetworkMonteCarloOptions): NetworkMonteCarlo {
  const ideal = options.ideal ?? idealNodeOutputs(hardware.network, input);
  const first = options.firstTrial ?? 0;
  const perNode = new Map<string, Float64Array>();
  for (const node of hardware.network.nodes) perNode.set(node.name, new Float64Array(options.trials));
  let done = 0;
  for (let k = 0; k < options.trials; k++) {
    const outputs = hardware.runTrial(input, options.seed, first + k, { irDrop: options.irDrop ?? false });
    for (const [name, value] of outputs) perNode.get(name)![k] = meanSquaredDifference(value.data, ideal.get(name)!.data);
    done = k + 1;
    if (options.onTrial && options.onTrial(done, perNode) === false) break;
  }
  const nodes = new Map<string, NodeMonteCarlo>();
  for (const [name, all] of perNode) nodes.set(name, summarizeTrials(all.subarray(0, done)));
  return { nodes, trials: done };
}

/**
 * One Monte-Carlo reference from runs of consecutive trial ranges (`firstTrial` = the trials before
 * it), as if run at once: the per-trial MSEs concatenated in range order, then summarized. Trial k
 * depends only on (seed, k), so any split gives the same bits.
 */
export function mergeMonteCarlo(parts: readonly NetworkMonteCarlo[]): NetworkMonteCarlo {
  if (parts.length === 0) throw new RangeError('mergeMonteCarlo: no parts');
  const nodes = new Map<string, NodeMonteCarlo>();
  for (const name of parts[0].nodes.keys()) {
    const all = new Float64Array(parts.reduce((sum, part) => sum + part.trials, 0));
    let offset = 0;
    for (const part of parts) {
      all.set(part.nodes.get(name)!.trialMse.subarray(0, part.trials), offset);
      offset += part.trials;
    }
    nodes.set(name, summarizeTrials(all));
  }
  return { nodes, trials: parts.reduce((sum, part) => sum + part.trials, 0) };
}

/** Mean and 95 % confidence half-width (Student t; NaN for one trial) of per-trial MSEs. */
function summarizeTrials(trialMse: Float64Array): NodeMonteCarlo {
  const n = trialMse.length;
  let mean = 0;
  for (const value of trialMse) mean += value;
  mean /= Math.max(1, n);
  let variance = 0;
  for (const value of trialMse) variance += (value - mean) ** 2;
  variance /= Math.max(1, n - 1);
  return { trialMse, mse: mean, ci95: confidenceHalfWidth95(Math.sqrt(variance), n) };
}

/** Mean of (a - b)^2. */
function meanSquaredDifference(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return sum / Math.max(1, a.length);
}
