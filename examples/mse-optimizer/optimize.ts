/**
 * Per-layer Gmax under a power budget on the committed MNIST MLP (examples/models/mnist-mlp-pca):
 * the budget is the read power of every layer at Gmax = 50 uS; the optimizer's choice and the best
 * uniform Gmax at the same power are both checked by Monte-Carlo.
 *   npx tsx --conditions=@xbar/source examples/mse-optimizer/optimize.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrayReadPower, crossbarConfig, decodeNpy, gaussianDevice, hardwareWithGmax, networkMonteCarlo, optimizeGmax, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';

const folder = join(import.meta.dirname, '..', 'models', 'mnist-mlp-pca');
const network = importOnnx(readFileSync(join(folder, 'model.onnx'))).network;
const x = decodeNpy(readFileSync(join(folder, 'inputs.npy')));
const input = tensor(x.shape, Float64Array.from(x.data));
// absolute device noise (siemens): its weight-unit variance falls as 1 / Gmax^2
const config = (_layer: number, gmax: number) =>
  crossbarConfig({ device: gaussianDevice.create({ gmin: 0, gmax, sigma_prog: 1e-6, sigma_read: 1e-6 }), dac: { inputRange: 16 } });
const reference = 50e-6;
const layers = 3;
const budget = arrayReadPower(hardwareWithGmax(network, input, config, Array(layers).fill(reference)), input).totalWatts;
const t0 = performance.now();
const result = optimizeGmax({ network, input, config, referenceGmax: reference, budgetWatts: budget, bounds: [5e-6, 500e-6], mode: 'full' });
const seconds = (performance.now() - t0) / 1000;
const outputName = network.nodes.at(-1)!.name;
console.log(`budget ${(budget * 1e3).toPrecision(4)} mW (every layer at 50 uS), optimizer ${seconds.toFixed(2)} s`);
for (const [label, choice] of [['optimized', result.optimized], ['uniform', result.uniform]] as const) {
  const mc = networkMonteCarlo(hardwareWithGmax(network, input, config, choice.gmax), input, { seed: 1, trials: 200 }).nodes.get(outputName)!;
  console.log(
    `${label.padEnd(9)} Gmax ${choice.gmax.map((g) => `${(g * 1e6).toFixed(1)} uS`).join(', ')}; power ${(choice.powerWatts * 1e3).toPrecision(4)} mW; ` +
      `predicted MSE ${choice.predictedMse.toPrecision(4)}; Monte-Carlo ${mc.mse.toPrecision(4)} +- ${mc.ci95.toPrecision(2)} (200 trials)`,
  );
}
