import { HardwareNetwork, MseAnalyzer, type Network, type Tensor, networkMonteCarlo } from '../src/index.js';
import { sourceCases } from './analysis-configs.js';

/**
 * Residual additions: the branch's error is correlated with the skip's (both grow from the error of
 * the fork value), so the sum's variance is not the sum of the variances. Prediction vs Monte-Carlo
 * at every add and at the output, full mode.
 */
export function compareResidual(network: Network, input: Tensor, source: string, level: number, trials: number) {
  const c = sourceCases(level).find((s) => s.source === source)!;
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(k === 0 ? 1 : 8));
  hardware.calibrate(input);
  const predicted = new MseAnalyzer(hardware).predict(input, { mode: 'full' });
  const mc = networkMonteCarlo(hardware, input, { seed: 5, trials });
  return network.nodes
    .filter((node) => node.op === 'add' || node === network.nodes.at(-1))
    .map((node) => ({ name: node.name, predicted: predicted.nodes.find((p) => p.name === node.name)!.mse, mc: mc.nodes.get(node.name)!.mse, ci95: mc.nodes.get(node.name)!.ci95 }));
}

