/**
 * Analytical output-MSE prediction (issue 6) against Monte-Carlo on the same hardware network: the
 * example MLP (64-32-10) and CNN (conv-relu-maxpool-dense, 8x8 inputs) of the agreement tests, every
 * error source alone and all together over a noise sweep. Speed: the prediction (diagonal and full
 * covariance, layer statistics included) against the Monte-Carlo time needed for a +-5 % 95 %
 * confidence interval, trials run until the CI half-width is within 5 % of the mean.
 */
import { HardwareNetwork, MseAnalyzer, type Network, type Tensor, idealNodeOutputs, networkMonteCarlo } from '@xbar/core';
import { sourceCases } from '../packages/core/test/analysis-configs.js';
import { exampleCnn, exampleInputs, exampleMlp } from '../packages/core/test/analysis-fixtures.js';
import { type BenchSection, markdownTable, sig } from './harness.js';

const LEVELS = [0.001, 0.01, 0.1];
const SOURCES = ['quantization', 'programming', 'read', 'dac', 'adc', 'inputNoise', 'outputNoise', 'all'];
const BATCH = 32;
const TRIALS = 200;

function build(network: Network, source: string, level: number, input: Tensor): HardwareNetwork {
  const c = sourceCases(level).find((s) => s.source === source)!;
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(k === 0 ? 1 : 8));
  hardware.calibrateAdc(input);
  return hardware;
}

function medianMs(fn: () => void, runs = 7): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

const section: BenchSection = {
  id: 'mse',
  title: 'Analytical MSE prediction vs Monte-Carlo (issue 6)',
  async run() {
    const rows: (string | number)[][] = [];
    let worst = 0;
    const speedRows: (string | number)[][] = [];
    let speedup = Infinity;
    for (const [label, network, shape] of [
      ['MLP', exampleMlp(), [64]],
      ['CNN', exampleCnn(), [1, 8, 8]],
    ] as const) {
      const input = exampleInputs(BATCH, shape);
      const outputName = network.nodes.at(-1)!.name;
      for (const level of LEVELS) {
        for (const source of SOURCES) {
          const hardware = build(network, source, level, input);
          const analyzer = new MseAnalyzer(hardware);
          const full = analyzer.predict(input, { mode: 'full' }).output.mse;
          const diagonal = analyzer.predict(input, { mode: 'diagonal' }).output.mse;
          const mc = networkMonteCarlo(hardware, input, { seed: 11, trials: TRIALS }).nodes.get(outputName)!;
          const error = (full - mc.mse) / mc.mse;
          worst = Math.max(worst, Math.abs(error));
          rows.push([label, source, level, sig(full, 4), sig(diagonal, 4), `${sig(mc.mse, 4)} +- ${sig(mc.ci95, 2)}`, `${(100 * error).toFixed(1)} %`, `${(100 * (diagonal - mc.mse) / mc.mse).toFixed(1)} %`]);
        }
      }
      // speed: all sources at the medium level
      const hardware = build(network, 'all', 0.01, input);
      const ideal = idealNodeOutputs(network, input);
      const diagonalMs = medianMs(() => new MseAnalyzer(hardware).predict(input, { mode: 'diagonal', ideal }));
      const fullMs = medianMs(() => new MseAnalyzer(hardware).predict(input, { mode: 'full', ideal }), 3);
      const t0 = performance.now();
      const mc = networkMonteCarlo(hardware, input, {
        seed: 13,
        trials: 100000,
        ideal,
        onTrial: (done, perNode) => {
          if (done < 10) return true;
          const values = perNode.get(outputName)!.subarray(0, done);
          let mean = 0;
          for (const v of values) mean += v;
          mean /= done;
          let variance = 0;
          for (const v of values) variance += (v - mean) ** 2;
          variance /= done - 1;
          return 1.96 * Math.sqrt(variance / done) > 0.05 * mean;
        },
      });
      const mcMs = performance.now() - t0;
      speedup = Math.min(speedup, mcMs / diagonalMs);
      speedRows.push([label, sig(diagonalMs, 3), sig(fullMs, 3), mc.trials, sig(mcMs, 4), sig(mcMs / diagonalMs, 3), sig(mcMs / fullMs, 3)]);
    }
    const markdown = [
      `Batch of ${BATCH} inputs, ${TRIALS} Monte-Carlo trials per row (95 % CI shown). Levels: noise std relative to Gmax (device) or to full scale (periphery); quantizers have clamp(round(-log2 level) + 2, 4, 12) bits. Relative errors of the full-covariance and the diagonal prediction.`,
      '',
      markdownTable(['net', 'source', 'level', 'predicted (full)', 'predicted (diag)', 'Monte-Carlo', 'error full', 'error diag'], rows),
      '',
      'Speed (all sources, level 0.01): prediction time in ms (layer statistics + propagation over the batch) vs the Monte-Carlo time to a +-5 % CI.',
      '',
      markdownTable(['net', 'diag ms', 'full ms', 'MC trials to +-5 %', 'MC ms', 'speedup diag', 'speedup full'], speedRows),
    ].join('\n');
    return { markdown, results: { mse_speedup_vs_mc: speedup, mse_rel_error_max: worst } };
  },
};

export default section;
