import { resolve } from 'node:path';
import { defaultThreads } from '../parallel/pool.js';
import type { RunFormat, XbarConfig } from './schema.js';

/** Settings of a run as given on the command line (undefined = flag not given). */
export interface RunFlags {
  readonly seed?: number;
  readonly threads?: number;
  readonly format?: RunFormat;
  /** As typed; resolved against `cwd`. */
  readonly out?: string;
}

/** Settings of a run after precedence: flags, then the configuration file, then built-in defaults. */
export interface RunSettings {
  /** Seed override for every analysis; undefined = each card's own seed (`.options seed`). */
  readonly seed: number | undefined;
  /** Worker threads (>= 1). Built-in default: the number of logical CPUs. */
  readonly threads: number;
  /** Output format on stdout. Built-in default: table. */
  readonly format: RunFormat;
  /** Absolute output folder, or undefined (nothing written to disk). */
  readonly out: string | undefined;
  /** Where each setting came from, for the report's configuration section. */
  readonly sources: Readonly<Record<'seed' | 'threads' | 'format' | 'out', 'flag' | 'config' | 'default'>>;
}

/**
 * Applies precedence flags > config > built-in defaults. A relative `--out` is taken from `cwd`; a
 * relative `out` in the configuration file was already taken from the file's folder.
 */
export function resolveRunSettings(flags: RunFlags, config: XbarConfig, cwd: string): RunSettings {
  const d = config.defaults;
  const source = (flag: unknown, fromConfig: unknown) => (flag !== undefined ? 'flag' : fromConfig !== undefined ? 'config' : 'default');
  return {
    seed: flags.seed ?? d.seed,
    threads: flags.threads ?? d.threads ?? defaultThreads(),
    format: flags.format ?? d.format ?? 'table',
    out: flags.out !== undefined ? resolve(cwd, flags.out) : d.out,
    sources: {
      seed: source(flags.seed, d.seed),
      threads: source(flags.threads, d.threads),
      format: source(flags.format, d.format),
      out: source(flags.out, d.out),
    },
  };
}
