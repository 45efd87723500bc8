import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MseAnalyzer, type Network, type Tensor, decodeNpy, idealNodeOutputs, networkMonteCarlo, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';
import { caseHardware } from '../../core/test/analysis-configs.js';
import { runXbar } from './helpers.js';

const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');
const modelPath = (name: string) => join(models, name, 'model.onnx');
const inputPath = (name: string) => join(models, name, 'inputs.npy');

function load(name: string): { network: Network; input: Tensor } {
  const network = importOnnx(readFileSync(modelPath(name))).network;
  const x = decodeNpy(readFileSync(inputPath(name)));
  return { network, input: tensor(x.shape, Float64Array.from(x.data)) };
}

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

  it('prints a table, switches sources, and exits 2 / 3 on usage / input errors', async () => {
    const table = await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--sources', 'programming,read', '--mode', 'diagonal']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\(output\)\s+softmax/);
    expect(table.stdout).toMatch(/sources: programming, read;/);
    expect((await runXbar(['mse', '--netlist', netlist, '--input', 'x.npy'])).code).toBe(2);
    expect((await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', inputPath('digits-cnn'), '--sources', 'gremlins'])).code).toBe(2);
    expect((await runXbar(['mse', '--model', modelPath('digits-cnn'), '--netlist', netlist, '--input', join(folder, 'missing.npy')])).code).toBe(3);
  });
});

/** Full-covariance prediction vs Monte-Carlo at the output of a committed example. */
function agreement(name: string, source: string, level: number, trials: number) {
  const { network, input } = load(name);
  const hardware = caseHardware(network, input, source, level);
  const ideal = idealNodeOutputs(network, input);
  const predicted = new MseAnalyzer(hardware).predict(input, { mode: 'full', ideal }).output.mse;
  const mc = networkMonteCarlo(hardware, input, { seed: 9, trials, ideal }).nodes.get(network.nodes.at(-1)!.name)!;
  return { predicted, mc: mc.mse, ci95: mc.ci95 };
}

describe('committed examples: predicted vs Monte-Carlo output MSE (full mode, 64 inputs)', () => {
  // adc on the MLP at level 0.001 is left out: the 784-row PCA layer spans 7 row tiles, where the ADC
  // is modelled as Delta^2 / 12 per tile; with almost no other noise the quantization error is
  // deterministic and that model is off by -15 % (docs/mse.md, "Not modelled").
  const mlpCases = [
    ...['programming', 'read', 'dac', 'inputNoise', 'outputNoise', 'all'].map((s) => [s, 0.001] as const),
    ...['programming', 'read', 'dac', 'adc', 'inputNoise', 'outputNoise', 'all'].map((s) => [s, 0.01] as const),
    ['all', 0.1] as const,
  ];
  it.each(mlpCases)('MNIST MLP, %s at level %s', (source, level) => {
    const r = agreement('mnist-mlp-pca', source, level, 24);
    const allowed = (level <= 0.001 ? 0.05 : 0.1) * r.mc + r.ci95;
    expect(Math.abs(r.predicted - r.mc)).toBeLessThanOrEqual(allowed);
  });

  it('digits CNN, all sources at level 0.003', () => {
    const r = agreement('digits-cnn', 'all', 0.003, 40);
    expect(Math.abs(r.predicted - r.mc)).toBeLessThanOrEqual(0.1 * r.mc + r.ci95);
  });
});
