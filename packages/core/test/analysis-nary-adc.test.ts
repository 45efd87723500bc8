import { describe, expect, it } from 'vitest';
import {
  type CrossbarOptions,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  type Tensor,
  crossbarConfig,
  gaussianDevice,
  hardwareWithSources,
  networkMonteCarlo,
  onlySource,
} from '../src/index.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';
import { partsAdc } from '../src/analysis/layer-statistics.js';

/**
 * The ADC of N-ary layers (3 base-4 digits per weight: 3 channels per output, each digitized by its
 * own 6-bit ADC and combined digitally with its gain): every (row tile, digit) partial current is
 * quantized exactly, the parts' cross covariance (shared input, shared DAC noise) by Mehler's
 * expansion. Full and diagonal mode against Monte-Carlo (fixed seeds).
 */
const nary = { scheme: 'nary' as const, statesPerCell: 4, cellsPerWeight: 3 };

type Layout = Pick<CrossbarOptions, 'rows' | 'cols'>;

function naryHardware(network: Network, input: Tensor, layout: Layout, device: Record<string, number>, inputNoise = 0): HardwareNetwork {
  const first = network.nodes[0].name;
  const hardware = HardwareNetwork.create(network, (node) =>
    crossbarConfig({
      ...layout,
      device: gaussianDevice.create({ gmin: 0, gmax: 1e-4, ...device }),
      mapping: nary,
      adc: { bits: 6 },
      dac: { inputRange: node.name === first ? 1 : 4, noiseRelative: inputNoise },
    }),
  );
  hardware.calibrate(input);
  return hardware;
}

function agreement(network: Network, input: Tensor, layout: Layout, device: Record<string, number>, trials: number, inputNoise = 0) {
  const hardware = naryHardware(network, input, layout, device, inputNoise);
  const analyzer = new MseAnalyzer(hardware);
  const full = analyzer.predict(input, { mode: 'full' }).output.mse;
  const diagonal = analyzer.predict(input, { mode: 'diagonal' }).output.mse;
  const mc = networkMonteCarlo(hardware, input, { seed: 21, trials }).nodes.get(network.nodes.at(-1)!.name)!;
  if (process.env.XBAR_MSE_LOG) console.log(JSON.stringify({ layout, device, inputNoise, full, diagonal, mc: mc.mse, ci95: mc.ci95, err: (full - mc.mse) / mc.mse }));
  return { full, diagonal, mc: mc.mse, ci95: mc.ci95 };
}

const ONE_ROW_TILE: Layout = {};
const FOUR_ROW_TILES: Layout = { rows: 16 };
/** 8-column arrays hold 4 digit pairs: the 3 digits of an output straddle column tiles. */
const NARROW: Layout = { rows: 16, cols: 8 };

describe('N-ary layer statistics: one ADC part per (row tile, digit)', () => {
  it('splits the mean weights by digit, parts = row tiles x digits', () => {
    const network = exampleMlp();
    const input = exampleInputs(4, [64]);
    const analyzer = new MseAnalyzer(naryHardware(network, input, NARROW, { sigma_read: 1e-6 }));
    const [fc1] = analyzer.statistics.get('fc1')!;
    const adc = partsAdc(fc1);
    expect(adc.parts).toBe(4 * 3);
    expect(adc.meanWeights).toHaveLength(3);
    for (let w = 0; w < fc1.meanWeights.length; w++) {
      const sum = adc.meanWeights[0][w] + adc.meanWeights[1][w] + adc.meanWeights[2][w];
      expect(sum).toBeCloseTo(fc1.meanWeights[w], 12);
      const read = adc.readVariance[0][w] + adc.readVariance[1][w] + adc.readVariance[2][w];
      expect(read).toBeCloseTo(fc1.readVariance[w], 18);
    }
    // every part of every output is on the row tile its index says, and has an ADC
    for (let p = 0; p < adc.parts; p++) {
      expect(adc.rowStart[p]).toBe(16 * Math.floor(p / 3));
      expect(adc.channel[p]).toBe(p % 3);
      for (let o = 0; o < fc1.outputs; o++) expect(adc.scale[p * fc1.outputs + o]).toBeGreaterThan(0);
    }
  });

  it('keeps the layer arrays for one channel per output (differential scheme over row tiles)', () => {
    const network = exampleMlp();
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: gaussianDevice.create({ gmin: 0, gmax: 1e-4 }), rows: 16, adc: { bits: 6 } }));
    const [fc1] = new MseAnalyzer(hardware).statistics.get('fc1')!;
    expect(partsAdc(fc1).parts).toBe(4);
    expect(partsAdc(fc1).meanWeights[0]).toBe(fc1.meanWeights);
  });
});

describe('N-ary ADC against Monte-Carlo', () => {
  it.each([
    ['1 row tile', ONE_ROW_TILE],
    ['4 row tiles', FOUR_ROW_TILES],
    ['4 row tiles, digits across column tiles', NARROW],
  ] as const)('is exact when the partial currents are deterministic (ADC alone, MLP, %s)', (_label, layout) => {
    const r = agreement(exampleMlp(), exampleInputs(16, [64]), layout, {}, 1);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(1e-9 * r.mc);
    expect(Math.abs(r.diagonal - r.mc)).toBeLessThanOrEqual(1e-9 * r.mc);
  });

  it('is exact as an attributed source (onlySource adc: the unquantized weights on the most significant digit, as hardwareWithSources)', () => {
    const network = exampleMlp();
    const input = exampleInputs(16, [64]);
    for (const layout of [ONE_ROW_TILE, FOUR_ROW_TILES]) {
      const hardware = naryHardware(network, input, layout, { sigma_read: 1e-6 }, 0.01);
      const sources = onlySource('adc');
      const analyzer = new MseAnalyzer(hardware, sources);
      const mc = networkMonteCarlo(hardwareWithSources(hardware, sources), input, { seed: 21, trials: 1 }).nodes.get('fc2')!;
      for (const mode of ['full', 'diagonal'] as const) {
        const predicted = analyzer.predict(input, { mode }).output.mse;
        expect(Math.abs(predicted - mc.mse)).toBeLessThanOrEqual(1e-9 * mc.mse);
      }
    }
  });

  it('is exact when the partial currents are deterministic (ADC alone, CNN, 4-row arrays)', () => {
    const r = agreement(exampleCnn(), exampleInputs(16, [1, 8, 8]), { rows: 4 }, {}, 1);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(1e-9 * r.mc);
    expect(Math.abs(r.diagonal - r.mc)).toBeLessThanOrEqual(1e-9 * r.mc);
  });

  // read noise 1 uA / 3 uA per cell: the first layer's digit currents have sigma of 0.25 / 0.8 ADC codes
  it.each([
    ['1 row tile', 1e-6, ONE_ROW_TILE],
    ['1 row tile', 3e-6, ONE_ROW_TILE],
    ['4 row tiles', 1e-6, FOUR_ROW_TILES],
    ['4 row tiles', 3e-6, FOUR_ROW_TILES],
    ['4 row tiles, digits across column tiles', 3e-6, NARROW],
  ] as const)('with read noise near the code size (MLP, %s, sigma_read %s S)', (_label, sigma, layout) => {
    const r = agreement(exampleMlp(), exampleInputs(16, [64]), layout, { sigma_read: sigma }, 200);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(r.ci95);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.03 * r.mc);
    expect(Math.abs(r.diagonal - r.full)).toBeLessThanOrEqual(0.01 * r.full);
  });

  // DAC noise is common to the digits of a weight: their partial currents are strongly correlated
  // (without the cross-part covariance the prediction reads -8 .. -9 %)
  it.each([
    ['1 row tile', ONE_ROW_TILE],
    ['4 row tiles', FOUR_ROW_TILES],
  ] as const)('with DAC noise shared by the digits (MLP, %s)', (_label, layout) => {
    const r = agreement(exampleMlp(), exampleInputs(16, [64]), layout, {}, 200, 0.003);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(r.ci95);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.03 * r.mc);
  });

  it('with read noise on a CNN (conv positions, 4-row arrays)', () => {
    const r = agreement(exampleCnn(), exampleInputs(16, [1, 8, 8]), { rows: 4 }, { sigma_read: 1e-6 }, 100);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(r.ci95);
    expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.03 * r.mc);
  });
});
