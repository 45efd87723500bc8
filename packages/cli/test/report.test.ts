import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import type { ReportData } from '../src/report/data.js';
import { escapeHtml, jsonForScript } from '../src/report/html.js';
import { renderReport } from '../src/report/render.js';
import { openReport, skipBrowserTests } from './report-browser.js';

/** Where the screenshot of the full report and a copy of the page go, to look at by hand. */
const SCREENSHOT = join(tmpdir(), 'xbar-report.png');
const PAGE_COPY = join(tmpdir(), 'xbar-report.html');
const INJECTION = '</script><script>window.__injected = 1</script><img src=x onerror="window.__injected = 2">';

/** A report with every plot kind, and hostile text wherever the user writes text. */
function sampleReport(): ReportData {
  const gon = [10e-6, 31.6e-6, 100e-6, 316e-6, 1e-3];
  const hours = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];
  return {
    title: `quickstart ${INJECTION}`,
    run: {
      netlistPath: 'examples/quickstart.xbar',
      netlistText: `.title "quickstart"\n* ${INJECTION}\n.param gon=100u\n.mc net=mlp inputs=X runs=100\n.end\n`,
      command: 'xbar run examples/quickstart.xbar --out out --seed 42',
      options: { seed: 42, threads: 2, format: 'table', out: '/tmp/out', resume: false, note: INJECTION, plugins: null },
      seed: 42,
      versions: { xbar: '0.1.0', node: process.version, 'chart.js': '4' },
      date: '2025-01-01T12:00:00.000Z',
      configFile: '/proj/xbar.config.yaml',
      durationSeconds: 3.21,
    },
    tables: [
      { title: `.mse array=tile weights=W (line 30) ${INJECTION}`, columns: ['layer', 'mse', 'note'], rows: [['fc1', 1.2345678e-4, INJECTION], ['fc2', 3e-5, '']] },
    ],
    mseBreakdowns: [
      {
        title: 'MSE per layer and error source',
        layers: ['fc1', 'fc2', 'output'],
        sources: [
          { name: 'programming', mse: [2e-4, 1e-4, 3e-4] },
          { name: 'read', mse: [3e-5, 2e-5, 4e-5] },
          { name: 'ADC', mse: [1e-6, 0, 2e-6] },
          { name: `total ${INJECTION}`, mse: [2.31e-4, 1.2e-4, 3.42e-4] },
        ],
        mseUnit: 'output units²',
      },
    ],
    analyticalVsMonteCarlo: [
      {
        title: 'Analytical vs Monte-Carlo MSE',
        points: [
          { label: 'fc1', analyticalMse: 2.3e-4, monteCarloMse: 2.2e-4, ci95: 0.3e-4 },
          { label: 'fc2', analyticalMse: 1.2e-5, monteCarloMse: 1.3e-5, ci95: 0.4e-5 },
          { label: 'fc3', analyticalMse: 4e-7, monteCarloMse: 4.4e-7, ci95: 6e-7 },
        ],
      },
    ],
    sweeps: [
      {
        title: 'Accuracy vs gon',
        parameter: { name: 'gon', unit: 'S' },
        parameterScale: 'log',
        metricLabel: 'accuracy (%)',
        series: [
          { name: 'rram', x: gon, y: [71, 84, 91, 93, 93.5], lower: [66, 80, 89, 92, 92.8], upper: [75, 87, 93, 94, 94.2] },
          { name: 'mtj', x: gon, y: [80, 88, 90, 91, 91.2] },
        ],
      },
    ],
    retention: [
      {
        title: 'Accuracy vs time after programming',
        metricLabel: 'accuracy (%)',
        series: [
          { name: 'pcm', x: hours.map((h) => h * 3600), y: [93, 92.5, 91.6, 90, 87.8, 84, 79, 72], lower: [92, 91.2, 90, 88, 85, 81, 75, 66], upper: [94, 93.5, 93, 91.7, 90, 87, 83, 77] },
          { name: 'pcm + drift compensation', x: hours.map((h) => h * 3600), y: [93, 92.9, 92.7, 92.4, 92, 91.3, 90.4, 89] },
        ],
      },
    ],
    columnCurrents: [
      {
        title: 'Column currents, vector 0',
        idealAmperes: Array.from({ length: 16 }, (_, j) => 40e-6 + 2e-6 * Math.sin(j)),
        irDropAmperes: Array.from({ length: 16 }, (_, j) => (40e-6 + 2e-6 * Math.sin(j)) * (1 - 0.004 * j)),
      },
      {
        title: 'Column currents, 64 columns',
        idealAmperes: Array.from({ length: 64 }, (_, j) => 30e-6 + 5e-6 * Math.cos(j / 5)),
        irDropAmperes: Array.from({ length: 64 }, (_, j) => (30e-6 + 5e-6 * Math.cos(j / 5)) * (1 - 0.002 * j)),
      },
    ],
  };
}

describe('report HTML', () => {
  const html = renderReport(sampleReport());

  it('is one self-contained file: inline CSS and chart.js, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html.length).toBeGreaterThan(150_000); // chart.js is inlined
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toContain('sourceMappingURL');
  });

  it('escapes user text: the injected markup appears only as text', () => {
    expect(html).not.toContain(INJECTION);
    expect(html).toContain(escapeHtml(INJECTION));
    expect(html.match(/<script/g)?.length).toBe(3); // the data, chart.js, the page script
    expect(jsonForScript({ a: '</script><!--' })).toBe('{"a":"\\u003c/script>\\u003c!--"}');
    expect(JSON.parse(jsonForScript({ a: '</script>\u2028' }))).toEqual({ a: '</script>\u2028' });
  });

  it('has a section per plot kind present, and none for absent ones', () => {
    for (const heading of ['Configuration', 'Results', 'MSE per layer and error source', 'Analytical vs Monte-Carlo MSE', 'Metric vs sweep parameter', 'Metric vs time after programming', 'Column currents with and without IR drop', 'Netlist']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    const minimal = renderReport({ title: 't', run: { ...sampleReport().run } });
    expect(minimal).not.toContain('<canvas');
    expect(minimal).toContain('<h2>Configuration</h2>');
  });
});

const skipBrowser = skipBrowserTests('report.test.ts');

describe.skipIf(skipBrowser)('report in headless Chromium', () => {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-report-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('renders every chart offline without console or page errors', async () => {
    const path = join(folder, 'report.html');
    writeFileAtomic(path, renderReport(sampleReport()));
    writeFileAtomic(PAGE_COPY, renderReport(sampleReport()));
    const { status, canvases, problems, requests, evaluated } = await openReport(path, {
      screenshot: SCREENSHOT,
      evaluate: "({ injected: window.__injected, netlist: document.querySelector('#netlist pre').textContent })",
    });
    expect(status).toBe('ready');
    expect(canvases.map((c) => c.id)).toEqual(['chart-1', 'chart-2', 'chart-3', 'chart-4', 'chart-5', 'chart-6']);
    for (const canvas of canvases) {
      expect(canvas.hasChart, canvas.id).toBe(true);
      expect(canvas.width, canvas.id).toBeGreaterThan(100);
      expect(canvas.height, canvas.id).toBeGreaterThan(100);
      expect(canvas.datasets, canvas.id).toBeGreaterThan(0);
      expect(canvas.drawnPixels, canvas.id).toBeGreaterThan(2000);
    }
    const page = evaluated as { injected?: number; netlist: string };
    expect(page.injected).toBeUndefined();
    expect(page.netlist).toContain(INJECTION);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
