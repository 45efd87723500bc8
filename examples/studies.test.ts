import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from '../packages/cli/test/helpers.js';
import { STUDIES, studyNetlists } from './study-netlists.js';

/** Study netlists quick enough for `pnpm test`; every study netlist runs in studies.long.test.ts (`pnpm test:long`). */
const QUICK = ['nary-mtj/xor.xbar'];

describe('example studies from the CLI', () => {
  for (const file of studyNetlists()) {
    it(`${file} checks clean${QUICK.includes(file) ? ' and runs' : ''}`, async () => {
      const path = join(import.meta.dirname, file);
      const check = await runXbar(['check', path]);
      expect(check.stderr).not.toMatch(/error|warning/);
      expect(check.code).toBe(0);
      if (!QUICK.includes(file)) return;
      const result = await runXbar(['run', path, '--format', 'json']);
      expect(result.stderr).not.toMatch(/error/);
      expect(result.code).toBe(0);
      const analyses = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, unknown>[] }[] }).analyses;
      for (const analysis of analyses) expect(analysis.rows.length).toBeGreaterThan(0);
    });
  }

  it('the N-ary XOR network is exact on its corners without device errors', async () => {
    const result = await runXbar(['run', join(import.meta.dirname, 'nary-mtj', 'xor.xbar'), '--format', 'json']);
    const [ideal] = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, number>[] }[] }).analyses;
    expect(ideal.rows.map((r) => r.y0 > r.y1 ? 0 : 1)).toEqual([0, 1, 1, 0]);
  });
});

describe('examples/device-compare/fashion.xbar', () => {
  it.each(['fashion-resnet', 'fashion-lstm'])('runs the example model %s: data/ holds the same ONNX file as ../models', (name) => {
    const copy = readFileSync(join(import.meta.dirname, 'device-compare', 'data', `${name}.onnx`));
    expect(copy.equals(readFileSync(join(import.meta.dirname, 'models', name, 'model.onnx')))).toBe(true);
  });
});

describe('the FeFET plugin example from the CLI', () => {
  const folder = join(import.meta.dirname, 'plugins', 'fefet');

  it('xbar run finds xbar.config.yaml upwards from the netlist and registers the plugin', async () => {
    const result = await runXbar(['run', 'examples/plugins/fefet/fefet.xbar', '--format', 'json'], join(import.meta.dirname, '..'));
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const analyses = (JSON.parse(result.stdout) as { analyses: { kind: string; rows: Record<string, unknown>[] }[] }).analyses;
    expect(analyses.find((a) => a.kind === 'compare')!.rows.map((row) => row.type)).toEqual(['fefet', 'gaussian']);
  });

  it('xbar devices run in the plugin folder lists fefet', async () => {
    const result = await runXbar(['devices'], folder);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fefet +example plugin/m);
  });
});

describe('every example netlist is run by a test', () => {
  it('quickstart (quickstart.test.ts), mse-optimizer (mse-optimizer/hardware.test.ts), the studies (studies.long.test.ts) and the plugin (above)', () => {
    const covered = ['quickstart.xbar', 'mse-optimizer/hardware.xbar', ...STUDIES.flatMap((study) => readdirSync(join(import.meta.dirname, study)).map((name) => `${study}/${name}`)), 'plugins/fefet/fefet.xbar'];
    const netlists = readdirSync(import.meta.dirname, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.xbar') && !name.includes('node_modules'))
      .map((name) => name.split('\\').join('/'));
    expect(netlists.filter((name) => !covered.includes(name))).toEqual([]);
  });
});
