import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium';

/** Skip the browser tests only when Chromium is missing outside CI (in CI it is required). */
export function skipBrowserTests(file: string): boolean {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) console.warn(`${file}: skipping the browser test: ${CHROMIUM} not found (install Debian's chromium package; in CI it is required)`);
  return skip;
}

/** What the page says about each canvas. */
export interface CanvasReport {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly hasChart: boolean;
  readonly datasets: number;
  readonly drawnPixels: number;
}

/** What a report showed in Chromium. */
export interface BrowserReport {
  /** `data-charts` of `<body>`: `ready` once every chart is drawn. */
  readonly status: string | null;
  readonly canvases: readonly CanvasReport[];
  /** Console errors and warnings, page errors. */
  readonly problems: readonly string[];
  /** Requests other than file: URLs (a self-contained report makes none). */
  readonly requests: readonly string[];
  /** The result of `evaluate`, if given. */
  readonly evaluated?: unknown;
}

/** In the page: each canvas's size, its Chart.js instance, and how many of its pixels are not transparent. */
const INSPECT_CANVASES = `Array.from(document.querySelectorAll('canvas')).map((canvas) => {
  const chart = Chart.getChart(canvas);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let k = 3; k < pixels.length; k += 4) if (pixels[k] !== 0) drawn++;
  return { id: canvas.id, width: canvas.width, height: canvas.height, hasChart: chart !== undefined, datasets: chart ? chart.data.datasets.length : 0, drawnPixels: drawn };
})`;

/**
 * Opens a report file in headless Chromium (fresh empty profile, no network traffic of its own), waits
 * for its charts, and reports the canvases, console and page errors and outside requests; optionally
 * evaluates `evaluate` (browser code as a string: the type check has no DOM library) and saves a
 * full-page screenshot.
 */
export async function openReport(path: string, options: { screenshot?: string; evaluate?: string } = {}): Promise<BrowserReport> {
  const profile = mkdtempSync(join(tmpdir(), 'xbar-chromium-profile-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-charts]', { timeout: 20_000 });
    const status = await page.getAttribute('body', 'data-charts');
    const canvases = await page.evaluate<CanvasReport[]>(INSPECT_CANVASES);
    const evaluated = options.evaluate !== undefined ? await page.evaluate(options.evaluate) : undefined;
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    return { status, canvases, problems, requests, ...(options.evaluate !== undefined ? { evaluated } : {}) };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
