import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runtimeError } from '../exit-codes.js';
import { findConfigFile } from './find.js';
import { EMPTY_CONFIG, type XbarConfig, parseConfig } from './schema.js';

/**
 * The configuration that applies to the netlist `netlistPath` (relative to `cwd`): the nearest
 * `xbar.config.yaml` at or above the netlist's folder (see `findConfigFile`), parsed and validated, or
 * the empty configuration when there is none. An unreadable file is a runtime error (exit 3), a bad
 * one a usage error (exit 2) with file:line.
 */
export function loadConfigForNetlist(netlistPath: string, cwd: string): XbarConfig {
  const path = findConfigFile(dirname(resolve(cwd, netlistPath)));
  return path === undefined ? EMPTY_CONFIG : readConfigFile(path);
}

/** Reads and validates one configuration file. */
export function readConfigFile(path: string): XbarConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw runtimeError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseConfig(text, path);
}
