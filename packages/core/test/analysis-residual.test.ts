import { describe, expect, it } from 'vitest';
import { HardwareNetwork, MseAnalyzer, type Network, type Tensor, networkMonteCarlo } from '../src/index.js';
import { sourceCases } from './analysis-configs.js';
import { exampleInputs, exampleResidualCnn, exampleResidualMlp } from './analysis-fixtures.js';

/**
 * Residual additions: the branch's error is correlated with the skip's (both grow from the error of
 * the fork value), so the sum's variance is not the sum of the variances. Prediction vs Monte-Carlo
 * at every add and at the output, full mode.
 */
function compare(network: Network, input: Tensor, source: string, level: number, trials: number) {
  const c = sourceCases(level).find((s) => s.source === source)!;
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(k === 0 ? 1 : 8));
  hardware.calibrate(input);
  const predicted = new MseAnalyzer(hardware).predict(input, { mode: 'full' });
  const mc = networkMonteCarlo(hardware, input, { seed: 5, trials });
  return network.nodes
    .filter((node) => node.op === 'add' || node === network.nodes.at(-1))
    .map((node) => ({ name: node.name, predicted: predicted.nodes.find((p) => p.name === node.name)!.mse, mc: mc.nodes.get(node.name)!.mse, ci95: mc.nodes.get(node.name)!.ci95 }));
}

for (const [label, build, shape] of [
  ['residual MLP', exampleResidualMlp, [32]],
  ['residual CNN (two blocks)', exampleResidualCnn, [1, 8, 8]],
] as const) {
  describe(`${label}: predicted vs Monte-Carlo`, () => {
    const network = build();
    const input = exampleInputs(16, shape);
    it.each([
      ['programming', 0.03],
      ['read', 0.03],
      ['inputNoise', 0.03],
      ['all', 0.01],
    ] as const)('%s at level %s', (source, level) => {
      for (const r of compare(network, input, source, level, 150)) {
        if (process.env.XBAR_MSE_LOG) console.log(label, source, r.name, ((100 * (r.predicted - r.mc)) / r.mc).toFixed(1), '% +-', ((100 * r.ci95) / r.mc).toFixed(1));
        expect(Math.abs(r.predicted - r.mc), r.name).toBeLessThanOrEqual(0.05 * r.mc + r.ci95);
      }
    });
  });
}
