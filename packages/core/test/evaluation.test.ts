import { describe, expect, it } from 'vitest';
import {
  type Network,
  HardwareNetwork,
  ProgrammedNetwork,
  crossbarConfig,
  createRng,
  evaluateNetwork,
  gaussianDevice,
  idealDevice,
  matrix,
  runNetwork,
  summarizeValues,
  tensor,
} from '../src/index.js';

/** A 6-8-3 MLP with seeded weights, and labelled inputs whose labels are its own ideal argmax for the first half. */
function fixture(samples: number): { network: Network; inputs: ReturnType<typeof tensor>; labels: Int32Array } {
  const rng = createRng(11, 'evaluation-fixture');
  const w1 = matrix(8, 6);
  const w2 = matrix(3, 8);
  rng.fillNormal(w1.data);
  rng.fillNormal(w2.data);
  const network: Network = {
    inputName: 'x',
    inputShape: [6],
    nodes: [
      { op: 'dense', name: 'fc1', inputs: ['x'], output: 'h', weights: w1, bias: new Float64Array(8).fill(0.1) },
      { op: 'relu', name: 'relu1', inputs: ['h'], output: 'a' },
      { op: 'dense', name: 'fc2', inputs: ['a'], output: 'y', weights: w2, bias: new Float64Array(3) },
    ],
    outputs: ['y'],
  };
  const inputs = tensor([samples, 6]);
  rng.fillUniform(inputs.data);
  const [y] = runNetwork(network, inputs);
  const labels = new Int32Array(samples);
  for (let b = 0; b < samples; b++) {
    let best = 0;
    for (let o = 1; o < 3; o++) if (y.data[b * 3 + o] > y.data[b * 3 + best]) best = o;
    labels[b] = b < samples / 2 ? best : (best + 1) % 3;
  }
  return { network, inputs, labels };
}

const noisy = crossbarConfig({ device: gaussianDevice.create({ gmin: 0, sigma_prog: 3e-6, rel_read: 0.02 }), rows: 4, cols: 4 });

describe('network evaluation (accuracy and per-node MSE over Monte-Carlo trials)', () => {
  it('counts ideal top-1 accuracy and gives zero error on ideal devices', () => {
    const { network, inputs, labels } = fixture(40);
    const hardware = HardwareNetwork.create(network, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), rows: 4, cols: 4, dac: { inputRange: 100 } }));
    const result = evaluateNetwork(hardware, inputs, labels, { seed: 1, trials: 2, batchSize: 7 });
    expect(result.idealAccuracy).toBe(0.5);
    expect(result.accuracy!.mean).toBe(0.5);
    expect(result.accuracy!.std).toBe(0);
    expect(result.outputMse.max).toBeLessThan(1e-24);
    expect([...result.nodeMse.keys()]).toEqual(['fc1', 'relu1', 'fc2']);
  });

  it('does not depend on the batch size, and trial k depends only on (seed, k)', () => {
    const { network, inputs, labels } = fixture(30);
    const hardware = HardwareNetwork.create(network, noisy);
    const whole = evaluateNetwork(hardware, inputs, labels, { seed: 4, trials: 3, batchSize: 30 });
    const split = evaluateNetwork(hardware, inputs, labels, { seed: 4, trials: 3, batchSize: 4 });
    expect(Array.from(split.outputMse.values)).toEqual(Array.from(whole.outputMse.values));
    expect(Array.from(split.accuracy!.values)).toEqual(Array.from(whole.accuracy!.values));
    const tail = evaluateNetwork(hardware, inputs, labels, { seed: 4, trials: 1, firstTrial: 2 });
    expect(tail.outputMse.values[0]).toBe(whole.outputMse.values[2]);
    expect(whole.outputMse.mean).toBeGreaterThan(0);
    const other = evaluateNetwork(hardware, inputs, labels, { seed: 5, trials: 3 });
    expect(other.outputMse.values[0]).not.toBe(whole.outputMse.values[0]);
  });

  it('runs a programmed trial like HardwareNetwork.runTrial for one batch', () => {
    const { network, inputs } = fixture(12);
    const hardware = HardwareNetwork.create(network, noisy);
    const reference = hardware.runTrial(inputs, 9, 2).get('fc2')!.data;
    const programmed = ProgrammedNetwork.program(hardware, 9, 2).run(inputs).get('fc2')!.data;
    expect(Array.from(programmed)).toEqual(Array.from(reference));
  });

  it('summarizes per-trial values', () => {
    const s = summarizeValues(Float64Array.from([1, 2, 3, 6]));
    expect(s.mean).toBe(3);
    expect(s.std).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect([s.min, s.max]).toEqual([1, 6]);
    expect(summarizeValues(Float64Array.from([0.1, 0.1, 0.1])).std).toBe(0);
  });

  it('refuses missing or negative labels', () => {
    const { network, inputs } = fixture(5);
    const hardware = HardwareNetwork.create(network, noisy);
    expect(() => evaluateNetwork(hardware, inputs, new Int32Array(3), { seed: 1, trials: 1 })).toThrow(/5 samples need 5 labels/);
    expect(() => evaluateNetwork(hardware, inputs, Int32Array.from([0, 1, -1, 0, 0]), { seed: 1, trials: 1 })).toThrow(/label 2 is -1/);
  });
});
