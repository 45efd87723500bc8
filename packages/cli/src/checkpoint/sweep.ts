import type { ProgressReporter } from '../progress/reporter.js';
import type { InterruptGuard } from './interrupt.js';
import type { SweepCheckpoint } from './store.js';

/** A resumable, interruptible sweep over `points`, one point at a time. */
export interface SweepRun<P, R> {
  readonly points: readonly P[];
  /** Stable id of a point (e.g. `pointId` of its parameter values): the checkpoint's key for it. */
  readonly idOf: (point: P, index: number) => string;
  /** Computes one point; its result must be a JSON value (it goes into the checkpoint). */
  readonly runPoint: (point: P, index: number) => R | Promise<R>;
  readonly checkpoint: SweepCheckpoint<R>;
  readonly guard: InterruptGuard;
  readonly progress: ProgressReporter;
  /** Progress label, e.g. "sweep points". */
  readonly label: string;
}

/**
 * Runs every point not already in the checkpoint (those are taken from it), recording each finished
 * point at once. After Ctrl-C the point in progress finishes and is recorded, then the guard exits with
 * code 130 and a message telling how to resume (the function does not return in that case unless the
 * guard's `exit` returns, as in tests, when it returns undefined). Results are in point order.
 */
export async function runSweepPoints<P, R>(sweep: SweepRun<P, R>): Promise<R[] | undefined> {
  const { points, checkpoint, guard, progress } = sweep;
  const results: R[] = [];
  progress.start(points.length, sweep.label);
  try {
    for (let index = 0; index < points.length; index++) {
      const id = sweep.idOf(points[index], index);
      if (checkpoint.has(id)) {
        results.push(checkpoint.get(id) as R);
        progress.tick();
        continue;
      }
      if (guard.interrupted) break;
      const result = await sweep.runPoint(points[index], index);
      checkpoint.record(id, result);
      results.push(result);
      progress.tick();
    }
  } finally {
    progress.stop();
    guard.dispose();
  }
  if (results.length < points.length) {
    guard.exitInterrupted(`${checkpoint.size} of ${points.length} points saved in ${checkpoint.path}; rerun with --resume to continue`);
    return undefined;
  }
  return results;
}
