import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@xbar/cli';
import { describe, expect, it, vi } from 'vitest';
import { CARD_RUNNERS, ExitCode, XbarError, runNetlist } from '../src/index.js';

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;

/** `xbar run FILE --format json` with the given flags, parsed. */
async function xbarRunJson(file: string, cwd: string, flags: string[]): Promise<{ analyses: { title: string; columns: string[]; rows: Record<string, unknown>[] }[] }> {
  let stdout = '';
  const code = await runCli(['run', file, '--format', 'json', '--quiet', ...flags], { stdout: (text) => (stdout += text), stderr: () => {}, cwd });
  expect(code).toBe(0);
  return JSON.parse(stdout) as { analyses: { title: string; columns: string[]; rows: Record<string, unknown>[] }[] };
}

describe('runNetlist (a netlist run without the CLI)', () => {
  it('gives the tables of xbar run, to the bit, with the CLI splitting the trials over two worker threads', async () => {
    const { tables } = await runNetlist('quickstart.xbar', { cwd: EXAMPLES });
    // worker threads even for this small work (they are chosen only when the work looks long enough)
    vi.stubEnv('XBAR_PARALLEL_MIN_SECONDS', '0');
    let cli;
    try {
      cli = await xbarRunJson('quickstart.xbar', EXAMPLES, ['--threads', '2']);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(tables.map((table) => table.title)).toEqual(cli.analyses.map((analysis) => analysis.title));
    tables.forEach((table, index) => {
      const json = cli.analyses[index];
      expect(table.columns).toEqual(json.columns);
      expect(table.rows).toEqual(json.rows.map((row) => json.columns.map((column) => row[column])));
    });
  });

  it('runs every .step point, and a seed overrides the cards', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-session-'));
    const netlist = [
      '.param s=1u',
      '.step s list 1u 2u',
      '.model cell gaussian (gmin=1u gmax=50u sigma_prog={s})',
      '.array tile rows=8 cols=8 model=cell mapping=differential',
      '.weights W [[0.5 -0.2] [0.1 0.8]]',
      '.inputs X [[1 0.5] [0 1]]',
      '.mc array=tile weights=W inputs=X metric=mse runs=20',
    ].join('\n');
    writeFileSync(join(folder, 'step.xbar'), netlist);
    const first = await runNetlist('step.xbar', { cwd: folder, seed: 5 });
    const again = await runNetlist('step.xbar', { cwd: folder, seed: 5 });
    const other = await runNetlist('step.xbar', { cwd: folder, seed: 6 });
    expect(first.tables[0].rows.map((row) => row[0])).toEqual([1e-6, 2e-6]);
    expect(again.tables).toEqual(first.tables);
    expect(other.tables[0].rows).not.toEqual(first.tables[0].rows);
  });

  it('refuses a netlist with errors: diagnostics with file:line:col on stderr, then XbarError (netlist errors)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-session-'));
    writeFileSync(join(folder, 'bad.xbar'), '.model cell gaussian (gmin=1u gmax=50u sigma_prog=1u)\n.array tile rows=8 cols=8 model=nothere\n');
    let stderr = '';
    const run = runNetlist('bad.xbar', { cwd: folder, stderr: (text) => (stderr += text) });
    await expect(run).rejects.toBeInstanceOf(XbarError);
    await expect(run).rejects.toMatchObject({ exitCode: ExitCode.netlistErrors });
    expect(stderr).toMatch(/bad\.xbar:2:\d+/);
    expect(stderr).toContain('nothere');
  });

  it('refuses a run over its work limits before running, with the card and its source line', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-session-'));
    writeFileSync(
      join(folder, 'big.xbar'),
      '.model cell gaussian (sigma_prog=1u)\n.array tile rows=8 cols=8 model=cell\n.weights W [[1 0] [0 1]]\n.inputs X random rows=200000 cols=2\n.mc array=tile weights=W inputs=X runs=10000\n',
    );
    let stderr = '';
    const run = runNetlist('big.xbar', { cwd: folder, stderr: (text) => (stderr += text) });
    await expect(run).rejects.toMatchObject({ exitCode: ExitCode.netlistErrors });
    expect(stderr).toMatch(/big\.xbar:5:1: error\[E905\]: the run would pass 2\.00e9 input rows/);
    expect(stderr).toMatch(/ 5 \| \.mc array=tile/);
  });

  it('has one runner for every card kind of the language', () => {
    expect(Object.keys(CARD_RUNNERS).sort()).toEqual(['accuracy', 'compare', 'mc', 'mse', 'mvm', 'optimize']);
  });
});
