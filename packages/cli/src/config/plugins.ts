import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DeviceRegistry, loadDeviceRegistry } from '@xbar/core';
import { loadDefaultRegistry, usageError } from '@xbar/session';
import { RUNNING_FROM_SOURCE } from '../parallel/worker-launch.js';
import type { PluginReference, XbarConfig } from './schema.js';

/** An inversify ContainerModule as core's device container takes it. */
export type DevicePluginModule = Parameters<typeof loadDeviceRegistry>[0][number];

/**
 * The CLI's device registry (`loadDefaultRegistry`: built-in and bundled models) plus the models of every
 * plugin in `config.plugins`, in order. A plugin model whose name is taken is refused (usage error
 * naming the plugin), as is a plugin that cannot be found, fails to load, or exports no ContainerModule;
 * with `skipFailing`, such a plugin is left out and its error passed to it instead (for listings).
 */
export async function loadRegistryWithPlugins(config: XbarConfig, skipFailing?: (error: Error) => void): Promise<DeviceRegistry> {
  const registry = loadDefaultRegistry();
  for (const plugin of config.plugins) {
    try {
      registerPluginModels(registry, plugin, await importPluginModule(plugin));
    } catch (error) {
      if (!skipFailing || !(error instanceof Error)) throw error;
      skipFailing(error);
    }
  }
  return registry;
}

function registerPluginModels(registry: DeviceRegistry, plugin: PluginReference, module: DevicePluginModule): void {
  try {
    for (const model of loadDeviceRegistry([module]).list()) registry.register(model);
  } catch (error) {
    throw usageError(`${plugin.where}: plugin '${plugin.specifier}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Imports a plugin and returns its ContainerModule: the export named `devicesModule`, else the default
 * export. Anything else is refused with a message saying what to export.
 */
export async function importPluginModule(plugin: PluginReference): Promise<DevicePluginModule> {
  const url = resolvePlugin(plugin);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(url);
  } catch (error) {
    throw usageError(`${plugin.where}: cannot load plugin '${plugin.specifier}' (${url}): ${error instanceof Error ? error.message : String(error)}`);
  }
  const candidate = exports.devicesModule ?? exports.default;
  if (!isContainerModule(candidate)) {
    const found = Object.keys(exports).join(', ') || 'nothing';
    throw usageError(
      `${plugin.where}: plugin '${plugin.specifier}' exports no device ContainerModule; ` +
        `export one as \`devicesModule\` (or as the default export), e.g. \`export const devicesModule = deviceModule([myModel])\` with deviceModule from @xbar/core (it exports: ${found})`,
    );
  }
  return candidate;
}

/**
 * A plugin's exports. A TypeScript plugin (`.ts`, `.mts`, `.cts`) is compiled on import by tsx, so
 * plugin authors need no build step; from xbar's own TypeScript sources (the tests), the runner that
 * runs them already compiles it.
 */
async function importModule(url: string): Promise<Record<string, unknown>> {
  if (!RUNNING_FROM_SOURCE && /\.[mc]?ts$/i.test(new URL(url).pathname)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** An inversify ContainerModule (possibly from another copy of inversify): an object with `id` and `load()`. */
function isContainerModule(value: unknown): value is DevicePluginModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { id?: unknown; load?: unknown };
  return typeof candidate.load === 'function' && typeof candidate.id === 'number';
}

/**
 * The file: URL of a plugin: a path (starting with `.`, `/` or a drive) from the configuration file's
 * folder, or a package name looked up in `node_modules` folders from there upwards, its entry point
 * from package.json `exports["."]` (conditions `import`, then `default`), else `module`, `main`,
 * `index.js`.
 */
export function resolvePlugin(plugin: PluginReference): string {
  const { specifier, baseFolder } = plugin;
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = resolve(baseFolder, specifier);
    if (!existsSync(path)) throw usageError(`${plugin.where}: plugin file not found: ${path}`);
    return pathToFileURL(path).href;
  }
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(specifier)) {
    throw usageError(`${plugin.where}: plugin '${specifier}' is neither a package name nor a path (start paths with ./ or /)`);
  }
  for (let folder = resolve(baseFolder); ; folder = dirname(folder)) {
    const packageFolder = join(folder, 'node_modules', specifier);
    const manifestPath = join(packageFolder, 'package.json');
    if (existsSync(manifestPath)) return pathToFileURL(join(packageFolder, packageEntry(manifestPath))).href;
    if (dirname(folder) === folder) break;
  }
  throw usageError(`${plugin.where}: plugin package '${specifier}' not found in node_modules from ${baseFolder} upwards; install it, or give a path`);
}

type ExportTarget = string | null | { readonly [condition: string]: ExportTarget } | readonly ExportTarget[];

function packageEntry(manifestPath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: ExportTarget; module?: string; main?: string };
  const exportsField = manifest.exports;
  const root = exportsField !== null && typeof exportsField === 'object' && !Array.isArray(exportsField) && '.' in exportsField ? exportsField['.'] : exportsField;
  return pickCondition(root) ?? manifest.module ?? manifest.main ?? 'index.js';
}

function pickCondition(target: ExportTarget | undefined): string | undefined {
  if (target === undefined || target === null) return undefined;
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target as readonly ExportTarget[]) {
      const found = pickCondition(item);
      if (found) return found;
    }
    return undefined;
  }
  const conditions = target as { readonly [condition: string]: ExportTarget };
  return pickCondition(conditions.import) ?? pickCondition(conditions.default) ?? pickCondition(conditions.node);
}
