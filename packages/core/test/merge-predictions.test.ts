import { describe, expect, it } from 'vitest';
import { HardwareNetwork, MseAnalyzer, batchSlice, crossbarConfig, gaussianDevice, mergeMonteCarlo, mergePredictions, networkMonteCarlo } from '../src/index.js';
import { exampleInputs, exampleMlp } from './analysis-fixtures.js';

const network = exampleMlp();
const input = exampleInputs(6, [64]);
const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: gaussianDevice.create({ gmin: 0, gmax: 1e-4, sigma_prog: 2e-6, sigma_read: 1e-6 }), adc: { bits: 7 } }));
hardware.calibrate(input);

describe('merging parts of a batch', () => {
  it('mergePredictions of parts of 1, 2 and 3 samples is the prediction of the whole batch (to rounding)', () => {
    const analyzer = new MseAnalyzer(hardware);
    for (const mode of ['full', 'diagonal'] as const) {
      const whole = analyzer.predict(input, { mode });
      const parts = [[0, 1], [1, 2], [3, 3]].map(([first, count]) => analyzer.predict(batchSlice(input, first, count), { mode }));
      const merged = mergePredictions(parts, [1, 2, 3]);
      expect(merged.output.name).toBe(whole.output.name);
      expect(merged.outputMoments).toHaveLength(6);
      for (const [k, node] of whole.nodes.entries()) {
        expect(merged.nodes[k].name).toBe(node.name);
        expect(Math.abs(merged.nodes[k].mse - node.mse)).toBeLessThanOrEqual(1e-13 * node.mse);
        expect(Math.abs(merged.nodes[k].variance - node.variance)).toBeLessThanOrEqual(1e-13 * node.variance);
      }
    }
    expect(() => mergePredictions([], [])).toThrow(/0 parts/);
  });

  it('mergeMonteCarlo of trial ranges is the same bits as one run', () => {
    const whole = networkMonteCarlo(hardware, input, { seed: 9, trials: 5 });
    const merged = mergeMonteCarlo([networkMonteCarlo(hardware, input, { seed: 9, trials: 2 }), networkMonteCarlo(hardware, input, { seed: 9, trials: 3, firstTrial: 2 })]);
    expect(merged.trials).toBe(5);
    for (const [name, node] of whole.nodes) {
      expect(merged.nodes.get(name)!.mse).toBe(node.mse);
      expect(merged.nodes.get(name)!.ci95).toBe(node.ci95);
    }
  });
});
