import { type NetworkEvaluation, type ValueSummary, evaluateNetwork, summarizeValues } from '@xbar/core';
import { runtimeError } from '../errors.js';
import type { TrialRange } from './ranges.js';
import type { MetricRequest } from './evaluate.js';
import type { BuiltWorkload } from '../build/workload.js';

/**
 * The per-trial numbers of a range of Monte-Carlo trials of one workload: each trial's accuracy (with
 * labels) and each node's output MSE, in trial order. Plain data, so it crosses worker threads.
 */
export interface TrialValues {
  readonly samples: number;
  /** Ideal (float64) accuracy; undefined without labels. */
  readonly idealAccuracy: number | undefined;
  /** Accuracy of every trial of the range; undefined without labels. */
  readonly accuracy: Float64Array | undefined;
  /** Output MSE of every trial, per node in network order. */
  readonly nodeMse: readonly Float64Array[];
}

/**
 * Evaluates trials [range.first, range.first + range.count) of `request` on the built workload. Trial
 * k's numbers depend only on (seed, k), so any split of the trials gives the same per-trial values.
 */
export function evaluateTrialRange(built: BuiltWorkload, request: MetricRequest, range: TrialRange): TrialValues {
  let evaluation: NetworkEvaluation;
  try {
    evaluation = evaluateNetwork(built.hardware, built.inputs, request.labels, {
      seed: request.seed,
      trials: range.count,
      firstTrial: range.first,
      irDrop: request.mode === 'ir',
      ...(request.readTimeSeconds !== undefined ? { readTimeSeconds: request.readTimeSeconds } : {}),
    });
  } catch (error) {
    throw runtimeError(`evaluating the workload failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    samples: evaluation.samples,
    idealAccuracy: evaluation.idealAccuracy,
    accuracy: request.labels ? (evaluation.accuracy?.values ?? new Float64Array(0)) : undefined,
    nodeMse: built.network.nodes.map((node) => evaluation.nodeMse.get(node.name)!.values),
  };
}

/**
 * The evaluation of all trials from the values of consecutive ranges (in trial order): the per-trial
 * values concatenated, then summarized, so the statistics are the same bits as one run of all trials.
 */
export function mergeTrialValues(built: BuiltWorkload, parts: readonly TrialValues[]): NetworkEvaluation {
  if (parts.length === 0) throw new Error('mergeTrialValues needs at least one range');
  const [first] = parts;
  const nodeMse = new Map<string, ValueSummary>();
  built.network.nodes.forEach((node, n) => nodeMse.set(node.name, summarizeValues(concat(parts.map((part) => part.nodeMse[n])))));
  const trials = parts.reduce((sum, part) => sum + part.nodeMse[0].length, 0);
  const accuracy = first.accuracy !== undefined && trials > 0 ? summarizeValues(concat(parts.map((part) => part.accuracy!))) : undefined;
  return {
    samples: first.samples,
    trials,
    ...(first.idealAccuracy !== undefined ? { idealAccuracy: first.idealAccuracy } : {}),
    ...(accuracy ? { accuracy } : {}),
    nodeMse,
    outputMse: nodeMse.get(built.outputNode)!,
  };
}

function concat(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
