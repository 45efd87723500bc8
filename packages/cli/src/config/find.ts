import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The name of xbar's project configuration file. */
export const CONFIG_FILE_NAME = 'xbar.config.yaml';

/**
 * The nearest `xbar.config.yaml` at or above `startFolder`: the folder itself, then each parent, up to
 * the filesystem root or the first folder that holds a `.git` entry (the project root; its own config
 * file still counts). Undefined if there is none.
 */
export function findConfigFile(startFolder: string): string | undefined {
  let folder = resolve(startFolder);
  for (;;) {
    const candidate = join(folder, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (existsSync(join(folder, '.git'))) return undefined;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
