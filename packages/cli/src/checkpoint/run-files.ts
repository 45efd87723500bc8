import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Design } from '@xbar/dsl';
import { resolvePlugin } from '../config/plugins.js';
import type { XbarConfig } from '../config/schema.js';
import type { FileContent } from './key.js';

/**
 * Every file a run reads, by the name the user knows it by, with its content: the netlist and its
 * includes, the data files of `.weights`, `.inputs` and `.labels` (`npy=`, `idx=`, `onnx=`), the
 * configuration file and each plugin's entry file. Names are paths as the netlist gives them
 * (relative to `cwd`), or relative to `cwd` for the configuration and plugins when inside it.
 */
export function readRunFiles(design: Design, config: XbarConfig, cwd: string): Map<string, FileContent> {
  const paths = new Map<string, string>();
  for (const file of design.files) paths.set(file, resolve(cwd, file));
  for (const definitions of [design.weights, design.inputs, design.labels]) {
    for (const { source } of definitions.values()) if (source.kind === 'npy' || source.kind === 'idx' || source.kind === 'onnx') paths.set(source.path, resolve(cwd, source.path));
  }
  const shown = (path: string) => {
    const inside = relative(cwd, path);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
  };
  if (config.path !== undefined) paths.set(shown(config.path), config.path);
  for (const plugin of config.plugins) {
    const path = fileURLToPath(resolvePlugin(plugin));
    paths.set(shown(path), path);
  }
  return new Map([...paths].map(([name, path]) => [name, readOrUndefined(path)]));
}

function readOrUndefined(path: string): FileContent {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
