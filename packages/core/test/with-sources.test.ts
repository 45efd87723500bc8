import { describe, expect, it } from 'vitest';
import {
  ALL_SOURCES,
  ERROR_SOURCE_NAMES,
  type ErrorSourceName,
  type ErrorSources,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  type Tensor,
  checkDeviceConformance,
  crossbarConfig,
  createRng,
  deviceWithSources,
  gaussianDevice,
  hardwareWithSources,
  networkMonteCarlo,
  onlySource,
} from '../src/index.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';

const G_MAX = 1e-4;

/** Every source of the hardware on at once: levels, programming and read noise, DAC, ADC, both noises. */
function noisyHardware(network: Network, input: Tensor, mapping: 'differential' | 'nary' = 'differential'): HardwareNetwork {
  const device = gaussianDevice.create({ gmin: 0, gmax: G_MAX, levels: mapping === 'nary' ? 4 : 33, sigma_prog: 0.03 * G_MAX, sigma_read: 0.03 * G_MAX });
  const hardware = HardwareNetwork.create(network, (_node, k) =>
    crossbarConfig({
      device,
      mapping: mapping === 'nary' ? { scheme: 'nary', statesPerCell: 4, cellsPerWeight: 2 } : { scheme: 'differential', clipFraction: 0.8 },
      rows: 32,
      dac: { inputRange: k === 0 ? 1 : 8, bits: 6, noiseRelative: 0.02 },
      adc: { bits: 7, noiseRelative: 0.02 },
    }),
  );
  hardware.calibrate(input);
  return hardware;
}

function sourcesOf(names: readonly ErrorSourceName[]): ErrorSources {
  const switches: Record<ErrorSourceName, boolean> = { ...ALL_SOURCES };
  for (const key of ERROR_SOURCE_NAMES) switches[key] = names.includes(key);
  return switches;
}

describe('deviceWithSources', () => {
  const device = gaussianDevice.create({ gmin: 1e-6, gmax: G_MAX, levels: 9, sigma_prog: 3e-6, sigma_read: 2e-6 });
  const cases: ErrorSourceName[][] = [['programming'], ['read'], ['quantization'], ['quantization', 'programming', 'read'], []];
  it.each(cases.map((names) => [names.join('+') || 'none', names] as const))('%s: moments are those of its own sampler (conformance)', (_label, names) => {
    const masked = deviceWithSources(device, sourcesOf(names), { momentTableNodes: 0 });
    expect(checkDeviceConformance(masked, { samples: 20000, times: [1, 3600], seed: 5 })).toEqual([]);
  });

  it('with every device source on reads exactly what the device reads', () => {
    const masked = deviceWithSources(device, ALL_SOURCES);
    const targets = Float64Array.from({ length: 50 }, (_, i) => 1e-6 + (i / 49) * (G_MAX - 1e-6));
    const a = device.program(targets, createRng(1));
    const b = masked.program(targets, createRng(1));
    const ra = new Float64Array(50);
    const rb = new Float64Array(50);
    device.read(a, 10, createRng(2), ra);
    masked.read(b, 10, createRng(2), rb);
    for (let i = 0; i < 50; i++) expect(rb[i]).toBeCloseTo(ra[i], 18);
  });

  it('refuses to split programming from read noise when the device cannot', () => {
    const { gaussianRead: _dropped, ...withoutSplit } = device;
    expect(() => deviceWithSources(withoutSplit, onlySource('programming'))).toThrow(/cannot separate programming error from read noise/);
    expect(() => deviceWithSources(withoutSplit, sourcesOf(['programming', 'read']))).not.toThrow();
  });
});

describe('hardwareWithSources: the analysis of one source equals the analysis of the hardware with only it on', () => {
  const network = exampleMlp();
  const input = exampleInputs(8, [64]);
  const hardware = noisyHardware(network, input);
  for (const names of [['programming'], ['read'], ['dac'], ['adc'], ['inputNoise'], ['outputNoise'], ['quantization', 'read', 'adc']] as ErrorSourceName[][]) {
    it(names.join('+'), () => {
      const sources = sourcesOf(names);
      const direct = new MseAnalyzer(hardware, sources).predict(input, { mode: 'full' }).output.mse;
      const viaHardware = new MseAnalyzer(hardwareWithSources(hardware, sources), sources).predict(input, { mode: 'full' }).output.mse;
      expect(viaHardware).toBeGreaterThan(0);
      expect(Math.abs(viaHardware - direct)).toBeLessThanOrEqual(1e-12 * direct);
    });
  }
});

/**
 * One netlist with every source on; each source alone predicted and run by Monte-Carlo on the same
 * hardware. Deterministic sources must agree to rounding; noisy ones within the MC CI plus 5 %.
 */
for (const [label, build, shape, mapping] of [
  ['MLP, differential with weight clipping', exampleMlp, [64], 'differential'],
  ['MLP, N-ary digits', exampleMlp, [64], 'nary'],
  ['CNN', exampleCnn, [1, 8, 8], 'differential'],
] as const) {
  describe(`${label}: each source alone, predicted vs Monte-Carlo of the same hardware`, () => {
    const network = build();
    const input = exampleInputs(8, shape);
    const hardware = noisyHardware(network, input, mapping);
    const output = network.nodes.at(-1)!.name;
    // (no wires here: analysis-wires.test.ts checks that source against the circuit Monte-Carlo)
    it.each(ERROR_SOURCE_NAMES.filter((name) => name !== 'deviceMean' && name !== 'wires'))('%s', (name) => {
      const sources = onlySource(name);
      const predicted = new MseAnalyzer(hardware, sources).predict(input, { mode: 'full' }).output.mse;
      const deterministic = name === 'quantization' || name === 'dac' || name === 'adc';
      const mc = networkMonteCarlo(hardwareWithSources(hardware, sources), input, { seed: 3, trials: deterministic ? 2 : 150 }).nodes.get(output)!;
      expect(mc.mse).toBeGreaterThan(0);
      if (deterministic) expect(Math.abs(predicted - mc.mse)).toBeLessThanOrEqual(1e-9 * mc.mse);
      else expect(Math.abs(predicted - mc.mse)).toBeLessThanOrEqual(0.05 * mc.mse + mc.ci95);
    });
  });
}
