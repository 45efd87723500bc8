/**
 * Progress of long work (Monte-Carlo trials, sweep points, dataset batches). The caller says how many
 * units of work there are, ticks as units finish, and stops at the end (also after an error or abort).
 * Reporters write to stderr only, never to stdout, so results piped from stdout stay clean.
 */
export interface ProgressReporter {
  /** Begins a task of `total` units named `label` (e.g. "sweep points", ".mc net=mlp trials"). */
  start(total: number, label: string): void;
  /** `units` more units are done (default 1). */
  tick(units?: number): void;
  /** Ends the task; the reporter can then start another one. */
  stop(): void;
}

/** A reporter that prints nothing (`--quiet`). */
export const silentProgress: ProgressReporter = {
  start() {},
  tick() {},
  stop() {},
};
