import { HardwareNetwork, MseAnalyzer, crossbarConfig, idealNodeOutputs, networkMonteCarlo } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { exampleInputs, exampleResidualCnn } from '../../core/test/analysis-fixtures.js';
import { pcmDevice } from '../src/index.js';

/**
 * Adjoint mode with global drift compensation: the factor's noise is shared by every output of a
 * programmed layer (a rank-one term at the tail start) and correlated with its programming error.
 * PCM read one day after programming, the two-block residual CNN (tail start: its average pool).
 */
describe('adjoint mode with drift compensation (PCM at one day)', () => {
  it('agrees with full mode and with Monte-Carlo (120 trials, seed 3) at the pool and the output', () => {
    const network = exampleResidualCnn();
    const input = exampleInputs(8, [1, 8, 8]);
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: pcmDevice.create({}), readTimeSeconds: 86400, driftCompensation: true, dac: { inputRange: 4 } }));
    hardware.calibrate(input);
    const ideal = idealNodeOutputs(network, input);
    const analyzer = new MseAnalyzer(hardware);
    const adjoint = analyzer.predict(input, { mode: 'adjoint', tailMaxValues: 64, ideal });
    const full = analyzer.predict(input, { mode: 'full', ideal });
    expect(adjoint.method).toEqual({ mode: 'adjoint', tailStart: 'pool' });
    const mc = networkMonteCarlo(hardware, input, { seed: 3, trials: 120, ideal });
    for (const name of ['pool', 'fc']) {
      const predicted = adjoint.nodes.find((node) => node.name === name)!.mse;
      const exact = full.nodes.find((node) => node.name === name)!.mse;
      const sampled = mc.nodes.get(name)!;
      if (process.env.XBAR_MSE_LOG) console.log(name, JSON.stringify({ adjoint: predicted, full: exact, mc: sampled.mse, ci95: sampled.ci95 }));
      expect(Math.abs(predicted - exact)).toBeLessThanOrEqual(0.06 * exact);
      expect(Math.abs(predicted - sampled.mse)).toBeLessThanOrEqual(0.1 * sampled.mse + sampled.ci95);
    }
  });
});
