import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * True when this module runs from the TypeScript sources (under vitest or tsx), false from the built
 * `dist` JavaScript.
 */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Starts a pool worker thread.
 *
 * From `dist`, the worker is plain `worker-entry.js` and inherits the process's Node options.
 *
 * From the sources, Node cannot load `.ts` by itself, and loader hooks given to a worker with
 * `--import` are not active yet when the worker's main module loads. So the worker starts from a
 * two-line bootstrap (eval'd JavaScript) that first registers tsx's ESM loader in the worker
 * (`register()` of `tsx/esm/api`), then imports `worker-entry.ts`. The worker also gets
 * `--conditions=@xbar/source`, so that `@xbar/*` imports resolve to the workspace's TypeScript
 * sources like in the parent (vitest.config.ts and the `tsx --conditions=@xbar/source` scripts).
 */
export function launchWorker(): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL('./worker-entry.js', import.meta.url));
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: ['--conditions=@xbar/source'] });
}

let cachedTsxUrl: string | undefined;

/**
 * The file: URL of tsx's ESM API module (`tsx/esm/api`, import condition), from tsx's package.json
 * exports. `createRequire(...).resolve('tsx/esm/api')` would give the CommonJS build, which cannot
 * register ESM hooks when imported from an ES module.
 */
function tsxEsmApiUrl(): string {
  if (cachedTsxUrl) return cachedTsxUrl;
  let packageJsonPath: string;
  try {
    packageJsonPath = createRequire(import.meta.url).resolve('tsx/package.json');
  } catch {
    throw new Error('running xbar from its TypeScript sources with worker threads needs the tsx package (a dev dependency of the workspace)');
  }
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const relative = manifest.exports?.['./esm/api']?.import?.default;
  if (!relative) throw new Error(`${packageJsonPath} has no "./esm/api" import export`);
  cachedTsxUrl = pathToFileURL(join(dirname(packageJsonPath), relative)).href;
  return cachedTsxUrl;
}
