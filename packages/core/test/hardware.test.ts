import { describe, expect, it } from 'vitest';
import { HardwareNetwork, MseAnalyzer, ProgrammedNetwork, crossbarConfig, gaussianDevice, idealDevice, idealNodeOutputs, networkMonteCarlo } from '../src/index.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';
import { maxAbsDifference } from './helpers.js';

describe('hardware network runner', () => {
  it('equals the float64 network on ideal devices (MLP and CNN)', () => {
    for (const [network, shape] of [[exampleMlp(), [64]], [exampleCnn(), [1, 8, 8]]] as const) {
      const input = exampleInputs(4, shape);
      const hardware = HardwareNetwork.create(network, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), rows: 16, cols: 8, dac: { inputRange: 8 } }));
      const ideal = idealNodeOutputs(network, input);
      const run = hardware.runTrial(input, 1, 0);
      for (const [name, value] of ideal) expect(maxAbsDifference(run.get(name)!.data, value.data)).toBeLessThan(1e-10);
    }
  });

  it('maps grouped convolutions group by group', () => {
    const base = exampleCnn();
    const conv = base.nodes[0];
    if (conv.op !== 'conv2d') throw new Error('fixture');
    const network = { ...base, inputShape: [2, 8, 8], nodes: [{ ...conv, inChannels: 2, groups: 2, weights: { ...conv.weights } }, ...base.nodes.slice(1, 3)], outputs: ['p1'] };
    // 4 output channels, 2 groups of 2: each group's rows take 1 input channel x 3 x 3 = 9 weights
    const input = exampleInputs(3, [2, 8, 8]);
    const hardware = HardwareNetwork.create(network, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), dac: { inputRange: 8 } }));
    expect(hardware.mapped.get('conv1')!.groups.length).toBe(2);
    const ideal = idealNodeOutputs(network, input);
    expect(maxAbsDifference(hardware.runTrial(input, 1, 0).get('pool1')!.data, ideal.get('pool1')!.data)).toBeLessThan(1e-10);
  });

  it('keeps a weight node digital when the spec gives it no config, without moving the other nodes\' streams', () => {
    const network = exampleMlp();
    const input = exampleInputs(4, [64]);
    const config = crossbarConfig({ device: gaussianDevice.create({ gmin: 0, sigma_prog: 1e-6, sigma_read: 1e-6 }), dac: { inputRange: 8 } });
    const all = HardwareNetwork.create(network, config);
    const fc1Digital = HardwareNetwork.create(network, (node) => (node.name === 'fc1' ? undefined : config));
    expect([...fc1Digital.mapped.keys()]).toEqual(['fc2']);
    expect(fc1Digital.mapped.get('fc2')!.weightIndex).toBe(1);
    const ideal = idealNodeOutputs(network, input);
    for (const run of [fc1Digital.runTrial(input, 2, 0), ProgrammedNetwork.program(fc1Digital, 2, 0).run(input)]) {
      // fc1 exact; fc2 programmed and read from the streams it has with fc1 on an array (layer 1)
      expect(Array.from(run.get('fc1')!.data)).toEqual(Array.from(ideal.get('fc1')!.data));
      expect(maxAbsDifference(run.get('fc2')!.data, ideal.get('fc2')!.data)).toBeGreaterThan(0);
    }
    const programmedFc2 = (hardware: HardwareNetwork) => {
      const fc2 = ProgrammedNetwork.program(hardware, 2, 0).programmedNode('fc2')!;
      return fc2.crossbars[0].linearTiles(1, fc2.read)![0].mean;
    };
    expect(Array.from(programmedFc2(fc1Digital))).toEqual(Array.from(programmedFc2(all)));
    expect(() => new MseAnalyzer(fc1Digital)).toThrow(/node 'fc1': the analytical MSE does not propagate moments through a weight node kept digital/);
  });

  it('is reproducible per (seed, trial) and trials split over runs concatenate', () => {
    const network = exampleMlp();
    const input = exampleInputs(4, [64]);
    const hardware = HardwareNetwork.create(network, crossbarConfig({ device: gaussianDevice.create({ gmin: 0, sigma_prog: 1e-6, sigma_read: 1e-6 }), dac: { inputRange: 8 } }));
    const a = hardware.runTrial(input, 5, 3).get('fc2')!.data;
    const b = hardware.runTrial(input, 5, 3).get('fc2')!.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    const whole = networkMonteCarlo(hardware, input, { seed: 5, trials: 4 }).nodes.get('fc2')!.trialMse;
    const tail = networkMonteCarlo(hardware, input, { seed: 5, trials: 2, firstTrial: 2 }).nodes.get('fc2')!.trialMse;
    expect(Array.from(tail)).toEqual(Array.from(whole.subarray(2)));
  });
});
