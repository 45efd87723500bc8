import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runtimeError } from '@xbar/session';
import { findConfigFile } from './find.js';
import { EMPTY_CONFIG, type XbarConfig, parseConfig } from './schema.js';

/**
 * Help of `--no-config`, the flag of every command that reads the project configuration: its plugins
 * are code, so a netlist from elsewhere is checked or run without it.
 */
export const NO_CONFIG_HELP = 'ignore xbar.config.yaml: built-in devices and defaults only, no plugin code loaded (for netlists you do not trust)';

/**
 * The configuration of the project in or above `startFolder` (see `findConfigFile`), parsed and
 * validated; the empty configuration when there is none or `useConfig` is false (`--no-config`). An
 * unreadable file is a runtime error (exit 3), a bad one a usage error (exit 2) with file:line.
 */
export function loadProjectConfig(startFolder: string, useConfig: boolean): XbarConfig {
  const path = useConfig ? findConfigFile(startFolder) : undefined;
  return path === undefined ? EMPTY_CONFIG : readConfigFile(path);
}

/** The configuration that applies to the netlist `netlistPath` (relative to `cwd`): the project's of the netlist's folder. */
export function loadConfigForNetlist(netlistPath: string, cwd: string, useConfig: boolean): XbarConfig {
  return loadProjectConfig(dirname(resolve(cwd, netlistPath)), useConfig);
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
