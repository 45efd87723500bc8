import cliProgress from 'cli-progress';
import { type ProgressReporter } from '@xbar/session';
import { formatRate, rateAndEta } from './reporter.js';

/**
 * Progress on a terminal: a cli-progress bar on stderr with count, percentage, rate and ETA, redrawn in
 * place and cleared at stop.
 */
export class TtyProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private total = 0;
  private startedMs = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  start(total: number, label: string): void {
    this.stop();
    this.done = 0;
    this.total = total;
    this.startedMs = performance.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${label} |{bar}| {value}/{total} {percentage}% | {rate} | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { rate: formatRate(0) });
  }

  tick(units = 1): void {
    if (!this.bar) return;
    this.done = Math.min(this.total, this.done + units);
    const { ratePerSecond } = rateAndEta(this.done, this.total, (performance.now() - this.startedMs) / 1000);
    this.bar.update(this.done, { rate: formatRate(ratePerSecond) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
