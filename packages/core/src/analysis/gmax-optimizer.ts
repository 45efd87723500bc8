import type { CrossbarConfig } from '../crossbar/config.js';
import { HardwareNetwork } from '../hardware/hardware-network.js';
import type { Network } from '../network/graph.js';
import type { Tensor } from '../network/tensor.js';
import type { Siemens, Watts } from '../units.js';
import type { CovarianceMode } from './activation-moments.js';
import { arrayReadPower } from './power.js';
import { MseAnalyzer } from './predict.js';
import { ALL_SOURCES, type ErrorSources } from './sources.js';

/** The hardware of weight node `layerIndex` (order among weight nodes) with its device's gmax set to `gmaxSiemens`. */
export type GmaxConfigFactory = (layerIndex: number, gmaxSiemens: Siemens) => CrossbarConfig;

export interface GmaxOptimizerOptions {
  readonly network: Network;
  /** The batch the MSE and the power are averaged over (ADCs are calibrated on it). */
  readonly input: Tensor;
  readonly config: GmaxConfigFactory;
  /** Gmax every layer is probed at (siemens). */
  readonly referenceGmax: Siemens;
  /** Total read power allowed (watts). */
  readonly budgetWatts: Watts;
  /** Allowed Gmax range (siemens); default [referenceGmax / 10, referenceGmax * 10]. */
  readonly bounds?: readonly [Siemens, Siemens];
  readonly sources?: ErrorSources;
  readonly mode?: CovarianceMode;
  readonly feedbackOhms?: number;
}

/** One per-layer Gmax choice, with its predicted output MSE and total power (both recomputed on the real hardware). */
export interface GmaxChoice {
  readonly gmax: readonly Siemens[];
  readonly predictedMse: number;
  readonly powerWatts: Watts;
}

export interface GmaxOptimizerResult {
  readonly optimized: GmaxChoice;
  /** The uniform Gmax spending the same budget. */
  readonly uniform: GmaxChoice;
  /** The fitted separable model: MSE = floor + sum_l noise_l / g_l^2, power = sum_l (linear_l g_l + quadratic_l g_l^2). */
  readonly model: { readonly floor: number; readonly noise: readonly number[]; readonly linear: readonly number[]; readonly quadratic: readonly number[] };
}

/** Hardware with per-layer Gmax, ADCs calibrated on the batch. */
export function hardwareWithGmax(network: Network, input: Tensor, config: GmaxConfigFactory, gmax: readonly Siemens[]): HardwareNetwork {
  const hardware = HardwareNetwork.create(network, (_node, k) => config(k, gmax[k]));
  hardware.calibrate(input);
  return hardware;
}

/**
 * Per-layer Gmax minimizing the predicted output MSE under a total power budget.
 *
 * Model (fitted from the analytical engine, deterministic): device noise of absolute size gives a
 * weight-unit variance proportional to 1 / Gmax^2, so MSE(g) = floor + sum_l N_l / g_l^2 with N_l
 * from one extra prediction per layer (layer l at 2 g_ref, the others at g_ref); the power of layer l
 * is a_l g + b_l g^2 (array dissipation, transimpedance) from `arrayReadPower` at g_ref and 2 g_ref.
 * KKT: 2 N_l / g_l^3 = lambda (a_l + 2 b_l g_l) per layer (g_l clipped to the bounds), lambda by
 * bisection so that the total power equals the budget. The uniform reference solves
 * sum_l (a_l g + b_l g^2) = budget. Both choices are then re-evaluated on their own hardware.
 */
export function optimizeGmax(options: GmaxOptimizerOptions): GmaxOptimizerResult {
  const { network, input, config, referenceGmax: g0, budgetWatts } = options;
  const sources = options.sources ?? ALL_SOURCES;
  const mode = options.mode ?? 'diagonal';
  const [low, high] = options.bounds ?? [g0 / 10, g0 * 10];
  const layers = HardwareNetwork.create(network, (_node, k) => config(k, g0)).weightNodes().length;
  const evaluate = (gmax: readonly Siemens[]) => {
    const hardware = hardwareWithGmax(network, input, config, gmax);
    const mse = new MseAnalyzer(hardware, sources).predict(input, { mode }).output.mse;
    const power = arrayReadPower(hardware, input, { feedbackOhms: options.feedbackOhms });
    return { mse, power };
  };
  const reference = Array.from({ length: layers }, () => g0);
  const base = evaluate(reference);
  const noise: number[] = [];
  const linear: number[] = [];
  const quadratic: number[] = [];
  for (let l = 0; l < layers; l++) {
    const doubled = reference.map((g, k) => (k === l ? 2 * g : g));
    const probe = evaluate(doubled);
    // N / g0^2 - N / (4 g0^2) = base - probe
    noise.push(Math.max(0, ((base.mse - probe.mse) * 4 * g0 * g0) / 3));
    // P(g) = a g + b g^2 from P(g0) and P(2 g0)
    const p1 = base.power.layers[l].watts;
    const p2 = probe.power.layers[l].watts;
    const b = Math.max(0, (p2 - 2 * p1) / (2 * g0 * g0));
    linear.push(Math.max(0, (p1 - b * g0 * g0) / g0));
    quadratic.push(b);
  }
  const floor = base.mse - noise.reduce((sum, n) => sum + n / (g0 * g0), 0);
  const powerOf = (gmax: readonly number[]) => gmax.reduce((sum, g, l) => sum + linear[l] * g + quadratic[l] * g * g, 0);
  const gmaxAt = (lambda: number): number[] =>
    noise.map((n, l) => {
      // solve 2 n / g^3 = lambda (a + 2 b g) for g in [low, high]: the left falls, the right rises
      const excess = (g: number) => 2 * n - lambda * g * g * g * (linear[l] + 2 * quadratic[l] * g);
      if (excess(low) <= 0) return low;
      if (excess(high) >= 0) return high;
      let a = low;
      let b = high;
      for (let it = 0; it < 100; it++) {
        const mid = Math.sqrt(a * b);
        if (excess(mid) > 0) a = mid;
        else b = mid;
      }
      return Math.sqrt(a * b);
    });
  // lambda: power falls as lambda grows; bisect on log lambda
  let lo = -200;
  let hi = 200;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (powerOf(gmaxAt(Math.exp(mid))) > budgetWatts) lo = mid;
    else hi = mid;
  }
  const optimizedGmax = gmaxAt(Math.exp(hi));
  const a = linear.reduce((s, v) => s + v, 0);
  const b = quadratic.reduce((s, v) => s + v, 0);
  const uniformG = Math.min(high, Math.max(low, b > 0 ? (-a + Math.sqrt(a * a + 4 * b * budgetWatts)) / (2 * b) : budgetWatts / a));
  const uniformGmax = reference.map(() => uniformG);
  const choice = (gmax: number[]): GmaxChoice => {
    const r = evaluate(gmax);
    return { gmax, predictedMse: r.mse, powerWatts: r.power.totalWatts };
  };
  return { optimized: choice(optimizedGmax), uniform: choice(uniformGmax), model: { floor, noise, linear, quadratic } };
}
