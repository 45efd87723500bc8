import { dirname, resolve } from 'node:path';
import { LineCounter, type Node, type Pair, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { type XbarError, usageError } from '@xbar/session';

/** Output formats of `xbar run`. */
export const RUN_FORMATS = ['table', 'json', 'csv'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

/** Project defaults of `xbar.config.yaml`; every field optional, flags override them. */
export interface ConfigDefaults {
  /** Seed of every analysis (overrides the netlist's `.options seed`), integer in [0, 4294967295]. */
  readonly seed?: number;
  /** Worker threads, integer >= 1. */
  readonly threads?: number;
  /** Output format of `xbar run` on stdout. */
  readonly format?: RunFormat;
  /** Output folder of `xbar run` (absolute; a relative path in the file is taken from the file's folder). */
  readonly out?: string;
}

/** A plugin named in `plugins:`: a package name or a path, and where it is written. */
export interface PluginReference {
  /** As written: `xbar-fefet`, `@lab/devices`, `./plugins/fefet.js`. */
  readonly specifier: string;
  /** Folder the specifier is resolved from (the configuration file's folder). */
  readonly baseFolder: string;
  /** `file:line` of the entry, for messages. */
  readonly where: string;
}

/** A loaded configuration. `path` is undefined when no file was found (built-in defaults only). */
export interface XbarConfig {
  readonly path: string | undefined;
  readonly defaults: ConfigDefaults;
  readonly plugins: readonly PluginReference[];
}

/** The configuration when there is no file. */
export const EMPTY_CONFIG: XbarConfig = { path: undefined, defaults: {}, plugins: [] };

const TOP_LEVEL_KEYS = ['defaults', 'plugins'] as const;
const DEFAULT_KEYS = ['seed', 'threads', 'format', 'out'] as const;
const MAX_SEED = 4294967295;

/**
 * Parses and validates the text of an `xbar.config.yaml` at `path`. Every problem is a usage error
 * (exit 2) as `path:line:column: message`: YAML syntax, unknown keys (typos are not ignored), wrong
 * types and out-of-range values. An empty file is an empty configuration.
 */
export function parseConfig(text: string, path: string): XbarConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${Math.max(1, line)}:${col}`;
  };
  const fail = (node: Node | null | undefined, message: string): XbarError => usageError(`${at(node)}: ${message}`);

  const syntaxError = document.errors[0];
  if (syntaxError) {
    const position = syntaxError.linePos?.[0];
    const message = syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw usageError(`${path}:${position?.line ?? 1}:${position?.col ?? 1}: ${message}`);
  }

  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { path, defaults: {}, plugins: [] };
  if (!isMap(root)) throw fail(root, `the configuration must be a mapping with keys ${TOP_LEVEL_KEYS.join(', ')}`);

  let defaults: ConfigDefaults = {};
  let plugins: PluginReference[] = [];
  for (const pair of root.items) {
    const key = keyOf(pair, fail, TOP_LEVEL_KEYS, 'top-level key');
    const value = pair.value as Node | null;
    if (key === 'defaults') defaults = parseDefaults(value, path, fail);
    else plugins = parsePlugins(value, path, fail, at);
  }
  return { path, defaults, plugins };
}

type Fail = (node: Node | null | undefined, message: string) => XbarError;

function keyOf<K extends string>(pair: Pair, fail: Fail, allowed: readonly K[], what: string): K {
  const keyNode = pair.key as Node | null;
  const key = isScalar(keyNode) ? keyNode.value : undefined;
  if (typeof key !== 'string' || !(allowed as readonly string[]).includes(key)) {
    throw fail(keyNode, `unknown ${what} '${String(key)}'; expected one of: ${allowed.join(', ')}`);
  }
  return key as K;
}

function parseDefaults(node: Node | null, path: string, fail: Fail): ConfigDefaults {
  if (node === null || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) throw fail(node, `'defaults' must be a mapping with keys ${DEFAULT_KEYS.join(', ')}`);
  const result: { seed?: number; threads?: number; format?: RunFormat; out?: string } = {};
  for (const pair of node.items) {
    const key = keyOf(pair, fail, DEFAULT_KEYS, 'key in defaults');
    const valueNode = pair.value as Node | null;
    const value = isScalar(valueNode) ? valueNode.value : undefined;
    switch (key) {
      case 'seed':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
          throw fail(valueNode, `defaults.seed must be an integer in [0, ${MAX_SEED}], got ${describe(valueNode)}`);
        }
        result.seed = value;
        break;
      case 'threads':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw fail(valueNode, `defaults.threads must be an integer >= 1, got ${describe(valueNode)}`);
        }
        result.threads = value;
        break;
      case 'format':
        if (typeof value !== 'string' || !(RUN_FORMATS as readonly string[]).includes(value)) {
          throw fail(valueNode, `defaults.format must be one of ${RUN_FORMATS.join(', ')}, got ${describe(valueNode)}`);
        }
        result.format = value as RunFormat;
        break;
      case 'out':
        if (typeof value !== 'string' || value.trim() === '') throw fail(valueNode, `defaults.out must be a folder path, got ${describe(valueNode)}`);
        result.out = resolve(dirname(path), value);
        break;
    }
  }
  return result;
}

function parsePlugins(node: Node | null, path: string, fail: Fail, at: (node: Node | null | undefined) => string): PluginReference[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) throw fail(node, `'plugins' must be a list of package names or paths`);
  return node.items.map((item) => {
    const entry = item as Node | null;
    const value = isScalar(entry) ? entry.value : undefined;
    if (typeof value !== 'string' || value.trim() === '') throw fail(entry, `a plugin must be a package name or a path, got ${describe(entry)}`);
    return { specifier: value, baseFolder: dirname(path), where: at(entry) };
  });
}

/** A value for an error message: the scalar's source text, or its kind. */
function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'nothing' : JSON.stringify(node.value);
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'an unsupported value';
}
