import { type HardwareNetwork, type NodeOutputs, idealNodeOutputs } from '../hardware/hardware-network.js';
import { checkNetworkInput } from '../network/execute.js';
import type { Network } from '../network/graph.js';
import { type Tensor, argmaxPerSample, batchSlice } from '../network/tensor.js';
import type { Seconds } from '../units.js';
import { ProgrammedNetwork } from './programmed-network.js';
import { type ValueSummary, summarizeValues } from './summary.js';

/** Options of `evaluateNetwork`. */
export interface EvaluationOptions {
  /** Seed of the Monte-Carlo programming and read streams. */
  readonly seed: number | string;
  /** Monte-Carlo trials (independent programmings); 0 = the ideal network only. */
  readonly trials: number;
  /** First trial index (to split trials over workers; trial k's numbers depend only on (seed, k)). Default 0. */
  readonly firstTrial?: number;
  /** Samples per batch (bounds memory). Default 256. */
  readonly batchSize?: number;
  /** Read time after programming in seconds, overriding the arrays' own. */
  readonly readTimeSeconds?: Seconds;
  /** Solve every crossbar as a circuit with its array's wire resistances. Default false. */
  readonly irDrop?: boolean;
}

/** Accuracy and per-node error of a network on a dataset, ideal and over Monte-Carlo trials. */
export interface NetworkEvaluation {
  readonly samples: number;
  readonly trials: number;
  /** Top-1 accuracy (fraction in [0, 1]) of the exact float64 network; undefined without labels. */
  readonly idealAccuracy?: number;
  /** Top-1 accuracy of every trial; undefined without labels or trials. */
  readonly accuracy?: ValueSummary;
  /**
   * Per node (by name, network order), the mean squared difference of its output from the ideal
   * network's (mean over samples and elements), one value per trial.
   */
  readonly nodeMse: ReadonlyMap<string, ValueSummary>;
  /** nodeMse of the node producing the network's first output. */
  readonly outputMse: ValueSummary;
}

/**
 * Evaluates a hardware network on `inputs` (N x inputShape) in batches: the ideal float64 network
 * once, then `trials` Monte-Carlo programmings (trial k programmed and read from streams of (seed,
 * k), see ProgrammedNetwork). With `labels` (one class index per sample) it counts top-1 accuracy of
 * the network's first output. Memory holds one batch of every node's output at a time.
 */
export function evaluateNetwork(hardware: HardwareNetwork, inputs: Tensor, labels: Int32Array | undefined, options: EvaluationOptions): NetworkEvaluation {
  const network = hardware.network;
  const samples = checkNetworkInput(network, inputs);
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a whole number >= 1, got ${batchSize}`);
  if (!(Number.isInteger(options.trials) && options.trials >= 0)) throw new RangeError(`trials must be a whole number >= 0, got ${options.trials}`);
  if (labels) checkLabels(labels, samples);
  const outputNode = network.nodes.find((node) => node.output === network.outputs[0]);
  if (!outputNode) throw new RangeError('the network output is not produced by any node');
  const first = options.firstTrial ?? 0;
  const idealCorrect = labels ? countIdealCorrect(network, inputs, labels, batchSize, outputNode.name) : 0;
  const accuracy = new Float64Array(options.trials);
  const squares = new Map<string, Float64Array>();
  const counts = new Map<string, number>();
  for (const node of network.nodes) {
    squares.set(node.name, new Float64Array(options.trials));
    counts.set(node.name, 0);
  }
  for (let k = 0; k < options.trials; k++) {
    const programmed = ProgrammedNetwork.program(hardware, options.seed, first + k, options.readTimeSeconds, { irDrop: options.irDrop ?? false });
    let correct = 0;
    for (let start = 0; start < samples; start += batchSize) {
      const count = Math.min(batchSize, samples - start);
      const batch = batchSlice(inputs, start, count);
      const ideal = idealNodeOutputs(network, batch);
      const noisy = programmed.run(batch);
      for (const [name, value] of noisy) {
        const reference = ideal.get(name)!.data;
        // one running sum over the whole dataset in sample order: the same bits for any batch size
        let sum = squares.get(name)![k];
        for (let i = 0; i < reference.length; i++) sum += (value.data[i] - reference[i]) ** 2;
        squares.get(name)![k] = sum;
        if (k === 0) counts.set(name, counts.get(name)! + reference.length);
      }
      if (labels) correct += countCorrect(noisy, outputNode.name, labels, start);
    }
    accuracy[k] = correct / samples;
  }
  const nodeMse = new Map<string, ValueSummary>();
  for (const node of network.nodes) {
    const perTrial = squares.get(node.name)!;
    const count = Math.max(1, counts.get(node.name)!);
    for (let k = 0; k < perTrial.length; k++) perTrial[k] /= count;
    nodeMse.set(node.name, summarizeValues(perTrial));
  }
  return {
    samples,
    trials: options.trials,
    ...(labels ? { idealAccuracy: idealCorrect / samples } : {}),
    ...(labels && options.trials > 0 ? { accuracy: summarizeValues(accuracy) } : {}),
    nodeMse,
    outputMse: nodeMse.get(outputNode.name)!,
  };
}

/** Labels must be whole numbers >= 0, one per sample (extra labels are ignored). */
function checkLabels(labels: Int32Array, samples: number): void {
  if (labels.length < samples) throw new RangeError(`${samples} samples need ${samples} labels, got ${labels.length}`);
  for (let i = 0; i < samples; i++) if (labels[i] < 0) throw new RangeError(`label ${i} is ${labels[i]}; labels are class indices >= 0`);
}

function countIdealCorrect(network: Network, inputs: Tensor, labels: Int32Array, batchSize: number, outputName: string): number {
  let correct = 0;
  for (let start = 0; start < inputs.shape[0]; start += batchSize) {
    const count = Math.min(batchSize, inputs.shape[0] - start);
    correct += countCorrect(idealNodeOutputs(network, batchSlice(inputs, start, count)), outputName, labels, start);
  }
  return correct;
}

function countCorrect(outputs: NodeOutputs, outputName: string, labels: Int32Array, start: number): number {
  const predicted = argmaxPerSample(outputs.get(outputName)!);
  let correct = 0;
  for (let b = 0; b < predicted.length; b++) if (predicted[b] === labels[start + b]) correct++;
  return correct;
}
