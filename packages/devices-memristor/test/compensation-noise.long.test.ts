import { HardwareNetwork, MseAnalyzer, crossbarConfig, networkMonteCarlo } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { exampleInputs, exampleMlp } from '../../core/test/analysis-fixtures.js';
import { pcmDevice } from '../src/index.js';

/** The drift compensation factor's randomness in the analytical MSE, checked on the output against 1000 Monte-Carlo trials. */
describe('drift compensation noise', () => {
  const network = exampleMlp();
  const input = exampleInputs(16, [64]);
  const hardwareOf = (device: ReturnType<typeof pcmDevice.create>, time: number) => {
    const hardware = HardwareNetwork.create(network, (node) => crossbarConfig({ device, readTimeSeconds: time, driftCompensation: true, dac: { inputRange: node.name === 'fc1' ? 1 : 4 } }));
    hardware.calibrate(input);
    return hardware;
  };

  it('PCM at one day: the output MSE with the factor noise agrees with Monte-Carlo (was -3.6 % without it)', () => {
    const hardware = hardwareOf(pcmDevice.create({}), 86400);
    const predicted = new MseAnalyzer(hardware).predict(input).output.mse;
    const mc = networkMonteCarlo(hardware, input, { seed: 17, trials: 1000 }).nodes.get('fc2')!;
    if (process.env.XBAR_MSE_LOG) console.log(JSON.stringify({ predicted, mc: mc.mse, ci95: mc.ci95, error: (predicted - mc.mse) / mc.mse }));
    expect(Math.abs(predicted - mc.mse)).toBeLessThanOrEqual(0.01 * mc.mse + mc.ci95);
  });
});
