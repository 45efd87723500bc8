import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A job function: takes its JSON-serializable arguments, returns a structured-cloneable result. */
export type JobFunction = (args: unknown) => unknown;

/** The file: URL of a job module given as a URL, a file: URL string, or an absolute path. */
export function jobModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new Error(`job module must be an absolute path or a file: URL, got '${module}'`);
}

/**
 * The URL of module `name` (no extension) next to the calling module, with the caller's own extension:
 * `.ts` when running from the TypeScript sources (vitest, tsx), `.js` from the built dist.
 * Example: `siblingModule(import.meta.url, 'jobs/trial-range')`.
 */
export function siblingModule(callerUrl: string, name: string): URL {
  const extension = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl);
}

const loaded = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a job module (once per thread) and returns its exported function `exportName`. */
export async function loadJobFunction(moduleUrl: string, exportName: string): Promise<JobFunction> {
  let module = loaded.get(moduleUrl);
  if (!module) {
    module = import(moduleUrl) as Promise<Record<string, unknown>>;
    loaded.set(moduleUrl, module);
  }
  const exported = (await module)[exportName];
  if (typeof exported !== 'function') throw new Error(`job module ${moduleUrl} has no exported function '${exportName}'`);
  return exported as JobFunction;
}
