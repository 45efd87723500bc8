import { type DeviceInstance, type NetworkEvaluation, type Seconds, type Tensor, evaluateNetwork } from '@xbar/core';
import type { MvmMode, Workload } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { RunContext } from './context.js';
import type { Cell } from './results.js';
import { type BuiltWorkload, buildWorkload, percent } from '../build/workload.js';

/** What one metric evaluation needs. */
export interface MetricRequest {
  readonly workload: Workload;
  readonly inputs: Tensor;
  readonly labels?: Int32Array;
  readonly mode: MvmMode;
  /** Monte-Carlo programmings (ignored for mode=ideal). */
  readonly runs: number;
  readonly seed: number;
  readonly readTimeSeconds?: Seconds;
  /** Replaces every layer's device (for `.compare`). */
  readonly device?: DeviceInstance;
}

/** The workload evaluated: ideal, then `runs` programmings (none for mode=ideal). */
export function evaluateWorkload(ctx: RunContext, request: MetricRequest): { built: BuiltWorkload; evaluation: NetworkEvaluation } {
  const built = buildWorkload(ctx, request.workload, request.inputs, { ...(request.device ? { device: request.device } : {}) });
  try {
    const evaluation = evaluateNetwork(built.hardware, built.inputs, request.labels, {
      seed: request.seed,
      trials: request.mode === 'ideal' ? 0 : request.runs,
      irDrop: request.mode === 'ir',
      ...(request.readTimeSeconds !== undefined ? { readTimeSeconds: request.readTimeSeconds } : {}),
    });
    return { built, evaluation };
  } catch (error) {
    throw runtimeError(`evaluating the workload failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Column names of a metric's statistics over runs. */
export function metricColumns(metric: 'mse' | 'accuracy'): string[] {
  return metric === 'accuracy'
    ? ['ideal_acc_pct', 'acc_mean_pct', 'acc_std_pct', 'acc_ci95_pct', 'acc_min_pct', 'acc_max_pct']
    : ['mse_mean', 'mse_std', 'mse_ci95', 'mse_min', 'mse_max'];
}

/**
 * The metric's statistics over runs: accuracy in percent (ideal first), or the output MSE against the
 * ideal network; `*_ci95` is the half width of the 95 % confidence interval of the mean (Student's t;
 * NaN with one run). With no runs (mode=ideal) the statistics are the ideal network's (MSE 0).
 */
export function metricCells(metric: 'mse' | 'accuracy', evaluation: NetworkEvaluation): Cell[] {
  if (metric === 'accuracy') {
    const ideal = percent(evaluation.idealAccuracy ?? Number.NaN);
    const a = evaluation.accuracy;
    return a ? [ideal, percent(a.mean), percent(a.std), percent(a.ci95), percent(a.min), percent(a.max)] : [ideal, ideal, 0, 0, ideal, ideal];
  }
  const m = evaluation.outputMse;
  return evaluation.trials > 0 ? [m.mean, m.std, m.ci95, m.min, m.max] : [0, 0, 0, 0, 0];
}

/** Mean MSE over runs of every weight layer's output (before its activation), then the network output. */
export function layerMseColumns(built: BuiltWorkload): string[] {
  return [...built.layerNames.map((name) => `mse_${name}`), 'mse_output'];
}

export function layerMseCells(built: BuiltWorkload, evaluation: NetworkEvaluation): Cell[] {
  const mean = (name: string) => (evaluation.trials > 0 ? evaluation.nodeMse.get(name)!.mean : 0);
  return [...built.layerNames.map(mean), mean(built.outputNode)];
}

/** Standard deviation over runs of the MSE of every weight layer's output, then the network output. */
export function layerMseStdColumns(built: BuiltWorkload): string[] {
  return [...built.layerNames.map((name) => `mse_std_${name}`), 'mse_std_output'];
}

export function layerMseStdCells(built: BuiltWorkload, evaluation: NetworkEvaluation): Cell[] {
  const std = (name: string) => (evaluation.trials > 0 ? evaluation.nodeMse.get(name)!.std : 0);
  return [...built.layerNames.map(std), std(built.outputNode)];
}

/** Labels for a metric: required for accuracy; must cover the inputs. */
export function metricLabels(ctx: RunContext, metric: 'mse' | 'accuracy', labels: string | undefined, samples: number, card: string): Int32Array | undefined {
  if (metric !== 'accuracy') return undefined;
  if (labels === undefined) throw runtimeError(`${card}: metric=accuracy needs labels=`);
  const values = ctx.labels(labels);
  if (values.length < samples) throw runtimeError(`${card}: ${samples} inputs but only ${values.length} labels in '${labels}'`);
  return values;
}
