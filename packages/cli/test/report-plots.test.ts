import { studentT975 } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { columnCurrentsChart, sweepChart } from '../src/report/charts.js';
import { type RunTable, sweepPlotsFromTables } from '../src/report/from-tables.js';
import { retentionPlots } from '../src/report/retention.js';
import { runXbar } from './helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sweep = [{ param: 'tread', scale: 'list' as const }];

/** A `.mse` table of a sweep: rows per point and node. */
const mseTable: RunTable = {
  kind: 'mse',
  line: 9,
  title: '.mse net=mlp inputs=X time={tread} (a.xbar:9)',
  estimateKey: 'net=mlp inputs=X time=1',
  workload: 'net=mlp',
  columns: ['tread', 'node', 'mse'],
  rows: [
    [1, 'fc', 0.1],
    [1, 'output (fc)', 0.2],
    [10, 'fc', 0.3],
    [10, 'output (fc)', 0.4],
  ],
};

const mcTable: RunTable = {
  kind: 'mc',
  line: 10,
  title: '.mc net=MLP inputs=x time={tread} (a.xbar:10)',
  estimateKey: 'net=MLP inputs=x time=1',
  workload: 'net=MLP',
  columns: ['tread', 'metric', 'runs', 'mse_mean', 'mse_std', 'mse_ci95'],
  rows: [
    [1, 'mse', 5, 0.21, 0.05, 0.01],
    [10, 'mse', 5, 0.41, 0.05, 0.02],
  ],
};

const compareTable = (network: string, line: number): RunTable => ({
  kind: 'compare',
  line,
  title: `.compare models=(a b) net=${network} (a.xbar:${line})`,
  workload: `net=${network}`,
  columns: ['tread', 'model', 'type', 'acc_mean_pct', 'acc_ci95_pct'],
  rows: [
    [1, 'a', 'pcm', 90, 1],
    [1, 'b', 'rram', 80, 1],
    [10, 'a', 'pcm', 85, 2],
    [10, 'b', 'rram', 70, 2],
  ],
});

describe('sweep plots', () => {
  it('draw the analytical and the Monte-Carlo MSE of the same estimate on one chart, the MC band its 95 % CI', () => {
    const plots = sweepPlotsFromTables([mseTable, mcTable], sweep);
    expect(plots).toHaveLength(2);
    const [analytical, shared] = plots;
    expect(analytical.note).toMatch(/^Lines: the analytical MSE \(from the devices' moments, no sampling\)\.$/);
    expect(shared.title).toMatch(/^Analytical \(\.mse line 9\) and Monte-Carlo \(\.mc line 10\) MSE/);
    expect(shared.series.map((s) => s.name)).toEqual(['analytical output (fc)', 'Monte-Carlo (mc)']);
    expect(shared.series[0].y).toEqual([0.2, 0.4]);
    shared.series[1].lower!.forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.39][i], 12));
    shared.series[1].upper!.forEach((v, i) => expect(v).toBeCloseTo([0.22, 0.43][i], 12));
    // the analytical chart is not captioned as Monte-Carlo
    expect(sweepChart(analytical).note).not.toMatch(/Monte-Carlo/);
  });

  it('over read time: raw and drift-compensated cards share one retention chart', () => {
    const plots = retentionPlots(sweepPlotsFromTables([compareTable('mlp', 20), compareTable('mlp_comp', 21)], sweep));
    expect(plots).toHaveLength(1);
    expect(plots[0].series.map((s) => s.name)).toEqual(['a (.compare net=mlp)', 'b (.compare net=mlp)', 'a (.compare net=mlp_comp)', 'b (.compare net=mlp_comp)']);
    expect(plots[0].title).toBe('accuracy (%) vs time after programming: .compare net=mlp, .compare net=mlp_comp');
  });
});

describe('the column currents chart', () => {
  it('measures the IR drop against the largest ideal current, not column by column', () => {
    // column 1 carries almost no current: 50 % of nearly nothing is not the largest effect
    const chart = columnCurrentsChart({ title: 't', idealAmperes: [1e-6, 1e-12], irDropAmperes: [0.9e-6, 0.5e-12] });
    expect(chart.note).toMatch(/Largest change from IR drop: 10\.0 % of the largest ideal column current/);
  });
});

describe('.mc results', () => {
  it('give the 95 % confidence interval of the mean (Student t), as xbar mse --mc does', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-ci-'));
    const file = join(folder, 'ci.xbar');
    writeFileSync(
      file,
      [
        '.model cell gaussian (gmin=0 sigma_prog=2u)',
        '.array a rows=4 cols=4 model=cell',
        '.weights W [[0.5 -0.2] [0.3 0.8]]',
        '.inputs X [[1 0.5] [0.2 -1]]',
        '.mc array=a weights=W inputs=X runs=6',
        '',
      ].join('\n'),
    );
    const result = await runXbar(['run', file, '--format', 'json']);
    expect(result.code).toBe(0);
    const [row] = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, number>[] }[] }).analyses[0].rows;
    expect(row.mse_ci95).toBeCloseTo((studentT975(5) * row.mse_std) / Math.sqrt(6), 15);
  });
});
