import { type Rng, createRng } from '../random/rng.js';
import type { Matrix } from '../tensor/matrix.js';
import type { Seconds } from '../units.js';
import type { CrossbarLayer } from './crossbar-layer.js';

/**
 * The random streams of Monte-Carlo trial `trial`: programming and reading, derived from (seed,
 * trial) alone, so a trial gives the same numbers whichever worker runs it and in whatever order.
 */
function trialStreams(seed: number | string, trial: number): { program: Rng; read: Rng } {
  return { program: createRng(seed, 'trial', trial, 'program'), read: createRng(seed, 'trial', trial, 'read') };
}

/** Programs the layer for trial `trial` and runs the batch `x` on it at `timeSeconds`. */
export function runTrial(layer: CrossbarLayer, x: Matrix, seed: number | string, trial: number, timeSeconds?: Seconds): Matrix {
  const streams = trialStreams(seed, trial);
  return layer.program(streams.program).forward(x, streams.read, timeSeconds);
}

/** Mean squared error of each Monte-Carlo trial's outputs against the reference outputs. */
export interface MonteCarloResult {
  /** MSE of every trial, mean over vectors and outputs. */
  readonly trialMse: Float64Array;
  /** Mean of `trialMse`. */
  readonly mse: number;
  /** Half width of the 95 % confidence interval of `mse` (normal approximation over trials). */
  readonly ci95: number;
}

/**
 * Runs trials [firstTrial, firstTrial + trials) and returns the MSE of each against `reference`
 * (by default the layer's ideal output). Trials can be split over workers by `firstTrial`: the
 * concatenated `trialMse` arrays are identical to a single run.
 */
export function monteCarloMse(
  layer: CrossbarLayer,
  x: Matrix,
  options: { seed: number | string; trials: number; firstTrial?: number; timeSeconds?: Seconds; reference?: Matrix },
): MonteCarloResult {
  const reference = options.reference ?? layer.idealForward(x);
  const first = options.firstTrial ?? 0;
  const trialMse = new Float64Array(options.trials);
  for (let k = 0; k < options.trials; k++) {
    const y = runTrial(layer, x, options.seed, first + k, options.timeSeconds);
    let sum = 0;
    for (let i = 0; i < y.data.length; i++) {
      const d = y.data[i] - reference.data[i];
      sum += d * d;
    }
    trialMse[k] = sum / y.data.length;
  }
  let mean = 0;
  for (const value of trialMse) mean += value;
  mean /= Math.max(1, trialMse.length);
  let variance = 0;
  for (const value of trialMse) variance += (value - mean) ** 2;
  variance /= Math.max(1, trialMse.length - 1);
  return { trialMse, mse: mean, ci95: 1.96 * Math.sqrt(variance / Math.max(1, trialMse.length)) };
}
