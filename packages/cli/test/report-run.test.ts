import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isTimeSweep } from '../src/report/retention.js';
import { runXbar } from './helpers.js';
import { openReport, skipBrowserTests } from './report-browser.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'xbar-report-run-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Where the screenshot of the quickstart report goes, to look at by hand. */
const SCREENSHOT = join(tmpdir(), 'xbar-report-quickstart.png');

/** The charts embedded in a report: id, Chart.js configuration (as JSON). */
interface EmbeddedChart {
  readonly id: string;
  readonly config: {
    readonly type: string;
    readonly data: { readonly labels?: unknown[]; readonly datasets: { readonly label: string; readonly data: unknown[] }[] };
    readonly options: { readonly plugins: { readonly title: { readonly text: string } }; readonly scales: Record<string, { type?: string; title?: { text: string } }> };
  };
}

function embeddedCharts(html: string): EmbeddedChart[] {
  const json = /<script type="application\/json" id="xbar-charts">([\s\S]*?)<\/script>/.exec(html)?.[1];
  expect(json).toBeDefined();
  return JSON.parse(json!) as EmbeddedChart[];
}

const headings = (html: string) => [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]);
const labels = (chart: EmbeddedChart) => chart.config.data.datasets.map((d) => d.label);

interface JsonTable {
  readonly kind: string;
  readonly columns: string[];
  readonly rows: Record<string, number | string>[];
}

describe('report.html of xbar run examples/quickstart.xbar', () => {
  const out = join(folder, 'quickstart');
  const run = runXbar(['run', 'examples/quickstart.xbar', '--out', out, '--quiet', '--threads', '1'], root);

  it('plots MSE per error source, analytical vs Monte-Carlo and column currents with and without IR drop', async () => {
    expect((await run).code).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(headings(html)).toEqual(['Configuration', 'Results', 'MSE per layer and error source', 'Analytical vs Monte-Carlo MSE', 'Column currents with and without IR drop', 'Netlist']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { analyses: JsonTable[] };
    const mse = results.analyses.find((a) => a.kind === 'mse')!;
    const mc = results.analyses.find((a) => a.kind === 'mc')!;
    expect(mse.columns).toEqual(expect.arrayContaining(['mse', 'variance', 'bias_squared', 'mse_programming', 'mse_read', 'mse_quantization', 'mse_adc']));
    expect(mc.columns).toEqual(expect.arrayContaining(['mse_mean', 'mse_W', 'mse_std_W']));

    const [breakdown, versus, currents] = embeddedCharts(html);
    expect(breakdown.config.type).toBe('bar');
    expect(breakdown.config.data.labels).toEqual(['W', 'output (W)']);
    expect(labels(breakdown)).toEqual(['weight quantization', 'programming noise', 'read noise', 'DAC', 'ADC', "the card's sources together"]);
    expect(breakdown.config.options.scales.y.type).toBe('logarithmic');
    expect(breakdown.config.data.datasets.at(-1)!.data).toEqual(mse.rows.map((row) => row.mse));

    expect(labels(versus)).toEqual(['Monte-Carlo mean', '95 % CI', 'y = x']);
    expect(versus.config.options.scales.x.type).toBe('logarithmic');
    expect(versus.config.options.scales.y.type).toBe('logarithmic');
    expect(versus.config.data.datasets[0].data).toEqual([{ x: mse.rows.at(-1)!.mse, y: mc.rows[0].mse_mean }]);

    expect(labels(currents)).toEqual(['ideal wires', 'with IR drop']);
    const [ideal, withIr] = currents.config.data.datasets.map((d) => d.data as number[]);
    expect(ideal).toHaveLength(6); // 3 outputs on differential column pairs
    ideal.forEach((current, j) => {
      expect(Math.abs(withIr[j])).toBeLessThan(Math.abs(current)); // the wires only lose voltage
      expect(Math.abs(withIr[j])).toBeGreaterThan(0.99 * Math.abs(current));
    });
    expect(html).toMatch(/Largest change from IR drop: [0-9.]+ % of the largest ideal column current/);
  });

  it.skipIf(skipBrowserTests('report-run.test.ts'))('draws every chart in headless Chromium without console errors', async () => {
    expect((await run).code).toBe(0);
    const { status, canvases, problems, requests } = await openReport(join(out, 'report.html'), { screenshot: SCREENSHOT });
    expect(status).toBe('ready');
    expect(canvases.map((c) => c.id)).toEqual(['chart-1', 'chart-2', 'chart-3']);
    for (const canvas of canvases) {
      expect(canvas.hasChart, canvas.id).toBe(true);
      expect(canvas.drawnPixels, canvas.id).toBeGreaterThan(2000);
    }
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('report.html of a network with .mse and .mc', () => {
  it('puts a point per hidden layer and one for the output on the analytical vs Monte-Carlo plot', async () => {
    const netlist = join(folder, 'mlp.xbar');
    writeFileSync(
      netlist,
      [
        '.model cell gaussian (sigma_prog=1u rel_read=0.01)',
        '.array tile rows=4 cols=8 model=cell dac_range=4',
        '.weights W1 [[0.5 -0.2 0.1] [-0.3 0.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 0.6]]',
        '.weights W2 [[1 0] [0 1] [1 1]]',
        '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 0.1]]',
        '.network mlp',
        '.layer hidden weights=W1 array=tile activation=relu',
        '.layer out weights=W2 array=tile',
        '.endnetwork',
        '.mc net=mlp inputs=X metric=mse runs=40',
        '.mse net=mlp inputs=X',
        '.end',
        '',
      ].join('\n'),
    );
    const out = join(folder, 'mlp');
    const result = await runXbar(['run', netlist, '--out', out, '--quiet', '--threads', '1']);
    expect(result.code).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const versus = embeddedCharts(html).find((chart) => chart.config.options.plugins.title.text.startsWith('Analytical'))!;
    expect(versus.config.data.datasets[0].data).toHaveLength(2);
    expect(html).toContain('Points: hidden, output (out).');
  });
});

describe('report.html of a sweep over the time after programming', () => {
  it('plots the metric against the read time on a log axis instead of the sweep plot', async () => {
    const netlist = join(folder, 'retention.xbar');
    writeFileSync(
      netlist,
      [
        '.title "retention"',
        '.param tread=1',
        '.model cell rram (drift_coeff=0.02 drift_sigma=0.01 rel_read=0.01)',
        '.array tile rows=4 cols=8 model=cell',
        '.weights W [[0.5 -0.2 0.1] [-0.3 0.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 0.6]]',
        '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 0.1]]',
        '.mc array=tile weights=W inputs=X metric=mse runs=4 time={tread}',
        '.step tread list 1 3600 86400 31536000',
        '.end',
        '',
      ].join('\n'),
    );
    const out = join(folder, 'retention');
    const result = await runXbar(['run', netlist, '--out', out, '--quiet', '--threads', '1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(headings(html)).toContain('Metric vs time after programming');
    expect(headings(html)).not.toContain('Metric vs sweep parameter');
    const [chart] = embeddedCharts(html);
    expect(chart.config.options.scales.x).toMatchObject({ type: 'logarithmic', title: { text: 'time after programming (s)' } });
    expect(labels(chart)).toContain('mc');
    expect((chart.config.data.datasets.find((d) => d.label === 'mc')!.data as { x: number }[]).map((p) => p.x)).toEqual([1, 3600, 86400, 31536000]);
  });

  it('takes a sweep for one over time when its name says so or the netlist reads at it', () => {
    expect(isTimeSweep({ param: 'readtime', scale: 'dec' }, '')).toBe(true);
    expect(isTimeSweep({ param: 'tread', scale: 'list' }, '.compare models=(a b) net=n metric=mse time={tread}')).toBe(true);
    expect(isTimeSweep({ param: 't', scale: 'list' }, '.options readtime={t * 3600}')).toBe(true);
    expect(isTimeSweep({ param: 't', scale: 'list' }, '.param gon={t * 2}\n.mc net=n time={tr}')).toBe(false);
    expect(isTimeSweep({ param: 'gon', scale: 'list' }, '.mc net=n time={tread}')).toBe(false);
  });
});
