/**
 * The disk `SourceHost` for Node (used by the CLI). Paths stay as the user wrote them (relative to the
 * working directory when the top file is relative), so diagnostics show familiar names. `isInside`
 * resolves symbolic links, so a link cannot smuggle a file from outside the netlist's folder.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SourceHost } from './source-host.js';

export class NodeSourceHost implements SourceHost {
  /** `cwd`: the folder relative paths are read from (defaults to the process's). */
  constructor(private readonly cwd: string = process.cwd()) {}

  private absolute(file: string): string {
    return path.resolve(this.cwd, file);
  }

  readFile(file: string): string | undefined {
    try {
      return readFileSync(this.absolute(file), 'utf8');
    } catch {
      return undefined;
    }
  }

  sizeOf(file: string): number | undefined {
    try {
      const stat = statSync(this.absolute(file));
      return stat.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  }

  resolve(fromFile: string, name: string): string {
    if (path.isAbsolute(name)) return path.normalize(name);
    return path.normalize(path.join(path.dirname(fromFile), name));
  }

  dirname(file: string): string {
    return path.dirname(file);
  }

  isAbsolute(name: string): boolean {
    return path.isAbsolute(name) || /^[A-Za-z]:[/\\]/.test(name) || name.startsWith('\\\\');
  }

  isInside(folder: string, file: string): boolean {
    const base = realOrResolved(this.absolute(folder));
    const target = realOrResolved(this.absolute(file));
    const relative = path.relative(base, target);
    // `..name` is a file inside; only `..` itself and `../...` leave the folder
    const leaves = relative === '..' || relative.startsWith(`..${path.sep}`);
    return relative === '' || (!leaves && !path.isAbsolute(relative));
  }
}

/**
 * The real path of `file`; for a missing file, the real path of its nearest existing folder plus the
 * rest. The existing folders are a prefix of the path's components, found by bisection: a few
 * realpath calls whatever the depth (no recursion, no call per level).
 */
function realOrResolved(file: string): string {
  const real = tryRealpath(file);
  if (real !== undefined) return real;
  const { root } = path.parse(file);
  const parts = file.slice(root.length).split(path.sep).filter((part) => part !== '');
  const prefix = (count: number) => path.join(root, ...parts.slice(0, count));
  // the longest prefix (0 .. parts.length - 1 components) that exists
  let exists = 0;
  let missing = parts.length;
  while (missing - exists > 1) {
    const middle = (exists + missing) >> 1;
    if (tryRealpath(prefix(middle)) !== undefined) exists = middle;
    else missing = middle;
  }
  return path.join(tryRealpath(prefix(exists)) ?? prefix(exists), ...parts.slice(exists));
}

function tryRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
