import { PlainProgress } from './plain.js';
import { type ProgressReporter, silentProgress } from '@xbar/session';
import { TtyProgress } from './tty.js';

/** How to choose a progress reporter. */
export interface ProgressChoice {
  /** `--quiet`: no progress at all. */
  readonly quiet: boolean;
  /** Where plain lines go when stderr is not a terminal (the command's `io.stderr`). */
  readonly write: (text: string) => void;
  /** Whether stderr is a terminal (default `process.stderr.isTTY`). */
  readonly isTTY?: boolean;
  /** Smallest time between plain lines, in milliseconds (default 5000). */
  readonly intervalMs?: number;
}

/**
 * The progress reporter for a command: nothing with `--quiet`, a bar with rate and ETA when stderr is a
 * terminal, plain periodic lines otherwise (logs, CI, pipes).
 */
export function createProgressReporter(choice: ProgressChoice): ProgressReporter {
  if (choice.quiet) return silentProgress;
  if (choice.isTTY ?? process.stderr.isTTY === true) return new TtyProgress(process.stderr);
  return new PlainProgress({ write: choice.write, ...(choice.intervalMs !== undefined ? { intervalMs: choice.intervalMs } : {}) });
}

/** The progress reporter of a command run with `io` (`--quiet`: none). */
export function commandProgress(io: { readonly stderr: (text: string) => void; readonly progressIntervalMs?: number }, quiet: boolean): ProgressReporter {
  return createProgressReporter({ quiet, write: io.stderr, ...(io.progressIntervalMs !== undefined ? { intervalMs: io.progressIntervalMs } : {}) });
}
