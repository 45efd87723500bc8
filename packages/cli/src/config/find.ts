import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The name of xbar's project configuration file. */
export const CONFIG_FILE_NAME = 'xbar.config.yaml';

/**
 * The nearest `xbar.config.yaml` at or above `startFolder`: the folder itself, then each parent, up to
 * the project root, which is the first folder that holds a `.git` entry, else the user's home folder
 * `home`, else the filesystem root (the root's own config file still counts). A configuration above
 * the project root is never loaded. Undefined if there is none.
 */
export function findConfigFile(startFolder: string, home: string = homedir()): string | undefined {
  const homeFolder = resolve(home);
  let folder = resolve(startFolder);
  for (;;) {
    const candidate = join(folder, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (existsSync(join(folder, '.git')) || folder === homeFolder) return undefined;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
