import { ALL_SOURCES, HardwareNetwork, type CrossbarOptions, crossbarConfig, gaussianDevice, onlySource, sourcesOf } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { exampleCnn, exampleInputs, exampleMlp } from '../../core/test/analysis-fixtures.js';
import { mseReport, relativeError } from '../src/analyse/mse-report.js';
import { parseErrorSources } from '../src/analyse/mse-sources.js';
import { XbarError } from '../src/errors.js';

// The 64-32-10 fixture MLP on Gaussian cells with programming and read noise and a 7-bit ADC.
const network = exampleMlp();
const input = exampleInputs(16, [64]);
const device = gaussianDevice.create({ gmin: 0, gmax: 1e-4, sigma_prog: 2e-6, sigma_read: 1e-6 });

function hardwareOf(options: Partial<CrossbarOptions> = {}): HardwareNetwork {
  const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device, adc: { bits: 7, range: 'calibrated' }, ...options }));
  hardware.calibrate(input);
  return hardware;
}

const settings = { mode: 'full', sources: ALL_SOURCES, alone: false, monteCarloTrials: 0, seed: 1 } as const;

describe('mseReport', () => {
  it('with one source switched on predicts what that source alone gives in a report with all', async () => {
    const hardware = hardwareOf();
    const all = await mseReport(hardware, input, { ...settings, alone: true });
    const programming = await mseReport(hardware, input, { ...settings, sources: onlySource('programming') });
    expect(programming.sources).toEqual(['programming']);
    for (const [k, node] of programming.nodes.entries()) expect(node.mse).toBeCloseTo(all.nodes[k].alone!.programming, 15);
    // sources the hardware cannot have are exactly 0; the ones it has are not
    expect(all.output.alone!.inputNoise).toBe(0);
    expect(all.output.alone!.read).toBeGreaterThan(0);
    expect(all.output.alone!.adc).toBeGreaterThan(0);
    expect(all.output.mse).toBeGreaterThan(programming.output.mse);
    expect(programming.timing.aloneSeconds).toBeNull();
    expect(all.timing.aloneSeconds).toBeGreaterThan(0);
  });

  it('agrees with its Monte-Carlo reference sampled with the same sources (60 trials, seed 3)', async () => {
    const hardware = hardwareOf();
    const sources = sourcesOf(['programming', 'read']);
    const report = await mseReport(hardware, input, { ...settings, sources, monteCarloTrials: 60, seed: 3 });
    expect(report.monteCarloTrials).toBe(60);
    for (const node of report.nodes) {
      const { mse, ci95 } = node.monteCarlo!;
      // first-order prediction: within 10 % plus the 95 % CI of the Monte-Carlo mean
      expect(Math.abs(node.mse - mse)).toBeLessThanOrEqual(0.1 * mse + ci95);
      expect(relativeError(node)).toBeCloseTo((node.mse - mse) / mse, 12);
    }
    // the same seed gives the same bits
    expect((await mseReport(hardware, input, { ...settings, sources, monteCarloTrials: 60, seed: 3 })).output.monteCarlo).toEqual(report.output.monteCarlo);
  });

  it('models the wires of dense layers (its Monte-Carlo solves the circuits), and names clipping DACs', async () => {
    const wires = { rowSegmentOhms: 1, columnSegmentOhms: 1, sourceOhms: 0, senseOhms: 0 };
    const wired = await mseReport(hardwareOf({ wires }), input, { ...settings, monteCarloTrials: 2 });
    expect(wired.warnings.join('\n')).not.toMatch(/IR drop/);
    expect(wired.output.mse).toBeGreaterThan((await mseReport(hardwareOf(), input, settings)).output.mse);
    const clipped = await mseReport(hardwareOf({ dac: { inputRange: 0.1 } }), input, settings);
    expect(clipped.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/layer 'fc1': [\d.]+ % of its DAC inputs are clipped/)]));
    expect(clipped.dac.rows.map((row) => row[0])).toEqual(['fc1', 'fc2']);
    expect((await mseReport(hardwareOf(), input, settings)).warnings).toEqual([]);
  });
});

describe('parseErrorSources', () => {
  it('reads camel- and snake-case names in any case, and all', () => {
    expect(parseErrorSources('programming, Device_Mean,inputNoise', '--sources')).toEqual(sourcesOf(['programming', 'deviceMean', 'inputNoise']));
    expect(parseErrorSources('ALL', '--sources')).toEqual(ALL_SOURCES);
    expect(parseErrorSources(undefined, '--sources')).toEqual(ALL_SOURCES);
  });

  it('refuses an unknown or empty list, naming the flag and the known names', () => {
    expect(() => parseErrorSources('gremlins', '--sources')).toThrow(XbarError);
    expect(() => parseErrorSources('gremlins', '--sources')).toThrow(/unknown error source 'gremlins' in --sources; known: quantization, device_mean, programming, read, dac, adc, input_noise, output_noise, wires \(or all\)/);
    expect(() => parseErrorSources(' , ', '--sources')).toThrow(/--sources names no error source/);
  });
});

describe('mseReport in diagonal mode', () => {
  it('says what diagonal mode drops, naming the nodes that sum over positions', async () => {
    const cnn = exampleCnn();
    const images = exampleInputs(4, [1, 8, 8]);
    const hardware = HardwareNetwork.create(cnn, () => crossbarConfig({ device }));
    hardware.calibrate(images);
    const report = await mseReport(hardware, images, { ...settings, mode: 'diagonal' });
    expect(report.warnings).toEqual([expect.stringMatching(/^mode=diagonal propagates variances only: .*; here '[^']+' \((avgpool|dense|globalavgpool)\) .*sum over positions and read low/)]);
    expect((await mseReport(hardware, images, settings)).warnings).toEqual([]);
    // wired conv and dense layers are modelled; an ADC of partial currents (several row tiles) is not, by name
    const wires = { rowSegmentOhms: 1, columnSegmentOhms: 1, sourceOhms: 0, senseOhms: 0 };
    const wiredOn = (rows: number) => {
      const built = HardwareNetwork.create(cnn, () => crossbarConfig({ device: gaussianDevice.create({ gmin: 1e-5, gmax: 1e-4 }), rows, adc: { bits: 6 }, wires }));
      built.calibrate(images);
      return built;
    };
    const wired = wiredOn(128);
    expect((await mseReport(wired, images, settings)).warnings).toEqual([]);
    expect((await mseReport(wiredOn(32), images, settings)).warnings).toEqual([
      "the IR drop of the wires of layer 'fc' is not modelled by the analytical MSE (its ADC quantizes partial currents (several row tiles or N-ary digits), which the wired model does not): it predicts ideal wires there; .mc mode=ir samples them",
    ]);
    expect((await mseReport(wired, images, { ...settings, sources: { ...ALL_SOURCES, wires: false } })).warnings).toEqual([]);
    // an MLP has no positions: the general warning only
    const mlp = await mseReport(hardwareOf(), input, { ...settings, mode: 'diagonal' });
    expect(mlp.warnings).toEqual([expect.not.stringMatching(/sum over positions/)]);
  });
});

describe('mseReport progress', () => {
  it('reports the prediction sample by sample (full and adjoint mode) and the Monte-Carlo trial by trial', async () => {
    const events: string[] = [];
    const progress = { start: (total: number, label: string) => events.push(`start ${label} ${total}`), tick: (units = 1) => events.push(`tick ${units}`), stop: () => events.push('stop') };
    await mseReport(hardwareOf(), input, { ...settings, monteCarloTrials: 2, progress });
    expect(events).toEqual(['start prediction samples 16', ...Array.from({ length: 16 }, () => 'tick 1'), 'stop', 'start Monte-Carlo trials 2', 'tick 1', 'tick 1', 'stop']);
  });
});
