import { HardwareNetwork, createRng, crossbarConfig, layerStatistics, ALL_SOURCES } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { exampleInputs, exampleMlp } from '../../core/test/analysis-fixtures.js';
import { pcmDevice, rramDevice } from '../src/index.js';

/**
 * Global drift compensation scales a programmed layer by a factor estimated from two noisy reads:
 * its randomness, and its correlation with the layer's own programming error, enter the analytical
 * MSE (packages/core/src/analysis/drift-compensation.ts).
 */
describe('drift compensation noise', () => {
  const network = exampleMlp();
  const input = exampleInputs(16, [64]);
  const hardwareOf = (device: ReturnType<typeof pcmDevice.create>, time: number) => {
    const hardware = HardwareNetwork.create(network, (node) => crossbarConfig({ device, readTimeSeconds: time, driftCompensation: true, dac: { inputRange: node.name === 'fc1' ? 1 : 4 } }));
    hardware.calibrate(input);
    return hardware;
  };

  it.each([
    ['PCM at one day', () => pcmDevice.create({}), 86400],
    ['RRAM with retention spread at 30 days', () => rramDevice.create({ gmin: 1e-6, gmax: 1e-4, drift_coeff: 0.03, drift_sigma: 0.02, sigma_prog: 1e-6, sigma_read: 3e-7 }), 30 * 86400],
  ] as const)('%s: the sampled factor has the predicted relative variance', (_label, device, time) => {
    const layer = hardwareOf(device(), time).mapped.get('fc2')!.groups[0];
    const stats = layerStatistics(layer, ALL_SOURCES);
    const trials = 3000;
    const factors = new Float64Array(trials);
    for (let t = 0; t < trials; t++) factors[t] = layer.program(createRng(8, t, 'program')).driftFactor(time, createRng(8, t, 'read'));
    let mean = 0;
    for (const f of factors) mean += f / trials;
    let variance = 0;
    for (const f of factors) variance += (f - mean) ** 2 / (trials - 1);
    const relative = variance / (mean * mean);
    // the sample variance of 3000 draws is within +-5.2 % (2 SE) of the true one; first order in eps
    if (process.env.XBAR_MSE_LOG) console.log(JSON.stringify({ predictedVariance: stats.compensationNoise?.variance, sampledVariance: relative, predictedMean: stats.compensationNoise?.factor, sampledMean: mean }));
    expect(stats.compensationNoise).toBeDefined();
    expect(Math.abs(stats.compensationNoise!.variance / relative - 1)).toBeLessThan(0.08);
    // and its mean: F0 from E|a_o|, E|b_o| (second-order bias ~ Var(eps) = 0.2 %, SE of the mean 0.08 %)
    expect(Math.abs(mean / stats.compensationNoise!.factor - 1)).toBeLessThan(0.005);
  });
  // the output MSE with 1000 Monte-Carlo trials: compensation-noise.long.test.ts
});
