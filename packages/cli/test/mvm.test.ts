import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossbarNetlist, decodeNpy, encodeNpy, idealColumnCurrents, solveCrossbar } from '@xbar/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

const rows = 6;
const cols = 4;
let folder: string;
const conductances = new Float64Array(rows * cols);
const vector = new Float64Array(rows);
const batch = new Float64Array(3 * rows);

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'xbar-mvm-'));
  for (let k = 0; k < conductances.length; k++) conductances[k] = 1e-6 + ((k * 37) % 23) * 4e-6;
  for (let i = 0; i < rows; i++) vector[i] = 0.05 + 0.03 * i;
  for (let k = 0; k < batch.length; k++) batch[k] = -0.2 + ((k * 13) % 7) * 0.06;
  writeFileSync(join(folder, 'G.npy'), encodeNpy({ shape: [rows, cols], data: conductances }));
  writeFileSync(join(folder, 'G32.npy'), encodeNpy({ shape: [rows, cols], data: conductances }, 'float32'));
  writeFileSync(join(folder, 'V.npy'), encodeNpy({ shape: [rows], data: vector }));
  writeFileSync(join(folder, 'VB.npy'), encodeNpy({ shape: [3, rows], data: batch }));
  writeFileSync(join(folder, 'Vbad.npy'), encodeNpy({ shape: [rows + 1], data: new Float64Array(rows + 1) }));
  writeFileSync(join(folder, 'broken.npy'), new Uint8Array([1, 2, 3]));
});

const readOutput = (name: string) => decodeNpy(readFileSync(join(folder, name)));
const network = (r: { rowSegmentOhms: number; columnSegmentOhms: number; sourceOhms: number; senseOhms: number }) => ({
  rows,
  cols,
  conductances,
  resistances: r,
});

describe('xbar mvm', () => {
  it('solves the IR drop with --r-wire and writes N float64 amperes', async () => {
    const { code, stderr } = await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'V.npy', '--r-wire', '2.5', '--output', 'I.npy'], folder);
    expect(stderr).toMatch(/6 x 4 array/);
    expect(code).toBe(0);
    const out = readOutput('I.npy');
    expect(out.dtype).toBe('float64');
    expect(out.shape).toEqual([cols]);
    const expected = solveCrossbar(network({ rowSegmentOhms: 2.5, columnSegmentOhms: 2.5, sourceOhms: 0, senseOhms: 0 }), vector).currents;
    expect(Array.from(out.data)).toEqual(Array.from(expected));
  });

  it('takes separate row/column, source and sense resistances and a B x M batch', async () => {
    const argv = ['mvm', '--conductances', 'G32.npy', '--inputs', 'VB.npy', '--r-row', '1', '--r-col', '3', '--r-source', '10', '--r-sense', '20', '--output', 'IB.npy'];
    expect((await runXbar(argv, folder)).code).toBe(0);
    const out = readOutput('IB.npy');
    expect(out.shape).toEqual([3, cols]);
    const g32 = Float64Array.from(conductances, (x) => Math.fround(x));
    const expected = solveCrossbar({ rows, cols, conductances: g32, resistances: { rowSegmentOhms: 1, columnSegmentOhms: 3, sourceOhms: 10, senseOhms: 20 } }, batch).currents;
    for (let k = 0; k < expected.length; k++) expect(out.data[k]).toBeCloseTo(expected[k], 18);
  });

  it('--ideal is the plain V G, equal to zero resistances', async () => {
    expect((await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'VB.npy', '--ideal', '--output', 'I0.npy'], folder)).code).toBe(0);
    const ideal = idealColumnCurrents(network({ rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 0, senseOhms: 0 }), batch);
    expect(Array.from(readOutput('I0.npy').data)).toEqual(Array.from(ideal));
    expect((await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'VB.npy', '--r-wire', '0', '--output', 'Iz.npy'], folder)).code).toBe(0);
    expect(Array.from(readOutput('Iz.npy').data)).toEqual(Array.from(ideal));
  });

  it('exits 2 on usage errors', async () => {
    const missing = await runXbar(['mvm', '--conductances', 'G.npy', '--output', 'x.npy'], folder);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required option --inputs/);
    const both = await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'V.npy', '--r-wire', '1', '--r-row', '2', '--r-col', '2', '--output', 'x.npy'], folder);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --r-wire or --r-row/);
    const half = await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'V.npy', '--r-row', '2', '--output', 'x.npy'], folder);
    expect(half.code).toBe(2);
    const negative = await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'V.npy', '--r-wire', '-1', '--output', 'x.npy'], folder);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/--r-wire must be a resistance/);
  });

  it('exits 3 naming the file on shape mismatch, malformed or missing .npy', async () => {
    const mismatch = await runXbar(['mvm', '--conductances', 'G.npy', '--inputs', 'Vbad.npy', '--r-wire', '1', '--output', 'x.npy'], folder);
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toMatch(/Vbad\.npy: inputs must have shape \(6,\) or \(B, 6\) to match G\.npy of shape \(6, 4\), got \(7\)/);
    const broken = await runXbar(['mvm', '--conductances', 'broken.npy', '--inputs', 'V.npy', '--output', 'x.npy'], folder);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/broken\.npy: not a \.npy file/);
    const absent = await runXbar(['mvm', '--conductances', 'nope.npy', '--inputs', 'V.npy', '--output', 'x.npy'], folder);
    expect(absent.code).toBe(3);
    expect(absent.stderr).toMatch(/cannot read nope\.npy/);
    expect(absent.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('xbar export-spice', () => {
  it('writes the netlist of the array with the chosen input vector', async () => {
    const argv = ['export-spice', '--conductances', 'G.npy', '--inputs', 'VB.npy', '--index', '2', '--r-wire', '1.5', '--r-sense', '4', '--output', 'array.cir'];
    const { code } = await runXbar(argv, folder);
    expect(code).toBe(0);
    const text = readFileSync(join(folder, 'array.cir'), 'utf8');
    const expected = crossbarNetlist(
      network({ rowSegmentOhms: 1.5, columnSegmentOhms: 1.5, sourceOhms: 0, senseOhms: 4 }),
      batch.subarray(2 * rows, 3 * rows),
      'xbar export-spice of G.npy with VB.npy[2]',
    );
    expect(text).toBe(expected);
    expect(text.split('\n').filter((line) => line.startsWith('RX'))).toHaveLength(rows * cols);
  });

  it('exits 3 for a vector index outside the batch, 2 without --output', async () => {
    expect((await runXbar(['export-spice', '--conductances', 'G.npy', '--inputs', 'V.npy', '--index', '1', '--output', 'a.cir'], folder)).code).toBe(3);
    expect((await runXbar(['export-spice', '--conductances', 'G.npy', '--inputs', 'V.npy'], folder)).code).toBe(2);
  });
});
