import type { DeviceRegistry } from '@xbar/core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CheckOptions, type CheckResult, type Design, type Diagnostic, NodeSourceHost, checkNetlistFile, renderDiagnostics } from '@xbar/dsl';
import { XbarError, ExitCode, runtimeError } from '../errors.js';
import { loadDefaultRegistry } from '../registry.js';
import { OnnxNetworkCache, onnxNetworkDiagnostics } from '../build/onnx-network.js';

/** Where a session resolves relative paths and prints diagnostics (the CLI passes its own io). */
export interface SessionIo {
  /** Working directory against which relative paths are resolved. */
  readonly cwd: string;
  readonly stderr: (text: string) => void;
}

/** How to check a netlist for a command that runs it. */
export interface LoadNetlistOptions {
  /** Parameter values replacing the written ones (lower-case names): one point of a `.step`. */
  readonly paramOverrides?: Readonly<Record<string, number>>;
  /** Let `.include` and data paths leave the netlist's folder. */
  readonly allowOutside?: boolean;
  /** Print warnings (on the first check of a run; not again for every `.step` point). Default true. */
  readonly printWarnings?: boolean;
  /** Device models to check against (with the plugins of xbar.config.yaml); default `loadDefaultRegistry()`. */
  readonly registry?: DeviceRegistry;
  /** The ONNX models of the run, imported once (default: a cache of this check alone). */
  readonly onnx?: OnnxNetworkCache;
}

/**
 * The language's check of `file`, then, when it found no error, the checks that read the ONNX
 * models its networks import (onnx-network.ts): `xbar check` and every command that runs a
 * netlist report the same diagnostics.
 */
export function checkNetlistWithModels(file: string, options: CheckOptions, onnx: OnnxNetworkCache): CheckResult {
  const result = checkNetlistFile(file, options);
  if (!result.ok) return result;
  const found = onnxNetworkDiagnostics(result.design, onnx);
  if (found.length === 0) return result;
  const diagnostics = [...result.diagnostics, ...found].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { ...result, diagnostics, ok: diagnostics.every((d) => d.severity !== 'error') };
}

/**
 * Checks the netlist `file` with the node host and a device registry (`options.registry`, else the
 * CLI's built-in one) and returns its design.
 * Diagnostics are rendered on stderr like `xbar check`; any error ends the command with exit 1.
 */
export function loadNetlist(file: string, io: SessionIo, options: LoadNetlistOptions = {}): Design {
  const host = new NodeSourceHost(io.cwd);
  if (host.sizeOf(file) === undefined) throw runtimeError(`cannot read netlist '${file}': no such file`);
  const checkOptions: CheckOptions = {
    registry: options.registry ?? loadDefaultRegistry(),
    host,
    allowOutsideRoot: options.allowOutside ?? false,
    ...(options.paramOverrides ? { paramOverrides: options.paramOverrides } : {}),
  };
  const result = checkNetlistWithModels(file, checkOptions, options.onnx ?? new OnnxNetworkCache(io.cwd));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.length > 0 || (options.printWarnings ?? true) ? result.diagnostics : [];
  if (shown.length > 0) io.stderr(renderDiagnostics(shown, result.sources));
  if (errors.length > 0) {
    const point = options.paramOverrides ? ` (with ${Object.entries(options.paramOverrides).map(([k, v]) => `${k}=${v}`).join(' ')})` : '';
    throw new XbarError(`${file}${point}: ${errors.length} error${errors.length === 1 ? '' : 's'}`, ExitCode.netlistErrors);
  }
  return result.design;
}

/**
 * Prints a diagnostic found by a command after checking (a run over its work limits, ...) the way
 * `xbar check` prints its own, with the source line, and returns the error ending the command (exit 1).
 */
export function netlistError(diagnostic: Diagnostic, io: SessionIo): XbarError {
  let text: string | undefined;
  try {
    text = readFileSync(resolve(io.cwd, diagnostic.file), 'utf8');
  } catch {
    text = undefined;
  }
  io.stderr(renderDiagnostics([diagnostic], text === undefined ? new Map() : new Map([[diagnostic.file, text]])));
  return new XbarError(`${diagnostic.file}: 1 error`, ExitCode.netlistErrors);
}
