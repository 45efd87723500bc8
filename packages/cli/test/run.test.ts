import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonTable, runXbar, writeNetlist } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'xbar-run-'));

const netlist = (name: string, lines: readonly string[]): string => writeNetlist(folder, name, lines);

const BASE = [
  '.param sig=1u',
  '.model cell gaussian (sigma_prog={sig} rel_read=0.01)',
  '.model exact ideal (gmin=0)',
  '.array tile rows=4 cols=4 model=cell dac_range=4',
  '.array clean rows=4 cols=4 model=exact dac_range=4',
  '.weights W1 [[0.5 -0.2 0.1] [-0.3 0.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 0.6]]',
  '.weights W2 [[1 0] [0 1] [1 1]]',
  '.weights B1 [0.1 0.2 0.3]',
  '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 0.1]]',
  '.labels Y [0 1 0]',
  '.network mlp',
  '.layer hidden weights=W1 array=tile activation=relu bias=B1',
  '.layer out weights=W2 array=tile',
  '.endnetwork',
];

async function runJson(path: string, ...extra: string[]): Promise<JsonTable[]> {
  const result = await runXbar(['run', path, '--format', 'json', ...extra]);
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { analyses: JsonTable[] }).analyses;
}

describe('xbar run', () => {
  it('runs .mvm ideal with the netlist weights transposed (rows = inputs): y = x W', async () => {
    const [table] = await runJson(netlist('mvm.xbar', [...BASE, '.mvm array=clean weights=W1 inputs=X mode=ideal']));
    expect(table.columns).toEqual(['trial', 'vector', 'y0', 'y1', 'y2']);
    // x0 = [1 0.5 -0.5 0.25]: y = x0 W1 = [0.5 - 0.15 - 0.1 + 0, -0.2 + 0.4 - 0.05 - 0.1, 0.1 + 0 + 0.35 + 0.15]
    const y = [table.rows[0].y0, table.rows[0].y1, table.rows[0].y2] as number[];
    [0.25, 0.05, 0.6].forEach((expected, i) => expect(y[i]).toBeCloseTo(expected, 12));
    expect(table.rows).toHaveLength(3);
  });

  it('runs .mvm noisy per trial, reproducibly, and --seed changes the draws', async () => {
    const path = netlist('mvm-noisy.xbar', [...BASE, '.mvm net=mlp inputs=X trials=3 seed=2']);
    const [a] = await runJson(path);
    const [b] = await runJson(path);
    const [c] = await runJson(path, '--seed', '3');
    expect(a.rows).toHaveLength(9);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows[0].y0).not.toBe(a.rows[3].y0); // another programming
    expect(c.rows[0].y0).not.toBe(a.rows[0].y0);
  });

  it('runs .mc (mse and accuracy), .accuracy, .compare, .mse and .optimize', async () => {
    const tables = await runJson(
      netlist('all.xbar', [
        ...BASE,
        '.mc net=mlp inputs=X runs=10',
        '.mc net=mlp inputs=X labels=Y metric=accuracy runs=10',
        '.accuracy net=mlp inputs=X labels=Y runs=4 limit=2',
        '.compare models=(cell exact) net=mlp inputs=X runs=5',
        '.mse net=mlp inputs=X',
        '.optimize param=sig from=0.1u to=10u scale=log points=3 metric=mse net=mlp inputs=X runs=4',
      ]),
    );
    expect(tables.map((t) => t.kind)).toEqual(['mc', 'mc', 'accuracy', 'compare', 'mse', 'optimize']);
    const [mse, acc, accuracy, compare, analytical, optimize] = tables;
    expect(mse.rows[0].runs).toBe(10);
    expect(mse.rows[0].mse_mean).toBeGreaterThan(0);
    expect(acc.rows[0].ideal_acc_pct).toBe(100); // argmax of x W1 + B1 -> relu -> W2 by hand: 0, 1, 0
    expect(accuracy.rows[0].samples).toBe(2);
    expect(accuracy.columns).toEqual(expect.arrayContaining(['mse_hidden', 'mse_out', 'mse_output']));
    expect(compare.rows.map((r) => r.model)).toEqual(['cell', 'exact']);
    expect(compare.rows[1].mse_mean).toBeLessThan(1e-20); // the ideal device with an unclipped DAC
    expect(compare.rows[0].mse_mean).toBeGreaterThan(1e-6);
    expect(analytical.rows.map((r) => r.node)).toEqual(['hidden', 'out', 'output (out)']);
    // a Monte-Carlo MSE and the analytical one agree roughly
    expect(Number(analytical.rows[2].mse)).toBeGreaterThan(Number(mse.rows[0].mse_mean) / 3);
    expect(Number(analytical.rows[2].mse)).toBeLessThan(Number(mse.rows[0].mse_mean) * 3);
    expect(optimize.rows).toHaveLength(3);
    expect(optimize.rows[0].best).toBe('best'); // the smallest programming noise
  });

  it('runs every analysis once per .step point with the swept values as leading columns', async () => {
    const [table] = await runJson(netlist('step.xbar', [...BASE, '.mc net=mlp inputs=X runs=20', '.step sig list 0.1u 5u']));
    expect(table.columns.slice(0, 2)).toEqual(['sig', 'metric']);
    expect(table.rows.map((r) => r.sig)).toEqual([1e-7, 5e-6]);
    expect(Number(table.rows[1].mse_mean)).toBeGreaterThan(Number(table.rows[0].mse_mean));
  });

  it('prints aligned tables and CSV, and writes results.json and one CSV per analysis with --out', async () => {
    const path = netlist('formats.xbar', [...BASE, '.mc net=mlp inputs=X runs=3', '.accuracy net=mlp inputs=X labels=Y runs=2']);
    const table = await runXbar(['run', path]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^\.mc net=mlp/);
    expect(lines[1]).toMatch(/^metric\s+samples\s+runs\s+mse_mean/);
    expect(lines[2]).toMatch(/^-+ {2}-+/);
    const csv = await runXbar(['run', path, '--format', 'csv', '--out', join(folder, 'out')]);
    expect(csv.code).toBe(0);
    // one tidy long table on stdout (was: tables of different widths glued with '#' lines)
    const records = csv.stdout.trimEnd().split('\n').map((line) => line.split(','));
    expect(records[0]).toEqual(['analysis', 'kind', 'line', 'part', 'row', 'column', 'value']);
    expect(records.every((record) => record.length === 7)).toBe(true);
    expect(records[1]).toEqual(['1', 'mc', '15', 'results', '0', 'metric', 'mse']);
    expect(records).toContainEqual(['1', 'mc', '15', 'results', '0', 'runs', '3']);
    expect(records).toContainEqual(['2', 'accuracy', '16', 'dac', '1', 'layer', 'out']);
    const results = JSON.parse(readFileSync(join(folder, 'out', 'results.json'), 'utf8')) as { analyses: JsonTable[] };
    expect(results.analyses.map((a) => a.kind)).toEqual(['mc', 'accuracy']);
    expect(readFileSync(join(folder, 'out', '02-accuracy.csv'), 'utf8')).toMatch(/^net,samples,runs,ideal_acc_pct/);
    expect(existsSync(join(folder, 'out', '01-mc.csv'))).toBe(true);
    expect(readFileSync(join(folder, 'out', '01-mc-dac.csv'), 'utf8')).toMatch(/^layer,dac_range,dac_input_range,largest_input,dac_clipped_pct\nhidden,fixed,4,/);
  });

  it('exits 1 on netlist errors, 2 on usage errors, 3 on runtime failures', async () => {
    const broken = await runXbar(['run', netlist('broken.xbar', ['.model cell gaussian (sigma_prg=1u)'])]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/E402/);
    expect((await runXbar(['run', join(folder, 'all.xbar'), '--format', 'xml'])).code).toBe(2);
    expect((await runXbar(['run', join(folder, 'all.xbar'), '--seed', '-1'])).code).toBe(2);
    expect((await runXbar(['run', join(folder, 'nope.xbar')])).code).toBe(3);
    const missing = await runXbar(['run', netlist('npy.xbar', [...BASE.filter((l) => !l.startsWith('.inputs')), '.inputs X npy="x.npy"', '.mc net=mlp inputs=X runs=2'])]);
    expect(missing.code).toBe(1); // the checker reports the missing data file
  });

  it('mode=ir on arrays without wires warns (checker and result) and reads them with ideal wires', async () => {
    // was exit 3 after the checker's warning
    const file = netlist('ir.xbar', [...BASE, '.mc net=mlp inputs=X runs=2 mode=ir', '.mc net=mlp inputs=X runs=2 mode=noisy']);
    const ir = await runXbar(['run', file, '--format', 'json']);
    expect(ir.code).toBe(0);
    expect(ir.stderr).toMatch(/W501.*mode=ir, but array/);
    const [withIr, noisy] = (JSON.parse(ir.stdout) as { analyses: (JsonTable & { warnings: string[] })[] }).analyses;
    expect(withIr.warnings.join('\n')).toMatch(/mode=ir, but the arrays of layers 'hidden', 'out' have no wire resistance: they were read with ideal wires/);
    expect(withIr.rows).toEqual(noisy.rows);
  });

  it('mode=ir solves the arrays as circuits: zero wires give the noisy result, wire resistance lowers the outputs', async () => {
    const lines = (rwire: string) => [
      '.model exact ideal (gmin=1u gmax=100u)',
      `.array wired rows=8 cols=8 model=exact dac_range=1 ${rwire}`,
      '.weights W [[0.5 0.2] [0.3 0.8] [0.2 0.1] [0.4 0.6]]',
      '.inputs X [[1 0.5 0.5 0.25] [0.2 1 1 1]]',
      '.mvm array=wired weights=W inputs=X mode=noisy',
      '.mvm array=wired weights=W inputs=X mode=ir',
    ];
    const outputs = (tables: JsonTable[], index: number) => tables[index].rows.map((row) => [Number(row.y0), Number(row.y1)]);
    const zero = await runJson(netlist('ir0.xbar', lines('rsource=0 rwire=0 rsense=0')));
    // with every resistance 0 the circuit solve is the plain product
    outputs(zero, 1).forEach((pair, v) => pair.forEach((y, o) => expect(y).toBeCloseTo(outputs(zero, 0)[v][o], 9)));
    const wired = await runJson(netlist('ir5.xbar', lines('rwire=5')));
    outputs(wired, 1).forEach((pair, v) =>
      pair.forEach((y, o) => {
        expect(y).toBeLessThan(outputs(wired, 0)[v][o]);
        expect(y).toBeGreaterThan(0.5 * outputs(wired, 0)[v][o]);
      }),
    );
  });
});

describe('xbar run output', () => {
  it('ends the table and csv output with one newline (the summary line on stderr starts a new line)', async () => {
    const path = netlist('newline.xbar', [...BASE, '.mvm array=clean weights=W1 inputs=X mode=ideal', '.mc net=mlp inputs=X runs=2']);
    for (const format of ['table', 'csv']) {
      const { code, stdout } = await runXbar(['run', path, '--format', format]);
      expect(code).toBe(0);
      expect(stdout.endsWith('\n')).toBe(true);
      expect(stdout.endsWith('\n\n')).toBe(false);
    }
  });
});
