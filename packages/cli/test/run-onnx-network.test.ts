import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { type JsonTable, runXbar, writeNetlist } from './helpers.js';

const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');
const folder = mkdtempSync(join(tmpdir(), 'xbar-onnx-net-'));

// the digits CNN (conv1, conv2, fc) with its 64 saved inputs, labelled with PyTorch's own predictions
copyFileSync(join(models, 'digits-cnn', 'model.onnx'), join(folder, 'cnn.onnx'));
copyFileSync(join(models, 'digits-cnn', 'inputs.npy'), join(folder, 'x.npy'));
const outputs = decodeNpy(readFileSync(join(models, 'digits-cnn', 'outputs.npy')));
const predicted = new Float64Array(64);
for (let b = 0; b < 64; b++) {
  const row = outputs.data.subarray(b * 10, (b + 1) * 10);
  predicted[b] = row.indexOf(Math.max(...row));
}
writeFileSync(join(folder, 'y.npy'), encodeNpy({ shape: [64], data: predicted }, 'int64'));
writeFileSync(join(folder, 'broken.onnx'), 'not a model');

const netlist = (name: string, lines: readonly string[]): string => writeNetlist(folder, name, lines);

const BASE = [
  '.param sig=1u',
  '.model cell gaussian (sigma_prog={sig} rel_read=0.01)',
  '.model quiet gaussian (sigma_prog=0.1u)',
  '.array tile rows=64 cols=32 model=cell adc_bits=8',
  '.array wired rows=64 cols=32 model=cell rwire=1',
  '.inputs X npy="x.npy"',
  '.labels Y npy="y.npy"',
];

async function runJson(path: string, ...extra: string[]): Promise<JsonTable[]> {
  const result = await runXbar(['run', path, '--format', 'json', ...extra], folder);
  expect(result.stderr).not.toMatch(/error\[|failed/);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { analyses: JsonTable[] }).analyses;
}

describe('.network NAME onnx=', () => {
  it('runs .accuracy, .mc, .mse and .compare on an ONNX CNN, its weight nodes on the default array', async () => {
    const path = netlist('cnn.xbar', [
      ...BASE,
      '.network cnn onnx="cnn.onnx" array=tile',
      '.endnetwork',
      '.accuracy net=cnn inputs=X labels=Y runs=2 seed=1',
      '.mc net=cnn inputs=X runs=2 seed=1',
      '.mse net=cnn inputs=X',
      '.compare models=(cell quiet) net=cnn inputs=X runs=2 seed=1',
    ]);
    const [accuracy, mc, mse, compare] = await runJson(path);
    // ideal: xbar's float64 network gives PyTorch's predictions
    expect(accuracy.rows[0].ideal_acc_pct).toBe(100);
    expect(accuracy.columns).toEqual(expect.arrayContaining(['mse_/conv1/Conv', 'mse_/conv2/Conv', 'mse_/fc/Gemm', 'mse_output']));
    expect(Number(accuracy.rows[0].acc_mean_pct)).toBeGreaterThan(50);
    expect(Number(mc.rows[0].mse_mean)).toBeGreaterThan(0);
    expect(mse.rows.map((row) => row.node).slice(0, 3)).toEqual(['/conv1/Conv', '/conv2/Conv', '/fc/Gemm']);
    expect(mse.rows[3].node).toMatch(/^output \(/);
    expect(Number(mse.rows[3].mse)).toBeGreaterThan(0);
    // less programming noise, less error
    const [noisy, quiet] = compare.rows;
    expect(Number(quiet.mse_mean)).toBeLessThan(Number(noisy.mse_mean));
  });

  it('places nodes by .map (first match), with model= overrides, digital nodes and wires in mode=ir', async () => {
    const placed = netlist('placed.xbar', [
      ...BASE,
      '.network cnn onnx="cnn.onnx" array=tile',
      '.map "/conv1/*" digital=yes',
      '.map "/conv?/Conv" array=wired model=quiet',
      '.endnetwork',
      '.mc net=cnn inputs=X runs=2 seed=4 mode=ir',
    ]);
    const [table] = await runJson(placed);
    expect(table.warnings).toEqual([expect.stringMatching(/layer '\/fc\/Gemm' has no wire resistance/)]);
    // conv1 is digital (no per-layer column), conv2 on the wired array, fc on the default one
    expect(table.columns).not.toContain('mse_/conv1/Conv');
    expect(table.columns).toEqual(expect.arrayContaining(['mse_/conv2/Conv', 'mse_/fc/Gemm']));
    // the wire resistance has its effect: without wires the same run gives another error
    const unwired = netlist('unwired.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.map "/conv1/*" digital=yes', '.map "/conv?/Conv" array=tile model=quiet', '.endnetwork', '.mc net=cnn inputs=X runs=2 seed=4 mode=ir']);
    const [plain] = await runJson(unwired);
    expect(plain.rows[0]['mse_/conv2/Conv']).not.toBe(table.rows[0]['mse_/conv2/Conv']);
    // the analytical MSE refuses a digital weight node by name
    const mse = await runXbar(['run', netlist('placed-mse.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.map "/conv1/*" digital=yes', '.endnetwork', '.mse net=cnn inputs=X']), '--format', 'json'], folder);
    expect(mse.code).not.toBe(0);
    expect(mse.stderr).toMatch(/node '\/conv1\/Conv': the analytical MSE does not propagate moments through a weight node kept digital/);
  });

  it('sweeps a parameter with .step, each point on the same imported model', async () => {
    const path = netlist('step.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.endnetwork', '.mc net=cnn inputs=X runs=2 seed=1', '.step sig list 0.5u 4u']);
    const [table] = await runJson(path);
    expect(table.rows.map((row) => row.sig)).toEqual([5e-7, 4e-6]);
    expect(Number(table.rows[1].mse_mean)).toBeGreaterThan(Number(table.rows[0].mse_mean));
  });

  it('runs a recurrent ONNX model (LSTM) on crossbars', async () => {
    copyFileSync(join(models, 'fashion-lstm', 'model.onnx'), join(folder, 'lstm.onnx'));
    const sequences = decodeNpy(readFileSync(join(models, 'fashion-lstm', 'inputs.npy')));
    writeFileSync(join(folder, 'seq.npy'), encodeNpy({ shape: [8, 28, 28], data: Float64Array.from(sequences.data.subarray(0, 8 * 28 * 28)) }, 'float32'));
    const path = netlist('lstm.xbar', [...BASE.slice(0, 4), '.inputs S npy="seq.npy"', '.network lstm onnx="lstm.onnx" array=tile', '.endnetwork', '.mc net=lstm inputs=S runs=1 seed=1']);
    const [table] = await runJson(path);
    expect(table.columns).toEqual(expect.arrayContaining(['mse_/rnn/LSTM/W', 'mse_/rnn/LSTM/R', 'mse_/fc/Gemm']));
    expect(Number(table.rows[0].mse_mean)).toBeGreaterThan(0);
  });
});

describe('one MSE report: the .mse card and xbar mse', () => {
  it('give the same prediction, Monte-Carlo and per-source values for the same model, hardware, sources and seed', async () => {
    const hardware = ['.model cell gaussian (sigma_prog=1u rel_read=0.01)', '.array default rows=64 cols=32 model=cell adc_bits=8'];
    const hardwareOnly = netlist('hardware.xbar', hardware);
    const withCard = netlist('card-mse.xbar', [
      ...hardware,
      '.inputs X npy="x.npy"',
      '.network cnn onnx="cnn.onnx" array=default',
      '.endnetwork',
      '.mse net=cnn inputs=X mode=diagonal sources=(programming read adc) mc=3 seed=5',
      '.mse net=cnn inputs=X alone=no',
    ]);
    const [card, defaults] = await runJson(withCard);
    const command = await runXbar(['mse', '--model', 'cnn.onnx', '--netlist', hardwareOnly, '--input', 'x.npy', '--mode', 'diagonal', '--sources', 'programming,read,adc', '--mc', '3', '--seed', '5', '--alone', '--format', 'json', '--quiet'], folder);
    expect(command.code).toBe(0);
    const report = JSON.parse(command.stdout) as { layers: { name: string; predicted_mse: number; mc_mse: number; rel_error: number; mse_alone: Record<string, number> }[]; sources: string[] };
    expect(report.sources).toEqual(['programming', 'read', 'adc']);
    const names = ['/conv1/Conv', '/conv2/Conv', '/fc/Gemm'];
    expect(card.rows.map((row) => row.node)).toEqual([...names, expect.stringMatching(/^output \(/)]);
    for (const [k, name] of names.entries()) {
      const row = card.rows[k];
      const layer = report.layers.find((candidate) => candidate.name === name)!;
      expect(Number(row.mse)).toBeCloseTo(layer.predicted_mse, 12);
      expect(Number(row.mc_mse)).toBeCloseTo(layer.mc_mse, 12);
      expect(Number(row.rel_error)).toBeCloseTo(layer.rel_error, 10);
      expect(Number(row.mse_programming)).toBeCloseTo(layer.mse_alone.programming, 12);
      expect(Number(row.mse_device_mean)).toBe(layer.mse_alone.device_mean);
    }
    // programming alone is one of the card's sources: at most the MSE with all three
    expect(Number(card.rows[2].mse_programming)).toBeLessThan(Number(card.rows[2].mse));
    expect(card.title).toMatch(/mode=diagonal sources=\(programming read adc\) mc=3/);
    // defaults: every source, full covariance, no Monte-Carlo, no per-source columns
    expect(defaults.columns).toEqual(['node', 'mse', 'variance', 'bias_squared']);
    expect(Number(defaults.rows[2].mse)).toBeGreaterThan(Number(card.rows[2].mse));
  });
});

describe('xbar infer and xbar mse --network: a netlist network with its .map placement', () => {
  const placed = () =>
    netlist('placed-network.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.map "/conv1/*" array=tile model=quiet', '.endnetwork', '.mse net=cnn inputs=X alone=no']);

  it('xbar mse --network predicts what the .mse card predicts on the same netlist', async () => {
    const path = placed();
    const [card] = await runJson(path);
    const command = await runXbar(['mse', '--netlist', path, '--network', 'cnn', '--input', 'x.npy', '--format', 'json', '--quiet'], folder);
    expect(command.stderr).toBe('');
    expect(command.code).toBe(0);
    const report = JSON.parse(command.stdout) as { model: string; layers: { name: string; predicted_mse: number }[]; output: { predicted_mse: number } };
    expect(report.model).toMatch(/cnn\.onnx \(network 'cnn'\)$/);
    for (const row of card.rows.slice(0, 3)) expect(report.layers.find((layer) => layer.name === row.node)!.predicted_mse).toBeCloseTo(Number(row.mse), 12);
    expect(report.output.predicted_mse).toBeCloseTo(Number(card.rows[3].mse), 12);
    // the .map's model=quiet is used: conv1 has less programming noise than on the array's own model
    const plain = netlist('plain-network.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.endnetwork']);
    const unplaced = JSON.parse((await runXbar(['mse', '--netlist', plain, '--network', 'cnn', '--input', 'x.npy', '--format', 'json', '--quiet'], folder)).stdout) as typeof report;
    expect(unplaced.layers[0].predicted_mse).toBeGreaterThan(10 * report.layers[0].predicted_mse);
  });

  it('xbar infer --network runs the network on its placement, or ideal with --ideal', async () => {
    const path = netlist('digital-conv1.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.map "/conv1/*" digital=yes', '.endnetwork']);
    const noisy = await runXbar(['infer', '--netlist', path, '--network', 'cnn', '--input', 'x.npy', '--output', 'noisy.npy', '--seed', '3'], folder);
    expect(noisy.code).toBe(0);
    expect(noisy.stderr).toMatch(/2 nodes on crossbars: \/conv2\/Conv \(conv2d\) on array tile \(model cell, by \.network 'cnn'\), \/fc\/Gemm \(dense\) on array tile/);
    expect(noisy.stderr).toMatch(/digital: conv2d/);
    const ideal = await runXbar(['infer', '--netlist', path, '--network', 'cnn', '--ideal', '--input', 'x.npy', '--output', 'ideal.npy', '--quiet'], folder);
    expect(ideal.code).toBe(0);
    const reference = decodeNpy(readFileSync(join(models, 'digits-cnn', 'outputs.npy'))).data;
    const idealOut = decodeNpy(readFileSync(join(folder, 'ideal.npy'))).data;
    const noisyOut = decodeNpy(readFileSync(join(folder, 'noisy.npy'))).data;
    let idealError = 0;
    let noisyError = 0;
    for (let i = 0; i < reference.length; i++) {
      idealError = Math.max(idealError, Math.abs(idealOut[i] - reference[i]));
      noisyError = Math.max(noisyError, Math.abs(noisyOut[i] - idealOut[i]));
    }
    expect(idealError).toBeLessThan(1e-4);
    expect(noisyError).toBeGreaterThan(1e-4);
  });

  it('refuses an unknown network, and --model with --network', async () => {
    const path = placed();
    const unknown = await runXbar(['mse', '--netlist', path, '--network', 'resnet', '--input', 'x.npy'], folder);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/the netlist has no network 'resnet'; its networks: 'cnn'/);
    const both = await runXbar(['infer', '--netlist', path, '--network', 'cnn', '--model', 'cnn.onnx', '--input', 'x.npy', '--output', 'o.npy'], folder);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --model or --network, not both/);
    // --model with a netlist whose own ONNX network would be left unused: refused, pointing at --network
    const ignored = await runXbar(['mse', '--model', 'cnn.onnx', '--netlist', path, '--input', 'x.npy'], folder);
    expect(ignored.code).toBe(1);
    expect(ignored.stderr).toMatch(/ONNX network 'cnn' \(with its \.map cards\) would be ignored here: .*--network NAME/);
  });
});

describe('xbar check of ONNX networks', () => {
  it('reports a .map that matches no node, nodes left without an array and a shadowed .map, at their cards', async () => {
    const path = netlist('bad-maps.xbar', [...BASE, '.network cnn onnx="cnn.onnx"', '.map "/conv*" array=tile', '.map "/conv1/Conv" array=tile', '.map "/lstm/*" array=tile', '.endnetwork']);
    const result = await runXbar(['check', path], folder);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad-maps\.xbar:8:1: error\[E608\]: network 'cnn': no array for weight node '\/fc\/Gemm'/);
    expect(result.stderr).toMatch(/bad-maps\.xbar:10:1: warning\[W601\]: \.map '\/conv1\/Conv' has no effect/);
    expect(result.stderr).toMatch(/bad-maps\.xbar:11:1: error\[E607\]: \.map '\/lstm\/\*' matches no weight node of .*cnn\.onnx/);
    expect(result.stderr).toMatch(/its weight nodes: '\/conv1\/Conv', '\/conv2\/Conv', '\/fc\/Gemm'/);
    // xbar run stops at the same errors, before running anything
    const run = await runXbar(['run', path], folder);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E607/);
  });

  it('reports a model that cannot be imported at its onnx= value, and inputs that do not fit when run', async () => {
    const broken = await runXbar(['check', netlist('broken.xbar', [...BASE, '.network cnn onnx="broken.onnx" array=tile', '.endnetwork'])], folder);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.xbar:8:\d+: error\[E606\]: network .cnn.: .*broken\.onnx: not a valid ONNX model/);
    const ok = await runXbar(['check', netlist('fine.xbar', [...BASE, '.network cnn onnx="cnn.onnx" array=tile', '.endnetwork'])], folder);
    expect(ok.stderr).not.toMatch(/error/);
    writeFileSync(join(folder, 'wide.npy'), encodeNpy({ shape: [2, 65], data: new Float64Array(130) }, 'float32'));
    const wide = await runXbar(['run', netlist('wide.xbar', [...BASE, '.inputs W npy="wide.npy"', '.network cnn onnx="cnn.onnx" array=tile', '.endnetwork', '.mc net=cnn inputs=W runs=1'])], folder);
    expect(wide.code).not.toBe(0);
    expect(wide.stderr).toMatch(/the inputs have 65 features per row but net=cnn takes 64 \(1 x 8 x 8\)/);
  });
});
