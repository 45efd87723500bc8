import { describe, expect, it } from 'vitest';
import { MomentCache, arrayReadPower, crossbarConfig, gaussianDevice, hardwareWithGmax, networkMonteCarlo, optimizeGmax } from '../src/index.js';
import { layerInputRanges } from './analysis-configs.js';
import { exampleInputs, exampleMlp } from './analysis-fixtures.js';

const network = exampleMlp();
const input = exampleInputs(32, [64]);
const ranges = layerInputRanges(network, input);
const config = (k: number, g: number) =>
  crossbarConfig({ device: gaussianDevice.create({ gmin: 0, gmax: g, sigma_prog: 2e-6, sigma_read: 1e-6 }), dac: { inputRange: ranges[k] } });
const G0 = 5e-5;

describe('array read power', () => {
  it('array term scales as Gmax, transimpedance term as Gmax^2', () => {
    const p1 = arrayReadPower(hardwareWithGmax(network, input, config, [G0, G0]), input);
    const p2 = arrayReadPower(hardwareWithGmax(network, input, config, [2 * G0, 2 * G0]), input);
    expect(p2.arrayWatts / p1.arrayWatts).toBeCloseTo(2, 10);
    expect(p2.transimpedanceWatts / p1.transimpedanceWatts).toBeCloseTo(4, 10);
    expect(p1.totalWatts).toBeCloseTo(p1.arrayWatts + p1.transimpedanceWatts, 15);
  });
});

describe('per-layer Gmax optimizer', () => {
  it('beats the best uniform Gmax at equal power, confirmed by Monte-Carlo', () => {
    const budget = arrayReadPower(hardwareWithGmax(network, input, config, [G0, G0]), input).totalWatts;
    const r = optimizeGmax({ network, input, config, referenceGmax: G0, budgetWatts: budget });
    expect(r.optimized.powerWatts).toBeLessThanOrEqual(budget * 1.001);
    expect(Math.abs(r.uniform.powerWatts - budget)).toBeLessThan(1e-3 * budget);
    expect(r.optimized.predictedMse).toBeLessThan(r.uniform.predictedMse);
    const mc = (gmax: readonly number[]) => networkMonteCarlo(hardwareWithGmax(network, input, config, gmax), input, { seed: 3, trials: 60 }).nodes.get('fc2')!;
    const optimized = mc(r.optimized.gmax);
    const uniform = mc(r.uniform.gmax);
    // non-overlapping 95 % intervals, and each prediction within its MC CI + 10 %
    expect(optimized.mse + optimized.ci95).toBeLessThan(uniform.mse - uniform.ci95);
    expect(Math.abs(r.optimized.predictedMse - optimized.mse)).toBeLessThan(0.1 * optimized.mse + optimized.ci95);
    expect(Math.abs(r.uniform.predictedMse - uniform.mse)).toBeLessThan(0.1 * uniform.mse + uniform.ci95);
  });
});

describe('moment table of continuous devices', () => {
  it('interpolates the Gaussian device moments (polynomial in the target) to rounding', () => {
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.02 });
    const table = new MomentCache(device, 1, 33);
    for (const target of [1e-6, 3.3e-6, 5.07e-5, 9.99e-5, 1e-4]) {
      const exact = device.moments(target, 1);
      const got = table.get(target);
      expect(Math.abs(got.mean - exact.mean)).toBeLessThan(1e-12 * exact.mean + 1e-20);
      expect(Math.abs(got.variance - exact.variance)).toBeLessThan(1e-9 * exact.variance);
      expect(Math.abs(got.readVariance - exact.readVariance)).toBeLessThan(1e-9 * exact.readVariance + 1e-30);
    }
  });
});
