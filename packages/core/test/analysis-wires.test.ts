import { describe, expect, it } from 'vitest';
import { ALL_SOURCES, HardwareNetwork, MseAnalyzer, type MsePrediction, type Network, crossbarConfig, matrix, gaussianDevice, idealNodeOutputs, networkMonteCarlo, onlySource, sourcesOf } from '../src/index.js';
import { wiredRefusal } from '../src/analysis/wired-noise.js';
import { hardwareWithSources } from '../src/hardware/with-sources.js';
import { layerInputRanges } from './analysis-configs.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';

// The analytical MSE of arrays with wire resistance (the `wires` source) against the Monte-Carlo of the
// same hardware solved as circuits (irDrop): the 64-32-10 MLP on 64 x 64 arrays with 2 ohm segments
// (strong IR drop: the far cells see about half their row voltage), cells 10-100 uS so that no read
// goes below 0 S (the circuit solve clips those, which the prediction does not model).

const network = exampleMlp();
const input = exampleInputs(8, [64]);
const ideal = idealNodeOutputs(network, input);
const WIRES = { rowSegmentOhms: 2, columnSegmentOhms: 2, sourceOhms: 5, senseOhms: 5 };

function hardware(scheme: 'differential' | 'offset', noisy: boolean, rows = 64): HardwareNetwork {
  const ranges = layerInputRanges(network, input);
  const device = gaussianDevice.create({ gmin: 10e-6, gmax: 100e-6, ...(noisy ? { sigma_prog: 3e-6, sigma_read: 1e-6 } : {}) });
  const built = HardwareNetwork.create(network, (_node, k) =>
    crossbarConfig({
      device,
      rows,
      cols: 72,
      mapping: { scheme },
      dac: { inputRange: ranges[k], ...(noisy ? { noiseRelative: 0.01 } : {}) },
      adc: noisy ? { bits: rows < 64 ? 0 : 8, noiseRelative: 0.005 } : {},
      wires: WIRES,
    }),
  );
  built.calibrate(input);
  return built;
}

const mseOf = (prediction: MsePrediction, name: string) => prediction.nodes.find((node) => node.name === name)!.mse;

describe('the analytical MSE with wire resistance', () => {
  it('wires alone (no noise): the IR drop is deterministic and the prediction is the circuit, to rounding', () => {
    const wired = hardware('differential', false);
    const prediction = new MseAnalyzer(wired, onlySource('wires')).predict(input, { mode: 'full', ideal });
    const mc = networkMonteCarlo(hardwareWithSources(wired, onlySource('wires')), input, { seed: 1, trials: 2, ideal, irDrop: true });
    for (const name of ['fc1', 'fc2']) {
      expect(mseOf(prediction, name)).toBeGreaterThan(1e-3);
      expect(Math.abs(mseOf(prediction, name) / mc.nodes.get(name)!.mse - 1)).toBeLessThan(1e-9);
    }
    // and with ideal wires it is 0: the wires are the error
    expect(mseOf(new MseAnalyzer(wired, sourcesOf(['programming'])).predict(input, { mode: 'full', ideal }), 'fc2')).toBeLessThan(1e-20);
  });

  // measured (XBAR_MSE_LOG=1; seed 5, 400 trials), full / diagonal / MC +- 95 % CI / full without wires,
  // fc1 and the output: differential 0.03184 / 0.03184 / 0.03199 +- 0.00049 / 0.01957, 0.03553 / 0.03554 /
  // 0.03560 +- 0.00108 / 0.03138; offset 0.3266 / 0.3266 / 0.3244 +- 0.0104 / 0.0768, 0.2573 / 0.2595 /
  // 0.2463 +- 0.0096 / 0.1246
  for (const scheme of ['differential', 'offset'] as const) {
    it(`${scheme} mapping, every source: full and diagonal mode agree with the circuit Monte-Carlo (400 trials)`, () => {
      const wired = hardware(scheme, true);
      const analyzer = new MseAnalyzer(wired);
      const full = analyzer.predict(input, { mode: 'full', ideal });
      const diagonal = analyzer.predict(input, { mode: 'diagonal', ideal });
      const mc = networkMonteCarlo(wired, input, { seed: 5, trials: 400, ideal, irDrop: true });
      const unwired = new MseAnalyzer(wired, { ...ALL_SOURCES, wires: false }).predict(input, { mode: 'full', ideal });
      for (const name of ['fc1', 'fc2']) {
        const sampled = mc.nodes.get(name)!;
        if (process.env.XBAR_MSE_LOG) console.log(scheme, name, mseOf(full, name), mseOf(diagonal, name), sampled.mse, sampled.ci95, mseOf(unwired, name));
        // the CI is about 0.3 %; the rest is the first-order model (the mean of the circuit of noisy cells is not the circuit of the mean cells)
        expect(Math.abs(mseOf(full, name) - sampled.mse)).toBeLessThan(2 * sampled.ci95 + 0.01 * sampled.mse);
        // the wires are most of the error: a prediction without them is far off
      }
      // the wires are a large part of the error: a prediction without them is far off
      expect(mseOf(unwired, 'fc1')).toBeLessThan(0.7 * mc.nodes.get('fc1')!.mse);
      expect(Math.abs(mseOf(diagonal, 'fc1') / mseOf(full, 'fc1') - 1)).toBeLessThan(1e-9);
    });
  }

  it('two row tiles (32-row arrays, no ADC): the tiles sum, each through its own circuit', () => {
    const wired = hardware('differential', true, 32);
    const full = new MseAnalyzer(wired).predict(input, { mode: 'full', ideal });
    const mc = networkMonteCarlo(wired, input, { seed: 6, trials: 300, ideal, irDrop: true });
    // measured: fc1 0.02246 vs 0.02259 +- 0.00048, output 0.03160 vs 0.03183 +- 0.00119
    for (const name of ['fc1', 'fc2']) {
      const sampled = mc.nodes.get(name)!;
      if (process.env.XBAR_MSE_LOG) console.log('row tiles', name, mseOf(full, name), sampled.mse, sampled.ci95);
      expect(Math.abs(mseOf(full, name) - sampled.mse)).toBeLessThan(2 * sampled.ci95 + 0.01 * sampled.mse);
    }
  });

  it('a CNN with every layer wired (the same cells at every position): full mode agrees with the circuit Monte-Carlo (300 trials)', () => {
    const cnn = exampleCnn();
    const images = exampleInputs(6, [1, 8, 8]);
    const ranges = layerInputRanges(cnn, images);
    const device = gaussianDevice.create({ gmin: 10e-6, gmax: 100e-6, sigma_prog: 3e-6, sigma_read: 1e-6 });
    const wired = HardwareNetwork.create(cnn, (_node, k) => crossbarConfig({ device, rows: 64, cols: 32, dac: { inputRange: ranges[k] }, adc: { bits: 8 }, wires: { ...WIRES, rowSegmentOhms: 20, columnSegmentOhms: 20 } }));
    wired.calibrate(images);
    const cnnIdeal = idealNodeOutputs(cnn, images);
    const analyzer = new MseAnalyzer(wired);
    const full = analyzer.predict(images, { mode: 'full', ideal: cnnIdeal });
    const diagonal = analyzer.predict(images, { mode: 'diagonal', ideal: cnnIdeal });
    const unwired = new MseAnalyzer(wired, { ...ALL_SOURCES, wires: false }).predict(images, { mode: 'full', ideal: cnnIdeal });
    const mc = networkMonteCarlo(wired, images, { seed: 8, trials: 300, ideal: cnnIdeal, irDrop: true });
    // measured (XBAR_MSE_LOG=1), full / diagonal / MC +- CI / full without wires: conv1 0.00969 / 0.00969 /
    // 0.00941 +- 0.00051 / 0.00838; fc 0.1663 / 0.1661 / 0.1671 +- 0.0023 / 0.0233
    for (const name of ['conv1', 'fc']) {
      const sampled = mc.nodes.get(name)!;
      if (process.env.XBAR_MSE_LOG) console.log('cnn', name, mseOf(full, name), mseOf(diagonal, name), sampled.mse, sampled.ci95, mseOf(unwired, name));
      expect(Math.abs(mseOf(full, name) - sampled.mse)).toBeLessThan(2 * sampled.ci95 + 0.02 * sampled.mse);
    }
    // per position the diagonal is diagonal mode's; the sums over positions need the shared cells
    expect(Math.abs(mseOf(diagonal, 'conv1') / mseOf(full, 'conv1') - 1)).toBeLessThan(1e-9);
    // the wires: +16 % at conv1 (9 rows), 7x at the output
    expect(mseOf(full, 'conv1') / mseOf(unwired, 'conv1')).toBeGreaterThan(1.1);
    expect(mseOf(unwired, 'fc')).toBeLessThan(0.5 * mc.nodes.get('fc')!.mse);
  });

  it('adjoint mode refuses a wired layer before its tail by name; an ADC of partial currents keeps ideal wires, with the reason', () => {
    const wired = hardware('differential', true);
    expect(() => new MseAnalyzer(wired).predict(input, { mode: 'adjoint', tailMaxValues: 10, ideal })).toThrow(/node 'fc1': adjoint mode does not carry sensitivities back through the circuit of wired arrays/);
    const tiled = HardwareNetwork.create(network, () => crossbarConfig({ device: gaussianDevice.create({ gmin: 10e-6, gmax: 100e-6 }), rows: 16, adc: { bits: 6 }, wires: WIRES }));
    const fc1 = tiled.weightNodes()[0];
    expect(wiredRefusal(fc1.groups[0], fc1.node.op, ALL_SOURCES)).toMatch(/ADC quantizes partial currents/);
    expect(wiredRefusal(fc1.groups[0], fc1.node.op, { ...ALL_SOURCES, adc: false })).toBeUndefined();
    // a model too large to hold is refused with its size (a 1024 x 512 layer on 1024 x 1024 arrays: 17 GB)
    const wide: Network = { inputName: 'x', inputShape: [1024], outputs: ['y'], nodes: [{ op: 'dense', name: 'wide', inputs: ['x'], output: 'y', weights: matrix(512, 1024), bias: new Float64Array(512) }] };
    const huge = HardwareNetwork.create(wide, () => crossbarConfig({ device: gaussianDevice.create({ gmin: 10e-6, gmax: 100e-6 }), rows: 1024, cols: 1024, wires: WIRES }));
    const big = huge.weightNodes()[0];
    expect(wiredRefusal(big.groups[0], big.node.op, ALL_SOURCES)).toMatch(/would hold [\d.]+ GB of cell voltages and sensitivities \(more than 1 GiB\): use smaller arrays/);
  });
});
