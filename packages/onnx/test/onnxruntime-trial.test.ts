/**
 * Hardware trials on ONNX Runtime (OnnxRuntimeTrial) against the reference engine
 * (ProgrammedNetwork): both program the cells from the same streams, so without read noise they
 * must give the same outputs to float32 rounding (every mapping scheme, row and column tiles, DAC,
 * drift compensation, wire resistance); with read and output noise, the same distribution (means
 * and variances over repeated reads of one input). Configurations it cannot run are named.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CrossbarConfig, HardwareNetwork, type MappingScheme, type Network, ProgrammedNetwork, type Tensor, crossbarConfig, decodeNpy, gaussianDevice, tensor } from '@xbar/core';
import { rramDevice } from '@xbar/devices-memristor';
import { describe, expect, it } from 'vitest';
import { OnnxRuntimeTrial, onnxRuntimeTrialSupport } from '../src/engine/index.js';
import { decodeOnnxModel, importOnnx, importOnnxModel } from '../src/index.js';
import { NODE_TESTS, dataSets, loadTensor, withConstantInputs } from './conformance-cases.js';

const root = join(import.meta.dirname, '..', '..', '..');
const digits = importOnnx(readFileSync(join(root, 'examples', 'models', 'digits-cnn', 'model.onnx'))).network;
/** The digits CNN up to its logits (a softmax's heavy-tailed probabilities make poor variance estimates). */
const logits: Network = { ...digits, nodes: digits.nodes.slice(0, -1), outputs: [digits.nodes.at(-2)!.output] };
const saved = decodeNpy(readFileSync(join(root, 'examples', 'models', 'digits-cnn', 'inputs.npy')));

function samples(network: Network, count: number): Tensor {
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  return tensor([count, ...network.inputShape], Float64Array.from(saved.data.subarray(0, count * size), Math.fround));
}

/** One sample repeated `count` times: every copy is a fresh read of the same programmed cells. */
function copies(network: Network, count: number): Tensor {
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  return tensor([count, ...network.inputShape], Float64Array.from({ length: count * size }, (_, i) => Math.fround(saved.data[size + (i % size)])));
}

/** Small arrays: the digits CNN's layers span several row and column tiles. */
function arrays(scheme: MappingScheme, device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6 }), extra: Partial<Parameters<typeof crossbarConfig>[0]> = {}): CrossbarConfig {
  return crossbarConfig({ device, rows: 40, cols: 12, mapping: { scheme, statesPerCell: 4, cellsPerWeight: 2 }, dac: { bits: 6 }, ...extra });
}

async function bothEngines(hardware: HardwareNetwork, input: Tensor, trial = 0, irDrop = false): Promise<{ ours: Tensor; reference: Tensor }> {
  hardware.calibrate(input);
  const engine = await OnnxRuntimeTrial.create(hardware, 7, trial, { irDrop });
  try {
    const [ours] = await engine.run(input);
    const outputNode = hardware.network.nodes.find((node) => node.output === hardware.network.outputs[0])!.name;
    const reference = ProgrammedNetwork.program(hardware, 7, trial, undefined, { irDrop }).run(input).get(outputNode)!;
    return { ours, reference };
  } finally {
    await engine.release();
  }
}

function largestDifference(a: Tensor, b: Tensor): { worst: number; scale: number } {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return { worst, scale };
}

describe('OnnxRuntimeTrial = ProgrammedNetwork without read noise (float32 tolerance)', () => {
  it.each(['differential', 'offset', 'nary'] as const)('%s mapping, tiles of 40 x 12, 6-bit DAC', async (scheme) => {
    const { ours, reference } = await bothEngines(HardwareNetwork.create(digits, arrays(scheme)), samples(digits, 16));
    expect(ours.shape).toEqual(reference.shape);
    const { worst, scale } = largestDifference(ours, reference);
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it.each([
    ['a depthwise-separable CNN with squeeze-excite (groups of one channel)', join(import.meta.dirname, 'fixtures', 'pytorch', 'mobile-se.onnx')],
    ['the example transformer encoder (dense layers on [batch, tokens, features])', join(root, 'examples', 'models', 'fashion-transformer', 'model.onnx')],
  ])('%s', async (_name, path) => {
    const network = importOnnx(readFileSync(path)).network;
    const size = network.inputShape.reduce((a, b) => a * b, 1);
    const input = tensor([3, ...network.inputShape], Float64Array.from({ length: 3 * size }, (_, i) => Math.fround(Math.sin(i * 0.37))));
    const { ours, reference } = await bothEngines(HardwareNetwork.create(network, arrays('differential')), input);
    const { worst, scale } = largestDifference(ours, reference);
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it('an 8-bit ADC: float32 moves at most a few conversions by one code (the logits)', async () => {
    const { ours, reference } = await bothEngines(HardwareNetwork.create(logits, arrays('differential', undefined, { adc: { bits: 8 } })), samples(logits, 16));
    const { worst, scale } = largestDifference(ours, reference);
    let far = 0;
    for (let i = 0; i < ours.data.length; i++) if (Math.abs(ours.data[i] - reference.data[i]) > 1e-4 * scale) far++;
    // a conversion flips only when a current lies within float32 rounding of a code boundary (none at this seed);
    // one flip moves a logit by one code of its tile, about 1 % of its range
    expect(far / ours.data.length).toBeLessThanOrEqual(0.01);
    expect(worst / scale).toBeLessThan(0.02);
  });

  it('drift compensation: the same factor from the same read stream (RRAM retention, no read noise)', async () => {
    const device = rramDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 1e-6, drift_coeff: 0.02, drift_sigma: 0.01 });
    const hardware = HardwareNetwork.create(digits, arrays('differential', device, { driftCompensation: true, readTimeSeconds: 3600 * 24 }));
    const { ours, reference } = await bothEngines(hardware, samples(digits, 8));
    const { worst, scale } = largestDifference(ours, reference);
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it('wire resistance: the tiles as their effective conductance maps, one read per programming as the reference reads them', async () => {
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.02 });
    const hardware = HardwareNetwork.create(digits, arrays('differential', device, { wires: { rowSegmentOhms: 5, columnSegmentOhms: 5, sourceOhms: 0, senseOhms: 0 } }));
    const { ours, reference } = await bothEngines(hardware, samples(digits, 8), 0, true);
    const { worst, scale } = largestDifference(ours, reference);
    expect(worst / scale).toBeLessThan(1e-4);
    // and the wires matter: without them the outputs differ far beyond float32 rounding
    const { ours: unwired } = await bothEngines(hardware, samples(digits, 8), 0, false);
    expect(largestDifference(unwired, reference).worst / scale).toBeGreaterThan(1e-3);
  });
});

// without a DAC resolution: a hidden state within float32 rounding of a code boundary would flip its code, and carry the flip through the later steps
describe('OnnxRuntimeTrial on recurrent layers (a Scan over the steps, the arrays read at every step) = ProgrammedNetwork without read noise or DAC codes', () => {
  const pytorch = (name: string) => join(import.meta.dirname, 'fixtures', 'pytorch', `${name}.onnx`);
  const backendCases = ['lstm_defaults', 'lstm_with_initial_bias', 'lstm_with_peepholes', 'lstm_batchwise', 'gru_defaults', 'gru_seq_length', 'gru_with_initial_bias', 'gru_batchwise', 'simple_rnn_defaults', 'simple_rnn_batchwise', 'rnn_seq_length'];
  const recurrentModels: [string, () => { network: Network; input: Tensor }][] = [
    ...['lstm-last-hidden', 'gru-sequence', 'rnn-relu'].map((name): [string, () => { network: Network; input: Tensor }] => [
      `PyTorch's ${name}`,
      () => {
        const network = importOnnx(readFileSync(pytorch(name))).network;
        const size = network.inputShape.reduce((a, b) => a * b, 1);
        return { network, input: tensor([3, ...network.inputShape], Float64Array.from({ length: 3 * size }, (_, i) => Math.fround(Math.sin(i * 0.37)))) };
      },
    ]),
    ...backendCases.filter(() => existsSync(NODE_TESTS)).map((name): [string, () => { network: Network; input: Tensor }] => [
      `ONNX's ${name}`,
      () => {
        const folder = join(NODE_TESTS, `test_${name}`);
        const [set] = dataSets(folder);
        const network = importOnnxModel(withConstantInputs(decodeOnnxModel(readFileSync(join(folder, 'model.onnx'))), set.inputs)).network;
        const given = loadTensor(set.inputs[0]);
        return { network, input: tensor(given.dims, Float64Array.from(given.values, Math.fround)) };
      },
    ]),
  ];

  it.each(recurrentModels)('%s', async (_name, load) => {
    const { network, input } = load();
    const hardware = HardwareNetwork.create(network, arrays('differential', undefined, { dac: { bits: 0 } }));
    expect(onnxRuntimeTrialSupport(hardware)).toEqual([]);
    const { ours, reference } = await bothEngines(hardware, input);
    expect(ours.shape).toEqual(reference.shape);
    const { worst, scale } = largestDifference(ours, reference);
    expect(worst / scale).toBeLessThan(1e-5);
  });
});

describe('OnnxRuntimeTrial read and output noise: the reference engine\'s distribution', () => {
  /** Per-output mean and variance over the batch (copies of one input). */
  function moments(y: Tensor): { mean: number[]; variance: number[] } {
    const [count, outputs] = y.shape;
    const mean = Array.from({ length: outputs }, (_, o) => {
      let sum = 0;
      for (let b = 0; b < count; b++) sum += y.data[b * outputs + o];
      return sum / count;
    });
    const variance = mean.map((m, o) => {
      let sum = 0;
      for (let b = 0; b < count; b++) sum += (y.data[b * outputs + o] - m) ** 2;
      return sum / (count - 1);
    });
    return { mean, variance };
  }

  /** Per output over `count` reads: means within 5 standard errors, variances within 30 percent, and the reads vary. */
  function expectSameDistribution(ours: Tensor, reference: Tensor, count: number): void {
    const a = moments(ours);
    const b = moments(reference);
    a.mean.forEach((mean, o) => {
      // the difference of two means of `count` draws: standard error sqrt((va + vb) / count)
      expect(Math.abs(mean - b.mean[o])).toBeLessThan(5 * Math.sqrt((a.variance[o] + b.variance[o]) / count));
      // a ratio of two sample variances of 2000 draws has a relative standard error of about sqrt(4 / 2000) = 4.5 % (Gaussian): 30 % is over 5 of them
      expect(a.variance[o] / b.variance[o]).toBeGreaterThan(0.7);
      expect(a.variance[o] / b.variance[o]).toBeLessThan(1 / 0.7);
    });
    // the noise is there: the reads vary
    expect(Math.min(...a.variance)).toBeGreaterThan(0);
  }

  it.each(['differential', 'offset'] as const)('%s mapping, 5 percent read noise and ADC output noise: logits with means within 5 standard errors, variances within 30 percent', async (scheme) => {
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.05 });
    const count = 2000;
    const { ours, reference } = await bothEngines(HardwareNetwork.create(logits, arrays(scheme, device, { adc: { bits: 0, noiseRelative: 0.002 } })), copies(logits, count));
    expectSameDistribution(ours, reference, count);
  });

  it('a recurrent layer reads fresh noise at every step: an RNN\'s outputs with the reference engine\'s means and variances (5 standard errors, 30 percent)', async () => {
    const network = importOnnx(readFileSync(join(import.meta.dirname, 'fixtures', 'pytorch', 'rnn-relu.onnx'))).network;
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.05 });
    const count = 2000;
    const size = network.inputShape.reduce((a, b) => a * b, 1);
    const one = Array.from({ length: size }, (_, i) => Math.fround(Math.sin(i * 0.37)));
    const input = tensor([count, ...network.inputShape], Float64Array.from({ length: count * size }, (_, i) => one[i % size]));
    const { ours, reference } = await bothEngines(HardwareNetwork.create(network, arrays('differential', device, { dac: { bits: 0 } })), input);
    expectSameDistribution(ours, reference, count);
  });

  it('same seed, same bits; another trial, other programming', async () => {
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.05 });
    const hardware = HardwareNetwork.create(digits, arrays('differential', device));
    const input = samples(digits, 4);
    hardware.calibrate(input);
    const run = async (trial: number) => {
      const engine = await OnnxRuntimeTrial.create(hardware, 3, trial);
      const [first] = await engine.run(input);
      const [second] = await engine.run(input);
      await engine.release();
      return { first, second };
    };
    const [a, b, c] = [await run(0), await run(0), await run(1)];
    expect(Array.from(a.first.data)).toEqual(Array.from(b.first.data));
    expect(Array.from(a.second.data)).toEqual(Array.from(b.second.data));
    // the stream goes on: a second batch reads fresh noise
    expect(Array.from(a.second.data)).not.toEqual(Array.from(a.first.data));
    expect(Array.from(c.first.data)).not.toEqual(Array.from(a.first.data));
  });
});

describe('OnnxRuntimeTrial support', () => {
  it('names what it cannot run: bit-serial and noisy DACs, nonlinear cells', () => {
    const bitSerial = HardwareNetwork.create(digits, arrays('differential', undefined, { dac: { bits: 4, bitSerial: true } }));
    expect(onnxRuntimeTrialSupport(bitSerial).join('; ')).toMatch(/bit-serial DAC/);
    const noisy = HardwareNetwork.create(digits, arrays('differential', undefined, { dac: { bits: 6, noiseRelative: 0.01 } }));
    expect(onnxRuntimeTrialSupport(noisy).join('; ')).toMatch(/DAC input noise/);
    const nonlinear = HardwareNetwork.create(digits, arrays('differential', rramDevice.create({ iv_v0: 0.3 })));
    expect(onnxRuntimeTrialSupport(nonlinear).join('; ')).toMatch(/nonlinear cells/);
    expect(onnxRuntimeTrialSupport(HardwareNetwork.create(digits, arrays('offset')))).toEqual([]);
  });

});
