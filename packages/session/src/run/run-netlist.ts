import type { DeviceRegistry } from '@xbar/core';
import type { Design } from '@xbar/dsl';
import { netlistError } from '../netlist/load.js';
import { type ProgressReporter, silentProgress } from '../progress.js';
import { loadDefaultRegistry } from '../registry.js';
import { evaluateInThisThread } from './in-thread.js';
import { NetlistSession } from './netlist-session.js';
import type { ResultTable } from './results.js';
import { type PointResult, assembleTables, runPoint } from './run-point.js';
import { stepPoints } from './sweep.js';
import { runWorkExcess } from './work-bound.js';

/** How `runNetlist` checks and runs a netlist. */
export interface RunNetlistOptions {
  /** Folder the netlist path and its data paths are relative to. */
  readonly cwd: string;
  /** Device models (default: the built-in and bundled ones, `loadDefaultRegistry()`). */
  readonly registry?: DeviceRegistry;
  /** Let `.include` and data paths leave the netlist's folder (default false). */
  readonly allowOutside?: boolean;
  /** A seed overriding every card's (default: the cards' own). */
  readonly seed?: number;
  /** Where diagnostics are written, rendered as `xbar check` does (default: nowhere). */
  readonly stderr?: (text: string) => void;
  /** Progress of each card's Monte-Carlo trials (default: none). */
  readonly progress?: ProgressReporter;
}

/**
 * Checks the netlist `file` and runs every analysis card once per `.step` point in this thread,
 * as `xbar run` does: one table per card, rows of every point. A netlist with errors, or whose work
 * exceeds the run limits, throws XbarError (exit code netlistErrors) after writing its diagnostics
 * to `stderr`; bad data files and engine failures throw XbarError (runtime).
 */
export async function runNetlist(file: string, options: RunNetlistOptions): Promise<{ readonly design: Design; readonly tables: ResultTable[] }> {
  const stderr = options.stderr ?? (() => {});
  const source = { file, cwd: options.cwd, allowOutside: options.allowOutside ?? false, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const session = new NetlistSession(source, options.registry ?? loadDefaultRegistry(), { stderr });
  const design = session.checkWritten();
  const points = stepPoints(design.sweeps);
  const excess = runWorkExcess(points, (point) => session.context(point), design);
  if (excess) throw netlistError(excess, { cwd: options.cwd, stderr });
  const results: PointResult[] = [];
  for (const point of points) results.push(await runPoint(session.context(point), evaluateInThisThread, options.progress ?? silentProgress));
  return { design, tables: assembleTables(design, points, results) };
}
