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
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  }
}

/** The real path of `file`; for a missing file, the real path of its nearest existing folder plus the rest. */
function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    const parent = path.dirname(file);
    return parent === file ? file : path.join(realOrResolved(parent), path.basename(file));
  }
}
