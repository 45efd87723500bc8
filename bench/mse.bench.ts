/**
 * Analytical output-MSE prediction (issue 6) against Monte-Carlo on the committed examples
 * (examples/models: the MNIST MLP with its PCA layer, the digits CNN).
 * - Agreement: every error source alone and all together at three noise levels, full covariance,
 *   64 inputs, Monte-Carlo until a +-3 % 95 % CI (time-capped per row; CI shown).
 * - Speed: prediction (layer statistics + propagation over the batch, ideal network included) vs the
 *   Monte-Carlo time a user needs for a +-5 % 95 % CI (trials until the half-width < 5 % of the mean,
 *   at least 10), on 128 inputs (the 64 committed ones twice), for Gaussian devices (fast read path),
 *   RRAM with stuck-at faults (Gaussian read path) and PCM read after one day (cell-by-cell reads,
 *   tabulated moments). Headline `mse_speedup_vs_mc`: full mode (the mode that meets the accuracy
 *   bar), MNIST MLP, PCM at one day; `mse_speedup_vs_mc_min`: the smallest full-mode ratio of the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CrossbarConfig,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  type Tensor,
  crossbarConfig,
  decodeNpy,
  gaussianDevice,
  networkMonteCarlo,
  tensor,
} from '@xbar/core';
import { pcmDevice, rramDevice } from '@xbar/devices-memristor';
import { importOnnx } from '@xbar/onnx';
import { SOURCE_CASE_NAMES, caseHardware, layerInputRanges, repeatBatch } from '../packages/core/test/analysis-configs.js';
import { type BenchSection, markdownTable, sig } from './harness.js';

const LEVELS = [0.001, 0.01, 0.1];
/**
 * Agreement rows: Monte-Carlo until the 95 % CI is within TARGET_CI of the mean, MIN_TRIALS .. ROW_MS
 * per row. Small-noise rows (level <= SMALL_LEVEL, where the prediction must be within 5 %) get a
 * tighter CI and more time, so that "within 5 %" is resolved by the Monte-Carlo, not hidden in its CI.
 */
const TARGET_CI = 0.03;
const ROW_MS = 20000;
const SMALL_LEVEL = 0.001;
const SMALL_TARGET_CI = 0.015;
const SMALL_ROW_MS = 90000;
const MIN_TRIALS = 20;
/** Speed rows: Monte-Carlo time cap before extrapolating (see monteCarloToFivePercent). */
const SPEED_MC_MS = 15000;
const models = join(import.meta.dirname, '..', 'examples', 'models');

function load(name: string): { network: Network; input: Tensor } {
  const network = importOnnx(readFileSync(join(models, name, 'model.onnx'))).network;
  const x = decodeNpy(readFileSync(join(models, name, 'inputs.npy')));
  return { network, input: tensor(x.shape, Float64Array.from(x.data)) };
}

function medianMs(fn: () => void, runs: number): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

/**
 * Monte-Carlo until the 95 % CI half-width of the output MSE is within `relative` of the mean (at least
 * `minTrials`), or until `maxMs` have passed.
 */
function monteCarloTo(
  hardware: HardwareNetwork,
  input: Tensor,
  outputName: string,
  options: { relative: number; minTrials: number; maxMs: number; seed: number },
): { ms: number; trials: number; mse: number; ci95: number } {
  const t0 = performance.now();
  const mc = networkMonteCarlo(hardware, input, {
    seed: options.seed,
    trials: 100000,
    onTrial: (done, perNode) => {
      if (done < options.minTrials) return true;
      if (performance.now() - t0 > options.maxMs) return false;
      const values = perNode.get(outputName)!.subarray(0, done);
      let mean = 0;
      for (const v of values) mean += v;
      mean /= done;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2;
      variance /= done - 1;
      return 1.96 * Math.sqrt(variance / done) > options.relative * mean;
    },
  });
  const node = mc.nodes.get(outputName)!;
  return { ms: performance.now() - t0, trials: mc.trials, mse: node.mse, ci95: node.ci95 };
}

/**
 * Monte-Carlo time to a +-5 % 95 % CI of the output MSE (at least 10 trials). Runs at most SPEED_MC_MS;
 * if the CI is still wider then, the time is extrapolated: trials needed = trials (CI / 5 %)^2 at the
 * measured time per trial (the CI shrinks as 1 / sqrt(trials)).
 */
function monteCarloToFivePercent(hardware: HardwareNetwork, input: Tensor, outputName: string): { ms: number; trials: number; mse: number; extrapolated: boolean } {
  const mc = monteCarloTo(hardware, input, outputName, { relative: 0.05, minTrials: 10, maxMs: SPEED_MC_MS, seed: 13 });
  const relative = mc.ci95 / mc.mse;
  if (relative <= 0.05) return { ms: mc.ms, trials: mc.trials, mse: mc.mse, extrapolated: false };
  const trials = Math.ceil(mc.trials * (relative / 0.05) ** 2);
  return { ms: (mc.ms / mc.trials) * trials, trials, mse: mc.mse, extrapolated: true };
}

/** Progress on stderr (the section runs for minutes). */
function progress(line: string): void {
  process.stderr.write(`  mse: ${line}\n`);
}

const DEVICES: { label: string; config: (inputRange: number) => CrossbarConfig }[] = [
  {
    label: 'Gaussian (all sources, level 0.01)',
    config: (inputRange) =>
      crossbarConfig({
        device: gaussianDevice.create({ gmin: 0, gmax: 1e-4, levels: 513, sigma_prog: 1e-6, sigma_read: 1e-6 }),
        dac: { inputRange, bits: 9, noiseRelative: 0.01 },
        adc: { bits: 9, noiseRelative: 0.01 },
      }),
  },
  {
    label: 'RRAM, 0.1 % stuck-at-0 and -1, read noise',
    config: (inputRange) => crossbarConfig({ device: rramDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 1e-6, sigma_read: 5e-7, rate_sa0: 1e-3, rate_sa1: 1e-3 }), dac: { inputRange } }),
  },
  {
    label: 'PCM at 1 day, drift compensated (cell-by-cell reads)',
    config: (inputRange) => crossbarConfig({ device: pcmDevice.create({}), dac: { inputRange }, readTimeSeconds: 86400, driftCompensation: true }),
  },
];

const section: BenchSection = {
  id: 'mse',
  title: 'Analytical MSE prediction vs Monte-Carlo (issue 6)',
  run() {
    const examples = [
      ['MNIST MLP', load('mnist-mlp-pca')],
      ['digits CNN', load('digits-cnn')],
    ] as const;
    // agreement
    const rows: (string | number)[][] = [];
    let worst = 0;
    let worstSmall = 0;
    for (const [label, { network, input }] of examples) {
      const outputName = network.nodes.at(-1)!.name;
      for (const level of LEVELS) {
        for (const source of SOURCE_CASE_NAMES) {
          const started = performance.now();
          const hardware = caseHardware(network, input, source, level);
          const analyzer = new MseAnalyzer(hardware);
          const full = analyzer.predict(input, { mode: 'full' }).output.mse;
          const diagonal = analyzer.predict(input, { mode: 'diagonal' }).output.mse;
          const small = level <= SMALL_LEVEL;
          const mc = monteCarloTo(hardware, input, outputName, {
            relative: small ? SMALL_TARGET_CI : TARGET_CI,
            minTrials: MIN_TRIALS,
            maxMs: small ? SMALL_ROW_MS : ROW_MS,
            seed: 11,
          });
          const error = (full - mc.mse) / mc.mse;
          if (small) worstSmall = Math.max(worstSmall, Math.abs(error));
          progress(`${label} ${source} ${level}: ${mc.trials} trials, MC ${(mc.ms / 1000).toFixed(1)} s, row ${((performance.now() - started) / 1000).toFixed(1)} s`);
          worst = Math.max(worst, Math.abs(error));
          rows.push([label, source, level, sig(full, 4), sig(diagonal, 4), `${sig(mc.mse, 4)} +- ${sig((100 * mc.ci95) / mc.mse, 2)} %`, mc.trials, `${(100 * error).toFixed(1)} %`, `${((100 * (diagonal - mc.mse)) / mc.mse).toFixed(1)} %`]);
        }
      }
    }
    // speed
    const speedRows: (string | number)[][] = [];
    let headline = 0;
    let smallest = Infinity;
    for (const [label, example] of examples) {
      const input = repeatBatch(example.input, 128);
      const network = example.network;
      const outputName = network.nodes.at(-1)!.name;
      const ranges = layerInputRanges(network, input);
      for (const device of DEVICES) {
        const hardware = HardwareNetwork.create(network, (_node, k) => device.config(ranges[k]));
        hardware.calibrate(input);
        const runs = device.label.startsWith('PCM') ? 3 : 5;
        let diagonalMse = 0;
        let fullMse = 0;
        const diagonalMs = medianMs(() => (diagonalMse = new MseAnalyzer(hardware).predict(input, { mode: 'diagonal' }).output.mse), runs);
        const fullMs = medianMs(() => (fullMse = new MseAnalyzer(hardware).predict(input, { mode: 'full' }).output.mse), 1);
        const mc = monteCarloToFivePercent(hardware, input, outputName);
        progress(`${label} ${device.label}: diag ${diagonalMs.toFixed(0)} ms, full ${fullMs.toFixed(0)} ms, MC ${mc.trials} trials ${(mc.ms / 1000).toFixed(1)} s`);
        const speedup = mc.ms / diagonalMs;
        if (label === 'MNIST MLP' && device === DEVICES[2]) headline = mc.ms / fullMs;
        smallest = Math.min(smallest, mc.ms / fullMs);
        speedRows.push([
          label,
          device.label,
          sig(diagonalMs, 3),
          sig(fullMs, 3),
          mc.extrapolated ? `${mc.trials} (extrapolated)` : mc.trials,
          sig(mc.ms, 4),
          sig(speedup, 3),
          sig(mc.ms / fullMs, 3),
          `${((100 * (diagonalMse - mc.mse)) / mc.mse).toFixed(1)} % / ${((100 * (fullMse - mc.mse)) / mc.mse).toFixed(1)} %`,
        ]);
      }
    }
    const markdown = [
      `Agreement: committed examples, 64 inputs; Monte-Carlo per row until its 95 % CI (relative to the mean) is within ${100 * TARGET_CI} % (at least ${MIN_TRIALS} trials, at most ${ROW_MS / 1000} s: the CNN's shared-kernel rows may stop there), and at level ${SMALL_LEVEL} (small noise, where the target is 5 %) within ${100 * SMALL_TARGET_CI} % (at most ${SMALL_ROW_MS / 1000} s). Largest |error| at level ${SMALL_LEVEL}: \`mse_rel_error_max_small_noise\`. Levels: noise std relative to Gmax (device) or to full scale (periphery); quantizers have clamp(round(-log2 level) + 2, 4, 12) bits; DAC ranges per layer from the ideal activations. Relative errors of the full-covariance and the diagonal prediction.`,
      '',
      markdownTable(['net', 'source', 'level', 'predicted (full)', 'predicted (diag)', 'Monte-Carlo', 'MC trials', 'error full', 'error diag'], rows),
      '',
      'Speed: 128 inputs. Prediction = new MseAnalyzer (layer statistics, device moments) + predict, ms (median); Monte-Carlo = trials until the 95 % CI is within +-5 % of the mean (at least 10). MC trials marked extrapolated: the Monte-Carlo ran 15 s and the time to +-5 % is extrapolated from its CI (CI ~ 1 / sqrt(trials)). Headline `mse_speedup_vs_mc` = full mode, MNIST MLP, PCM at 1 day; `mse_speedup_vs_mc_min` = the smallest full-mode ratio in the table. The last column: error of diag / full vs that Monte-Carlo estimate (its own CI is +-5 %).',
      '',
      markdownTable(['net', 'devices', 'diag ms', 'full ms', 'MC trials to +-5 %', 'MC ms', 'speedup diag', 'speedup full', 'error diag / full'], speedRows),
    ].join('\n');
    return { markdown, results: { mse_speedup_vs_mc: headline, mse_speedup_vs_mc_min: smallest, mse_rel_error_max: worst, mse_rel_error_max_small_noise: worstSmall } };
  },
};

export default section;
