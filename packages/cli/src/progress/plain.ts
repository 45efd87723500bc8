import { type ProgressReporter } from '@xbar/session';
import { formatDuration, formatRate, rateAndEta } from './reporter.js';

/** Options of the plain-line reporter. */
export interface PlainProgressOptions {
  /** Where lines go (stderr). Each call gets one full line ending in "\n". */
  readonly write: (text: string) => void;
  /** Smallest time between two progress lines, in milliseconds (default 5000). */
  readonly intervalMs?: number;
  /** Current time in milliseconds (default `performance.now`); tests pass a fake clock. */
  readonly nowMs?: () => number;
}

/**
 * Progress for a log or a pipe (stderr is not a terminal): no bar, no cursor movement; a plain line
 * `label: done/total (pct %), rate/s, ETA t` at most every `intervalMs`, and at stop a final
 * `label: done/total done|stopped in t` line. A task that completes before the first interval prints
 * nothing at all (no noise for quick runs); one stopped early always prints its final line.
 */
export class PlainProgress implements ProgressReporter {
  private readonly write: (text: string) => void;
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private label = '';
  private total = 0;
  private done = 0;
  private startedMs = 0;
  private lastLineMs = 0;
  private active = false;
  private printedLines = 0;

  constructor(options: PlainProgressOptions) {
    this.write = options.write;
    this.intervalMs = options.intervalMs ?? 5000;
    this.nowMs = options.nowMs ?? (() => performance.now());
  }

  start(total: number, label: string): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.startedMs = this.nowMs();
    this.lastLineMs = this.startedMs;
    this.printedLines = 0;
    this.active = true;
  }

  tick(units = 1): void {
    if (!this.active) return;
    this.done = Math.min(this.total, this.done + units);
    const now = this.nowMs();
    if (now - this.lastLineMs < this.intervalMs || this.done >= this.total) return;
    this.lastLineMs = now;
    this.printedLines++;
    const { ratePerSecond, etaSeconds } = rateAndEta(this.done, this.total, (now - this.startedMs) / 1000);
    const percent = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const eta = etaSeconds === undefined ? '' : `, ETA ${formatDuration(etaSeconds)}`;
    this.write(`${this.label}: ${this.done}/${this.total} (${percent} %), ${formatRate(ratePerSecond)}${eta}\n`);
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    const complete = this.done >= this.total;
    if (complete && this.printedLines === 0) return;
    const elapsed = formatDuration((this.nowMs() - this.startedMs) / 1000);
    const outcome = complete ? 'done' : 'stopped';
    this.write(`${this.label}: ${this.done}/${this.total} ${outcome} in ${elapsed}\n`);
  }
}
