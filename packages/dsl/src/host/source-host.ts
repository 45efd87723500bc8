/**
 * File access of the netlist language goes through a `SourceHost`, so that the checker itself is pure
 * (no I/O of its own) and embedders decide what a netlist may read. `MemorySourceHost` serves files
 * from a map (tests, editors, browsers); `NodeSourceHost` (node-host.ts) reads the disk.
 */
export interface SourceHost {
  /** The text of `path`, or undefined if it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** The size of `path` in bytes, or undefined if it does not exist. Lets huge files be refused unread. */
  sizeOf(path: string): number | undefined;
  /** The path of `name`, written in `fromFile`, relative to the folder of `fromFile`. */
  resolve(fromFile: string, name: string): string;
  /** The folder of `path`. */
  dirname(path: string): string;
  /** True if `name` is absolute (`/x`, `C:\x`, `\\server\x`). */
  isAbsolute(name: string): boolean;
  /** True if `path` is `folder` or lies inside it (after resolving symbolic links, where there are any). */
  isInside(folder: string, path: string): boolean;
}

/** True for `/x`, `\x`, `C:\x`, `C:/x`. */
export function isAbsolutePath(name: string): boolean {
  return /^([/\\]|[A-Za-z]:[/\\]?)/.test(name);
}

/** Normalizes a `/`-separated path: removes `.` and empty segments, applies `..` where it can. */
export function normalizePosix(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part === '..' && absolute) continue;
    else parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function dirnamePosix(path: string): string {
  const normalized = normalizePosix(path);
  const slash = normalized.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : normalized.slice(0, slash);
}

/** True if `path` is `folder` or below it (both normalized, compared segment by segment). */
export function isInsidePosix(folder: string, path: string): boolean {
  const base = normalizePosix(folder);
  const target = normalizePosix(path);
  if (base === '.') return !target.startsWith('/') && target !== '..' && !target.startsWith('../');
  return target === base || target.startsWith(base.endsWith('/') ? base : `${base}/`);
}

/** Files served from memory, by `/`-separated path. */
export class MemorySourceHost implements SourceHost {
  private readonly files: Map<string, string>;

  constructor(files: Readonly<Record<string, string>> | ReadonlyMap<string, string> = {}) {
    const entries = isMap(files) ? [...files.entries()] : Object.entries(files);
    this.files = new Map(entries.map(([path, text]) => [normalizePosix(path), text]));
  }

  set(path: string, text: string): void {
    this.files.set(normalizePosix(path), text);
  }

  readFile(path: string): string | undefined {
    return this.files.get(normalizePosix(path));
  }

  sizeOf(path: string): number | undefined {
    return this.files.get(normalizePosix(path))?.length;
  }

  resolve(fromFile: string, name: string): string {
    if (isAbsolutePath(name)) return normalizePosix(name);
    const folder = dirnamePosix(fromFile);
    return normalizePosix(folder === '.' ? name : `${folder}/${name}`);
  }

  dirname(path: string): string {
    return dirnamePosix(path);
  }

  isAbsolute(name: string): boolean {
    return isAbsolutePath(name);
  }

  isInside(folder: string, path: string): boolean {
    return isInsidePosix(folder, path);
  }
}

function isMap(files: Readonly<Record<string, string>> | ReadonlyMap<string, string>): files is ReadonlyMap<string, string> {
  return files instanceof Map;
}
