import { DEFAULT_ADC, DEFAULT_DAC, DEFAULT_MAPPING } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { check, codes } from './helpers.js';

const BASE = `.model r1 rram (gmax=80u gmin=1u)
.model g1 gaussian preset=memse (sigma_read=0.5u)
.array xb rows=4 cols=6 model=r1
.weights W [[1 2] [3 4] [5 6] [7 8]]
.weights W2 [[1] [2]]
.inputs X [[1 0 0 1] [0 1 1 0]]
.labels Y [0 1]
`;

describe('models', () => {
  it('creates device instances through the registry, with presets', () => {
    const result = check(BASE);
    expect(result.diagnostics).toEqual([]);
    const r1 = result.design.models.get('r1')!;
    expect(r1).toMatchObject({ name: 'r1', type: 'rram', values: { gmax: 80e-6, gmin: 1e-6 } });
    expect(r1.device.modelName).toBe('rram');
    const g1 = result.design.models.get('g1')!;
    expect(g1.preset).toBe('memse');
    expect(g1.device.params).toMatchObject({ levels: 128, sigma_prog: 1e-6, sigma_read: 0.5e-6 });
  });

  it('accepts parameters without parentheses and as {expressions}', () => {
    const result = check('.param g=50u\n.model m gaussian gmax={2*g} levels=4\n');
    expect(result.design.models.get('m')!.device.params.gmax).toBe(100e-6);
  });

  it('warns when a capital M (milli) is given for a resistance', () => {
    expect(codes('.model m rram (ron=10M)\n')).toEqual(['W202', 'E503']);
    expect(codes('.model m rram (ron=10Mohm nu=0.5)\n')).toEqual(['W202', 'E503']);
    expect(codes('.model m rram (ron=10MEG)\n')).toEqual([]);
    expect(codes('.model m rram (gmax=1M)\n')).toEqual([]);
  });
});

describe('arrays', () => {
  it('takes the states of an N-ary array from a device with levels, and refuses a mismatch', () => {
    // was: a 4-level device under states=8 ran, the 8 targets snapped to 4 levels (twice the MSE)
    const mapping = (text: string) => check(text).design.arrays.get('xb')?.config.mapping;
    expect(mapping('.model m ideal (levels=4)\n.array xb rows=4 cols=4 model=m mapping=nary digits=2\n')).toMatchObject({ statesPerCell: 4, cellsPerWeight: 2 });
    expect(mapping('.model m ideal (levels=8)\n.array xb rows=4 cols=4 model=m mapping=nary states=8\n')).toMatchObject({ statesPerCell: 8 });
    expect(mapping('.model m ideal\n.array xb rows=4 cols=4 model=m mapping=nary states=8\n')).toMatchObject({ statesPerCell: 8 });
    const [error] = check('.model m ideal (levels=4)\n.array xb rows=4 cols=4 model=m mapping=nary states=8\n').diagnostics;
    expect(error).toMatchObject({ code: 'E503', line: 2, message: "states=8 on array 'xb', but its model 'm' (ideal) has 4 levels: each N-ary digit is one device level" });
    const layer = check(`.model m ideal (levels=4)
.model m8 ideal (levels=8)
.array xb rows=4 cols=4 model=m mapping=nary
.weights W [[1] [2] [3] [4]]
.network n
.layer a weights=W array=xb model=m8
.endnetwork
`);
    expect(layer.diagnostics).toEqual([]);
    const network = layer.design.networks.get('n')!;
    expect(network.kind === 'layers' && network.layers[0].config.mapping.statesPerCell).toBe(8);
    expect(codes('.model m ideal (levels=4)\n.model m8 ideal (levels=8)\n.array xb rows=4 cols=4 model=m mapping=nary states=4\n.weights W [[1] [2] [3] [4]]\n.network n\n.layer a weights=W array=xb model=m8\n.endnetwork\n')).toEqual(['E503']);
  });

  it('calibrates the DAC range by default; fixed or a number keeps it fixed', () => {
    const dac = (options: string) => check(`.model m ideal\n.array xb rows=4 cols=4 model=m ${options}\n`).design.arrays.get('xb')?.config.dac;
    expect(dac('')).toMatchObject({ range: 'calibrated', calibrationMargin: 1 });
    expect(dac('dac_range=calibrated dac_margin=1.5')).toMatchObject({ range: 'calibrated', calibrationMargin: 1.5 });
    expect(dac('dac_range=fixed')).toMatchObject({ range: 'fixed', inputRange: 1 });
    expect(dac('dac_range=8')).toMatchObject({ range: 'fixed', inputRange: 8 });
    expect(codes('.model m ideal\n.array xb rows=4 cols=4 model=m dac_range=fixed dac_margin=2\n')).toEqual(['W501']);
    const [error] = check('.model m ideal\n.array xb rows=4 cols=4 model=m dac_range=calibrate\n').diagnostics;
    expect(error).toMatchObject({ code: 'E504', hint: "did you mean 'calibrated'?" });
    expect(check('.param r=4\n.model m ideal\n.array xb rows=4 cols=4 model=m dac_range=r\n').design.arrays.get('xb')?.config.dac).toMatchObject({ range: 'fixed', inputRange: 4 });
  });

  it('builds a CrossbarConfig from core defaults', () => {
    const array = check(BASE).design.arrays.get('xb')!;
    expect(array.model).toBe('r1');
    expect(array.config).toMatchObject({ rows: 4, cols: 6, mapping: DEFAULT_MAPPING, dac: DEFAULT_DAC, adc: DEFAULT_ADC, readTimeSeconds: 1, driftCompensation: false });
    expect(array.config.wires).toBeUndefined();
  });

  it('fills every option', () => {
    const text = `${BASE}.options readtime=10
.array full rows=128 cols=256 model=r1 gmax=90u mapping=nary scale=column clip=0.9 states=8 digits=2
+ dac_bits=6 dac_range=2 vread=0.1 bitserial=yes dac_noise=0.01
+ adc_bits=7 adc_range=fixed adc_fullscale=50u adc_margin=1.2 adc_noise=0.02
+ driftcomp=1 rwire=2 rcol=3 rsource=100 rsense=10
`;
    const result = check(text);
    expect(result.diagnostics).toEqual([]);
    const config = result.design.arrays.get('full')!.config;
    expect(config.mapping).toEqual({ scheme: 'nary', scale: 'column', clipFraction: 0.9, statesPerCell: 8, cellsPerWeight: 2 });
    expect(config.dac).toEqual({ bits: 6, range: 'fixed', inputRange: 2, calibrationMargin: 1, readVoltage: 0.1, bitSerial: true, noiseRelative: 0.01 });
    expect(config.adc).toEqual({ bits: 7, range: 'fixed', rangeAmperes: 50e-6, calibrationMargin: 1.2, noiseRelative: 0.02 });
    expect(config.wires).toEqual({ rowSegmentOhms: 2, columnSegmentOhms: 3, sourceOhms: 100, senseOhms: 10 });
    expect(config.readTimeSeconds).toBe(10);
    expect(config.driftCompensation).toBe(true);
    expect(config.device.params.gmax).toBe(90e-6);
    expect(config.device.modelName).toBe('rram');
  });

  it('refuses huge arrays before allocating anything', () => {
    expect(codes(`${BASE}.array big rows=65536 cols=65536 model=r1\n`)).toEqual(['E901']);
    expect(codes(`${BASE}.array big rows=100000 cols=1 model=r1\n`)).toEqual(['E503']);
    expect(codes(`${BASE}.array big rows=4096 cols=4096 model=r1\n`)).toEqual([]);
  });
});

describe('weights, inputs and labels', () => {
  it('stores inline matrices row-major, with their shape', () => {
    const design = check(BASE).design;
    const w = design.weights.get('w')!.source;
    expect(w).toMatchObject({ kind: 'inline', rows: 4, cols: 2 });
    expect(w.kind === 'inline' && [...w.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(design.labels.get('y')!.source).toMatchObject({ kind: 'inline', rows: 1, cols: 2 });
  });

  it('resolves .npy and ONNX paths without reading them, and random sources', () => {
    const text = '.weights A npy="d/data/w.npy"\n.weights B onnx="d/m.onnx" layer="fc1.weight"\n.inputs R random rows=8 cols=4 dist=normal scale=0.5 seed=3\n';
    const inFolder = check(text, { 'd/data/w.npy': 'x', 'd/m.onnx': 'x' });
    expect(inFolder.diagnostics).toEqual([]);
    expect(inFolder.design.weights.get('a')!.source).toEqual({ kind: 'npy', path: 'd/data/w.npy' });
    expect(inFolder.design.weights.get('b')!.source).toEqual({ kind: 'onnx', path: 'd/m.onnx', layer: 'fc1.weight' });
    expect(inFolder.design.inputs.get('r')!.source).toEqual({ kind: 'random', rows: 8, cols: 4, distribution: 'normal', scale: 0.5, seed: 3 });
  });

  it('refuses two sources, no source, and onnx without layer', () => {
    expect(codes('.weights W [1] npy="w.npy"\n', { 'w.npy': 'x' })).toEqual(['E605']);
    expect(codes('.weights W\n')).toEqual(['E605']);
    expect(codes('.weights W onnx="m.onnx"\n', { 'm.onnx': 'x' })).toEqual(['E502']);
  });
});

describe('networks', () => {
  it('maps layers onto arrays and models', () => {
    const text = `${BASE}.network mlp\n.layer fc1 weights=W array=xb activation=relu\n.layer fc2 weights=W2 array=xb model=g1\n.endnetwork\n`;
    const result = check(text);
    expect(result.diagnostics).toEqual([]);
    const mlp = result.design.networks.get('mlp')!;
    if (mlp.kind !== 'layers') throw new Error('expected a network of layers');
    expect(mlp.layers.map((l) => [l.name, l.weights, l.array, l.model, l.activation])).toEqual([
      ['fc1', 'W', 'xb', 'r1', 'relu'],
      ['fc2', 'W2', 'xb', 'g1', 'none'],
    ]);
    expect(mlp.layers[1].config.device.modelName).toBe('gaussian');
    expect(mlp.layers[1].config.rows).toBe(4);
  });

  it('reports structure problems', () => {
    expect(codes(`${BASE}.network n\n.endnetwork\n`)).toEqual(['E604']);
    expect(codes(`${BASE}.endnetwork\n`)).toEqual(['E604']);
    expect(codes(`${BASE}.network n\n.layer a weights=W array=xb\n.layer a weights=W array=xb\n.endnetwork\n`)).toEqual(['E506']);
  });
});

describe('ONNX networks', () => {
  const FILES = { 'cnn.onnx': 'x' };

  it('places weight nodes by .map cards, with a default array, model overrides and digital nodes', () => {
    const text = `${BASE}.network cnn onnx="cnn.onnx" array=xb model=g1\n.map "layer3.*" array=xb\n.map fc digital=yes\n.endnetwork\n.accuracy net=cnn inputs=X labels=Y\n`;
    const result = check(text, FILES);
    expect(result.diagnostics).toEqual([]);
    const cnn = result.design.networks.get('cnn')!;
    if (cnn.kind !== 'onnx') throw new Error('expected an ONNX network');
    expect(cnn.path).toBe('cnn.onnx');
    expect(cnn.defaultPlacement).toMatchObject({ kind: 'array', array: 'xb', model: 'g1' });
    expect(cnn.defaultPlacement!.config.device.modelName).toBe('gaussian');
    expect(cnn.maps.map((m) => [m.pattern, m.placement.kind === 'array' ? m.placement.model : 'digital'])).toEqual([
      ['layer3.*', 'r1'],
      ['fc', 'digital'],
    ]);
    expect(cnn.pathSpan.line).toBe(8);
  });

  it('reports misplaced and contradictory cards', () => {
    // .map outside a network, in a network of layers, .layer in an ONNX network
    expect(codes(`${BASE}.map "x" array=xb\n`)).toEqual(['E604']);
    expect(codes(`${BASE}.network n\n.layer a weights=W array=xb\n.map "a" array=xb\n.endnetwork\n`)).toEqual(['E604']);
    expect(codes(`${BASE}.network n onnx="cnn.onnx"\n.layer a weights=W array=xb\n.endnetwork\n`, FILES)).toEqual(['E604']);
    // array= without onnx=, model= without array=, a digital map with an array, a map without either
    expect(codes(`${BASE}.network n array=xb\n.layer a weights=W array=xb\n.endnetwork\n`)).toEqual(['E501']);
    expect(codes(`${BASE}.network n onnx="cnn.onnx" model=g1\n.endnetwork\n`, FILES)).toEqual(['E501']);
    expect(codes(`${BASE}.network n onnx="cnn.onnx"\n.map "a" digital=yes array=xb\n.endnetwork\n`, FILES)).toEqual(['E501']);
    expect(codes(`${BASE}.network n onnx="cnn.onnx"\n.map "a"\n.endnetwork\n`, FILES)).toEqual(['E502']);
    expect(codes(`${BASE}.network n onnx="cnn.onnx"\n.map array=xb\n.endnetwork\n`, FILES)).toEqual(['E507']);
    // unknown array, missing model file
    expect(codes(`${BASE}.network n onnx="cnn.onnx" array=nope\n.endnetwork\n`, FILES)).toEqual(['E505']);
    expect(codes(`${BASE}.network n onnx="missing.onnx" array=xb\n.endnetwork\n`)).toEqual(['E301']);
  });
});

describe('analyses', () => {
  const NET = `${BASE}.network mlp\n.layer fc1 weights=W array=xb\n.layer fc2 weights=W2 array=xb\n.endnetwork\n`;

  it('builds typed descriptors with defaults', () => {
    const text = `${NET}.options seed=9
.mvm array=xb weights=W inputs=X mode=ideal
.mc net=mlp inputs=X labels=Y metric=accuracy runs=50 time=100
.mse net=mlp inputs=X
.accuracy net=mlp inputs=X labels=Y limit=1
.optimize param=g from=1u to=100u scale=log points=10 metric=mse net=mlp inputs=X
.compare models=(r1 g1) net=mlp inputs=X seed=3
.param g=10u
.step g list 1u 2u 3u
`;
    const result = check(text);
    expect(result.diagnostics).toEqual([]);
    const [mvm, mc, mse, accuracy, optimize, compare] = result.design.analyses;
    expect(mvm).toMatchObject({ kind: 'mvm', workload: { kind: 'array', array: 'xb', weights: 'W' }, inputs: 'X', mode: 'ideal', trials: 1, seed: 9 });
    expect(mc).toMatchObject({ kind: 'mc', workload: { kind: 'network', network: 'mlp' }, labels: 'Y', metric: 'accuracy', runs: 50, readTimeSeconds: 100, mode: 'noisy' });
    expect(mse).toEqual(expect.objectContaining({ kind: 'mse', inputs: 'X', mode: 'full', alone: true, monteCarloTrials: 0, seed: 9 }));
    expect(mse).not.toHaveProperty('sources');
    expect(accuracy).toMatchObject({ kind: 'accuracy', network: 'mlp', labels: 'Y', runs: 1, limit: 1 });
    expect(optimize).toMatchObject({ kind: 'optimize', param: 'g', lower: 1e-6, upper: 100e-6, scale: 'log', points: 10, goal: 'min' });
    expect(compare).toMatchObject({ kind: 'compare', models: ['r1', 'g1'], seed: 3, metric: 'mse' });
    expect(result.design.sweeps).toHaveLength(1);
    expect([...result.design.sweeps[0].values]).toEqual([1e-6, 2e-6, 3e-6]);
  });

  it('reads the .mse settings: covariance mode, sources, alone, Monte-Carlo trials', () => {
    const result = check(`${NET}.mse net=mlp inputs=X mode=diagonal sources=(Programming read input_noise) alone=no mc=20 seed=4\n.mse net=mlp inputs=X sources=all\n.mse net=mlp inputs=X sources=device_mean\n`);
    expect(result.diagnostics).toEqual([]);
    const [chosen, all, one] = result.design.analyses;
    expect(chosen).toMatchObject({ kind: 'mse', mode: 'diagonal', sources: ['programming', 'read', 'inputNoise'], alone: false, monteCarloTrials: 20, seed: 4 });
    expect(all).not.toHaveProperty('sources');
    expect(one).toMatchObject({ sources: ['deviceMean'] });
    expect(check(`${NET}.mse net=mlp inputs=X mode=adjoint\n`).design.analyses[0]).toMatchObject({ mode: 'adjoint' });
  });

  it('refuses .mse settings it cannot honour, naming the key', () => {
    const mse = (settings: string) => check(`${NET}.mse net=mlp inputs=X ${settings}\n`).diagnostics.map((d) => `${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
    expect(mse('mc=1')).toEqual([expect.stringMatching(/^E503 mc=1 gives no confidence interval/)]);
    expect(mse('mc=-2')).toEqual([expect.stringMatching(/^E503 mc=-2 is outside the allowed range \[0, /)]);
    expect(mse('sources=(programing)')).toEqual([expect.stringMatching(/^E504 'programing' is not a valid sources; .*\(did you mean 'programming'\?\)/)]);
    expect(mse('sources=(all read)')).toEqual([expect.stringMatching(/^E504 sources=all stands alone/)]);
    expect(mse('mode=noisy')).toEqual([expect.stringMatching(/^E504 'noisy' is not a valid mode; allowed: full, diagonal, adjoint/)]);
    expect(mse('sources=(a=1)')).toEqual([expect.stringMatching(/^E509 /)]);
    expect(mse('seed=4')).toEqual([expect.stringMatching(/^W501 seed= has no effect on \.mse without mc=/)]);
    expect(mse('seed=4 mc=2')).toEqual([]);
  });

  it('expands step sweeps', () => {
    const sweep = (spec: string) => [...check(`.param p=1\n.step p ${spec}\n`).design.sweeps[0].values];
    expect(sweep('lin 0 1 0.25')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweep('lin 3 1 -1')).toEqual([3, 2, 1]);
    const dec = sweep('dec 1 100 2');
    expect(dec).toHaveLength(5);
    expect(dec[4]).toBeCloseTo(100, 10);
    expect(sweep('log 1 8 4')).toEqual([1, 2, 4, 8]);
    expect(codes('.param p=1\n.step param p list 1 2\n')).toEqual([]);
    expect(codes('.param p=1\n.step p lin 0 1 -1\n')).toEqual(['E503']);
    expect(codes('.param p=1\n.step p dec 0 1 3\n')).toEqual(['E503']);
    expect(codes('.param p=1\n.step p lin 0 1\n')).toEqual(['E507']);
    expect(codes('.param p=1\n.step p list 1\n.step p list 2\n')).toEqual(['E506']);
  });

  it('re-checks with parameter overrides (one point of a .step)', () => {
    const text = '.param g=100u\n.model m gaussian (gmax={g})\n.step g list 50u 2\n';
    expect(check(text).ok).toBe(true);
    const bad = check(text, {}, { paramOverrides: { g: 2 } });
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['E503']);
  });

  it('reports workload and option problems', () => {
    expect(codes(`${NET}.mvm net=mlp array=xb inputs=X\n`)).toEqual(['E701']);
    expect(codes(`${NET}.accuracy net=mlp inputs=X\n`)).toEqual(['E502']);
    expect(codes(`${NET}.mvm net=mlp inputs=X trials=0\n`)).toEqual(['E503']);
    expect(codes(`${NET}.mvm net=mlp inputs=X mode=foo\n`)).toEqual(['E504']);
    expect(codes(`${NET}.mvm net=mlp inputs=X inputs=X\n`)).toEqual(['E508']);
    expect(codes(`${NET}.optimize param=nope from=1 to=2 metric=mse net=mlp inputs=X\n`)).toEqual(['E505']);
    expect(codes(`${NET}.compare models=(r1 r9) net=mlp inputs=X\n`)).toEqual(['E505']);
  });
});

describe('options and cards', () => {
  it('reads .options and .title', () => {
    const result = check('.title "my run"\n.options seed=5 readtime=20\n');
    expect(result.design.title).toBe('my run');
    expect(result.design.options).toEqual({ seed: 5, readTimeSeconds: 20 });
  });

  it('suggests known cards and refuses code-loading ones', () => {
    expect(codes('.modle m ideal\n')).toEqual(['E107']);
    expect(codes('.exec "rm -rf /"\n')).toEqual(['E108']);
    expect(codes('.lib "x.lib" tt\n')).toEqual(['E108']);
  });

  it('does not report names defined on broken cards as unknown', () => {
    expect(codes('.model r1 gaussian (gmax=1u\n.array xb rows=4 cols=4 model=r1\n.param a={1+} b=2\n.param c={a+b}\n')).toEqual(['E103', 'E103']);
  });

  it('caps the number of diagnostics', () => {
    const result = check('.nope\n'.repeat(500));
    expect(result.diagnostics).toHaveLength(201);
    expect(result.diagnostics[200].code).toBe('E904');
  });
});
