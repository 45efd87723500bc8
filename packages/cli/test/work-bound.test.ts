import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

// The work of a run is bounded before anything runs, with an error naming the cards and sweeps.

const folder = mkdtempSync(join(tmpdir(), 'xbar-work-'));
const header = '.model m gaussian (sigma_prog=0.01)\n.array a rows=4 cols=4 model=m\n.weights W [[1 0] [0 1]]\n';

function netlist(name: string, body: string): string {
  writeFileSync(join(folder, name), header + body);
  return name;
}

describe('total work of a run', () => {
  it('refuses trials x rows x points over 1e9 before running, naming the cards and the sweeps', async () => {
    const rows = 2000;
    writeFileSync(join(folder, 'x.npy'), encodeNpy({ shape: [rows, 2], data: Array.from({ length: rows * 2 }, (_, k) => k % 3) }));
    const file = netlist('many.xbar', `.inputs X npy="x.npy"\n.param n=1\n.step n lin 1 100 1\n.mc array=a weights=W inputs=X runs=10000 metric=mse\n.mse array=a weights=W inputs=X\n`);
    const started = performance.now();
    const result = await runXbar(['run', file, '--quiet'], folder);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).toMatch(/many\.xbar:7:1: error\[E905\]: the run would pass 2\.00e9 input rows through its workloads over 100 \.step points \(100 of \.step n at line 6\), more than the limit of 1\.00e9: \.mc at line 7: 2\.00e9 \(10000 runs x 2000 rows\); \.mse at line 8: 200000 \(2000 rows\)/);
    expect(result.stderr).toMatch(/ 7 \| \.mc array=a/);
  });

  it('counts the rows of each point (a .step of the number of random rows)', async () => {
    const file = netlist('random.xbar', `.param r=1\n.inputs X random rows={r} cols=2\n.step r list 1 200000\n.mc array=a weights=W inputs=X runs=10000 metric=mse\n`);
    const result = await runXbar(['run', file, '--quiet'], folder);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/E905\]: the run would pass 2\.00e9 input rows .*10000 runs x 1 rows/);
  });

  it('counts the Monte-Carlo trials of a .mse card', async () => {
    const file = netlist('mse-mc.xbar', `.inputs X random rows=200000 cols=2\n.mse array=a weights=W inputs=X mc=5000\n`);
    const result = await runXbar(['run', file, '--quiet'], folder);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/E905\]: the run would pass 1\.00e9 input rows .*\.mse at line 5: 1\.00e9 \(1 prediction \+ 5000 Monte-Carlo trials x 200000 rows\)/);
  });

  it('refuses an .mvm whose result table would pass 2^24 values', async () => {
    const file = netlist('mvm.xbar', `.inputs X random rows=100000 cols=2\n.mvm array=a weights=W inputs=X mode=noisy trials=50\n`);
    const result = await runXbar(['run', file, '--quiet'], folder);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mvm\.xbar:5:1: error\[E905\]: \.mvm would give 2\.00e7 result values \(50 trials x 100000 vectors x 2 outputs\), more than the limit of 1\.68e7/);
  });

  it('runs what is within the limits (mode=ideal counts one trial)', async () => {
    const file = netlist('ideal.xbar', `.inputs X random rows=100000 cols=2\n.mc array=a weights=W inputs=X mode=ideal runs=10000000 metric=mse\n`);
    const result = await runXbar(['run', file, '--quiet', '--format', 'json'], folder);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
