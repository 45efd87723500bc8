import { describe, expect, it } from 'vitest';
import { type CrossbarOptions, HardwareNetwork, MseAnalyzer, type Network, type Tensor, crossbarConfig, gaussianDevice, networkMonteCarlo } from '../src/index.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';

/**
 * Hardware layouts the source-by-source tests do not reach: the offset scheme (a shared reference
 * column per tile), layers spanning several row tiles with an ADC per tile (16-row arrays: the
 * 64-input layers of the fixtures span 4 row tiles), and both together. Full mode against
 * Monte-Carlo (fixed seeds).
 */
function agreement(network: Network, input: Tensor, options: Omit<CrossbarOptions, 'device'> & { device: Record<string, number> }, trials: number) {
  const hardware = HardwareNetwork.create(network, (node) =>
    crossbarConfig({ ...options, device: gaussianDevice.create({ gmin: 0, gmax: 1e-4, ...options.device }), dac: { ...options.dac, inputRange: node.name === 'fc1' || node.name === 'conv1' ? 1 : 4 } }),
  );
  hardware.calibrate(input);
  const analyzer = new MseAnalyzer(hardware);
  const full = analyzer.predict(input, { mode: 'full' }).output.mse;
  const diagonal = analyzer.predict(input, { mode: 'diagonal' }).output.mse;
  const mc = networkMonteCarlo(hardware, input, { seed: 21, trials }).nodes.get(network.nodes.at(-1)!.name)!;
  if (process.env.XBAR_MSE_LOG) console.log(JSON.stringify({ full, diagonal, mc: mc.mse, ci95: mc.ci95, err: (full - mc.mse) / mc.mse }));
  return { full, diagonal, mc: mc.mse, ci95: mc.ci95 };
}

const offset = { scheme: 'offset' as const };

describe('offset scheme: the shared reference column (full mode vs Monte-Carlo)', () => {
  it.each([
    ['programming', { sigma_prog: 2e-6 }],
    ['read', { sigma_read: 2e-6 }],
  ] as const)('MLP, %s noise, 8 columns per tile', (_label, device) => {
    const r = agreement(exampleMlp(), exampleInputs(16, [64]), { device, mapping: offset, cols: 8 }, 100);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.1 * r.mc + r.ci95);
    // the shared reference correlates the outputs of a column tile: diagonal mode misses it
    expect(r.diagonal).toBeLessThan(r.full);
  });

  it('CNN, programming and read noise', () => {
    const r = agreement(exampleCnn(), exampleInputs(16, [1, 8, 8]), { device: { sigma_prog: 2e-6, sigma_read: 2e-6 }, mapping: offset }, 100);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.1 * r.mc + r.ci95);
  });
});

describe('ADC per row tile (16-row arrays: 4 row tiles per 64-input layer)', () => {
  it('is exact when the partial sums are deterministic (ADC alone)', () => {
    const r = agreement(exampleMlp(), exampleInputs(16, [64]), { device: {}, rows: 16, adc: { bits: 6 } }, 2);
    expect(r.ci95).toBeLessThan(1e-12 * r.mc);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(1e-6 * r.mc);
    expect(Math.abs(r.diagonal - r.mc)).toBeLessThanOrEqual(1e-6 * r.mc);
  });

  it.each([
    ['small noise', 3e-8, 0.05],
    ['noise near the code size', 3e-7, 0.1],
  ] as const)('with read noise (%s), differential and offset', (_label, sigma, tolerance) => {
    for (const mapping of [{ scheme: 'differential' as const }, offset]) {
      const r = agreement(exampleMlp(), exampleInputs(16, [64]), { device: { sigma_read: sigma }, rows: 16, adc: { bits: 6 }, mapping }, 60);
      expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(tolerance * r.mc + r.ci95);
    }
  });
});
