import { ExitCode, type ProgressReporter, XbarError } from '@xbar/session';
import type { InterruptGuard } from './interrupt.js';
import type { SweepCheckpoint } from './store.js';

/**
 * Computes the pending points (indices into the sweep's points): calls `record(index, result)` as each
 * one finishes (in any order), and starts no point after `signal` is aborted; it then resolves (or
 * rejects with `JobsAbortedError`) once the points already started are recorded.
 */
export type PendingPointsRunner<R> = (pending: readonly number[], record: (index: number, result: R) => void, signal: AbortSignal) => Promise<void>;

/** A resumable, interruptible sweep over `points`. */
export interface SweepRun<P, R> {
  readonly points: readonly P[];
  /** Stable id of a point (e.g. `pointId` of its parameter values): the checkpoint's key for it. */
  readonly idOf: (point: P, index: number) => string;
  /** Computes the points not in the checkpoint (`pointByPoint`, or on worker threads). Results must be JSON values. */
  readonly runPending: PendingPointsRunner<R>;
  readonly checkpoint: SweepCheckpoint<R>;
  readonly guard: InterruptGuard;
  readonly progress: ProgressReporter;
  /** Progress label, e.g. "sweep points". */
  readonly label: string;
}

/**
 * Runs every point not already in the checkpoint (those are taken from it), recording each finished
 * point at once. After Ctrl-C the points in progress finish and are recorded, then it rejects with a
 * XbarError (exit 130) `interrupted; k of n points saved in <checkpoint>; rerun with --resume to
 * continue`. Results are in point order.
 */
export async function runSweepPoints<P, R>(sweep: SweepRun<P, R>): Promise<R[]> {
  const { points, checkpoint, guard, progress } = sweep;
  const ids = points.map((point, index) => sweep.idOf(point, index));
  const pending = ids.flatMap((id, index) => (checkpoint.has(id) ? [] : [index]));
  progress.start(points.length, sweep.label);
  try {
    progress.tick(points.length - pending.length);
    const record = (index: number, result: R) => {
      checkpoint.record(ids[index], result);
      progress.tick();
    };
    try {
      await sweep.runPending(pending, record, guard.signal);
    } catch (error) {
      if (!guard.interrupted) throw error;
    }
  } finally {
    progress.stop();
    guard.dispose();
  }
  if (ids.some((id) => !checkpoint.has(id))) {
    throw new XbarError(`interrupted; ${checkpoint.size} of ${points.length} points saved in ${checkpoint.path}; rerun with --resume to continue`, ExitCode.interrupted);
  }
  return ids.map((id) => checkpoint.get(id) as R);
}

/**
 * Runs pending points one after the other in this thread, letting the event loop run between two
 * points (so that a Ctrl-C is seen) and stopping once `signal` is aborted.
 */
export function pointByPoint<P, R>(points: readonly P[], runPoint: (point: P, index: number) => R | Promise<R>): PendingPointsRunner<R> {
  return async (pending, record, signal) => {
    for (const index of pending) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) return;
      record(index, await runPoint(points[index], index));
    }
  };
}
