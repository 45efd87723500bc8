import { createHash } from 'node:crypto';

/** A JSON value with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * What a run's checkpoint is valid for: the options that change results (seed, --allow-outside,
 * plugins; not threads or output format, which do not) and the content of every file the run read.
 * A checkpoint is only resumed by a run with the same identity.
 */
export interface RunIdentity {
  /** SHA-256 (hex) of the options as canonical JSON. */
  readonly options: string;
  /** SHA-256 (hex) of each file's bytes, by the name the user knows it by; `missing` for a file that could not be read. */
  readonly files: Readonly<Record<string, string>>;
}

/** The content of a file the run read, or undefined if it could not be read. */
export type FileContent = string | Uint8Array | undefined;

/** The identity of a run from its options and the content of the files it read, by name. */
export function runIdentity(options: Readonly<Record<string, unknown>>, files: ReadonlyMap<string, FileContent>): RunIdentity {
  return {
    options: sha256(canonicalJson(options)),
    files: Object.fromEntries([...files].map(([name, content]) => [name, content === undefined ? 'missing' : sha256(content)])),
  };
}

/** Why a run of identity `now` may not resume a checkpoint of `saved` (the first difference found), or undefined if it may. */
export function identityChange(saved: RunIdentity, now: RunIdentity): string | undefined {
  for (const [name, hash] of Object.entries(now.files)) {
    const before = saved.files[name];
    if (before === undefined) return `${name} was not read by the run that wrote it`;
    if (before !== hash) return `${name} changed since it was written`;
  }
  for (const name of Object.keys(saved.files)) if (!(name in now.files)) return `${name} was read by the run that wrote it and is not read now`;
  if (saved.options !== now.options) return 'it was written with other options (seed, --allow-outside or plugins)';
  return undefined;
}

/** The id of one sweep point from its parameter values (order of keys does not matter). */
export function pointId(values: Readonly<Record<string, number | string>>): string {
  return canonicalJson(values);
}
