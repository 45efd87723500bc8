import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrossbarOptions, HardwareNetwork, MseAnalyzer, crossbarConfig, networkMonteCarlo } from '@xbar/core';
import { rramDevice } from '@xbar/devices-memristor';
import { describe, expect, it } from 'vitest';
import { exampleInputs, exampleMlp } from '../../core/test/analysis-fixtures.js';
import { runXbar } from './helpers.js';
import { agreement, inputPath, modelPath } from './mse-agreement.js';

describe('xbar mse', () => {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-mse-'));
  const netlist = join(folder, 'gaussian.xbar');
  writeFileSync(netlist, '.model g gaussian (gmin=0 gmax=1e-4 sigma_prog=1e-6 sigma_read=1e-6)\n.array default rows=128 cols=128 model=g dac_range=16\n');

  it('prints the JSON contract for the example MLP, predicted within the MC CI + 10 %', async () => {
    const result = await runXbar(['mse', '--model', modelPath('mnist-mlp-pca'), '--netlist', netlist, '--input', inputPath('mnist-mlp-pca'), '--mc', '30', '--seed', '4', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      layers: { name: string; predicted_mse: number; mc_mse: number; mc_ci95: number }[];
      output: { name: string; predicted_mse: number; mc_mse: number; mc_ci95: number };
      timing: { predicted_s: number; mc_s: number };
    };
    expect(report.layers.map((l) => l.name)).toEqual(['/pca/Gemm', '/hidden/Gemm', '/Relu', '/out/Gemm']);
    for (const layer of [...report.layers, report.output]) {
      expect(Math.abs(layer.predicted_mse - layer.mc_mse)).toBeLessThanOrEqual(0.1 * layer.mc_mse + layer.mc_ci95);
    }
    expect(report.timing.predicted_s).toBeGreaterThan(0);
    expect(report.timing.mc_s).toBeGreaterThan(0);
  });

  it('--sources switches the same sources off in the Monte-Carlo: one netlist, each source alone agrees', async () => {
    const everything = join(folder, 'everything.xbar');
    writeFileSync(
      everything,
      '.model g gaussian (gmin=0 gmax=1e-4 levels=17 sigma_prog=2e-6 sigma_read=2e-6)\n' +
        '.array default rows=128 cols=128 model=g dac_range=16 dac_bits=7 dac_noise=0.01 adc_bits=7 adc_range=calibrated adc_noise=0.01\n',
    );
    const run = async (sources: string, trials: number) => {
      const args = ['mse', '--model', modelPath('mnist-mlp-pca'), '--netlist', everything, '--input', inputPath('mnist-mlp-pca'), '--sources', sources, '--mc', String(trials), '--seed', '2', '--format', 'json'];
      const result = await runXbar(args);
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as { output: { predicted_mse: number; mc_mse: number; mc_ci95: number } }).output;
    };
    const all = await run('all', 20);
    for (const source of ['programming', 'read', 'inputNoise']) {
      const output = await run(source, 40);
      expect(output.mc_mse).toBeLessThan(0.7 * all.mc_mse); // the other sources really are off
      expect(Math.abs(output.predicted_mse - output.mc_mse)).toBeLessThanOrEqual(0.1 * output.mc_mse + output.mc_ci95);
    }
    for (const source of ['quantization', 'dac']) {
      const output = await run(source, 2); // deterministic: equal up to rounding
      expect(output.mc_ci95).toBeLessThanOrEqual(1e-12 * output.mc_mse);
      expect(Math.abs(output.predicted_mse - output.mc_mse)).toBeLessThanOrEqual(1e-9 * output.mc_mse);
    }
  });

  it('predicts a quantized DAC that clips (dac_bits=8 dac_range=1: 41 % of conv2 inputs clipped) in both modes', async () => {
    const clipping = join(folder, 'clipping.xbar');
    writeFileSync(clipping, '.model g gaussian (gmin=0 gmax=1e-4 sigma_prog=1e-6 sigma_read=1e-6)\n.array default rows=128 cols=128 model=g dac_bits=8 dac_range=1\n');
    for (const mode of ['full', 'diagonal']) {
      const result = await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', clipping, '--input', inputPath('digits-cnn'), '--mode', mode, '--mc', '20', '--seed', '1', '--format', 'json', '--quiet']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { layers: { name: string; predicted_mse: number; mc_mse: number; mc_ci95: number }[]; output: { predicted_mse: number; mc_mse: number; mc_ci95: number }; warnings: string[] };
      expect(report.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/layer '\/conv2\/Conv': 40\.8 % of its DAC inputs are clipped/)]));
      // the clipping bias dominates (full mode read -90 % at conv2 when a mean beyond the range was not clipped)
      for (const row of [...report.layers.filter((layer) => /Conv|Gemm/.test(layer.name)), report.output]) {
        expect(Math.abs(row.predicted_mse - row.mc_mse), `${mode}`).toBeLessThanOrEqual(0.05 * row.mc_mse + row.mc_ci95);
      }
    }
  });

  it('prints a table, switches sources, and exits 2 / 3 on usage / input errors', async () => {
    const table = await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--sources', 'programming,read', '--mode', 'diagonal']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\(output\)\s+softmax/);
    expect(table.stdout).toMatch(/sources: programming, read;/);
    const alone = await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--sources', 'Device_Mean,programming', '--alone', '--mode', 'diagonal']);
    expect(alone.code).toBe(0);
    // adjoint mode on a network whose every value is narrow runs full mode, and says so
    const adjoint = await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--mode', 'adjoint', '--format', 'json']);
    expect(adjoint.code).toBe(0);
    expect(JSON.parse(adjoint.stdout)).toMatchObject({ mode: 'adjoint', method: { mode: 'full', tail_start: null } });
    expect(alone.stdout).toMatch(/programming alone\s+read alone/);
    expect(alone.stdout).toMatch(/sources: device_mean, programming; prediction [\d.e+-]+ s \(diagonal\), each source alone [\d.e+-]+ s/);
    expect((await runXbar(['mse', '--netlist', netlist, '--input', 'x.npy'])).code).toBe(2);
    expect((await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--sources', 'gremlins'])).code).toBe(2);
    expect((await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', join(folder, 'missing.npy')])).code).toBe(3);
  });
});

describe('committed examples: predicted vs Monte-Carlo output MSE (full mode, 64 inputs)', () => {
  // every source alone at two levels, and the CNN: mse.long.test.ts (pnpm test:long)
  it('MNIST MLP, all sources at level 0.01', () => {
    const r = agreement('mnist-mlp-pca', 'all', 0.01, 24);
    expect(Math.abs(r.predicted - r.mc)).toBeLessThanOrEqual(0.1 * r.mc + r.ci95);
  });
});

/**
 * Memristive devices (@xbar/devices-memristor) on the 64-32-10 fixture MLP, 16 inputs, full mode:
 * RRAM with stuck-at faults and retention drift read after one day (Gaussian reads given the cell),
 * PCM read after one day with drift compensation (cell-by-cell reads), its moments exact and from the
 * moment table.
 */
describe('memristive devices: predicted vs Monte-Carlo (fixture MLP, full mode)', () => {
  const network = exampleMlp();
  const input = exampleInputs(16, [64]);
  const hardwareOf = (options: CrossbarOptions) => {
    const hardware = HardwareNetwork.create(network, (node) => crossbarConfig({ ...options, dac: { inputRange: node.name === 'fc1' ? 1 : 4 } }));
    hardware.calibrate(input);
    return hardware;
  };
  const monteCarlo = (hardware: HardwareNetwork, trials: number) => networkMonteCarlo(hardware, input, { seed: 17, trials }).nodes.get('fc2')!;

  it.each([
    ['stuck-at faults', { rate_sa0: 0.01, rate_sa1: 0.01, sigma_prog: 0, sigma_read: 0 }],
    ['drift after one day', { drift_coeff: 0.02, drift_sigma: 0.01, sigma_prog: 1e-6, sigma_read: 0 }],
    ['faults, drift, programming and read noise', { rate_sa0: 0.002, rate_sa1: 0.002, drift_coeff: 0.02, drift_sigma: 0.01, sigma_prog: 1e-6, sigma_read: 1e-6 }],
  ] as const)('RRAM: %s', (_label, params) => {
    const hardware = hardwareOf({ device: rramDevice.create({ gmin: 1e-6, gmax: 1e-4, ...params }), readTimeSeconds: 86400 });
    const predicted = new MseAnalyzer(hardware).predict(input).output.mse;
    const mc = monteCarlo(hardware, 100);
    if (process.env.XBAR_MSE_LOG) console.log(JSON.stringify({ predicted, mc: mc.mse, ci95: mc.ci95 }));
    expect(Math.abs(predicted - mc.mse)).toBeLessThanOrEqual(0.1 * mc.mse + mc.ci95);
  });
});
