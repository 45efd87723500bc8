/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** What the interrupt guard needs from the process; tests pass fakes. */
export interface InterruptEnvironment {
  /** Where messages go (stderr). */
  readonly write: (text: string) => void;
  /** Ends the process (default `process.exit`). */
  readonly exit?: (code: number) => void;
  /** Signal source (default `process`). */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * Ctrl-C handling for long runs. The first SIGINT aborts `signal` and says that the current point is
 * being finished and saved; the work loop sees `interrupted`, saves its checkpoint and calls
 * `exitInterrupted`, which prints how to resume and exits with code 130. A second SIGINT exits at once
 * (code 130) without waiting. `dispose` restores the default Ctrl-C behaviour.
 */
export class InterruptGuard {
  private readonly controller = new AbortController();
  private readonly write: (text: string) => void;
  private readonly exit: (code: number) => void;
  private readonly signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  private readonly onSigint = () => this.handleSigint();

  constructor(environment: InterruptEnvironment) {
    this.write = environment.write;
    this.exit = environment.exit ?? ((code) => process.exit(code));
    this.signals = environment.signals ?? process;
    this.signals.on('SIGINT', this.onSigint);
  }

  /** Aborted at the first Ctrl-C; pass it to `runJobs` so no new job starts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** After the finished work is saved: prints `xbar: interrupted; <detail>` and exits with code 130. */
  exitInterrupted(detail: string): void {
    this.dispose();
    this.write(`xbar: interrupted; ${detail}\n`);
    this.exit(INTERRUPTED_EXIT_CODE);
  }

  dispose(): void {
    this.signals.off('SIGINT', this.onSigint);
  }

  private handleSigint(): void {
    if (!this.interrupted) {
      this.write('\nxbar: Ctrl-C: finishing the current point and saving the checkpoint (Ctrl-C again to stop at once)\n');
      this.controller.abort();
      return;
    }
    this.dispose();
    this.write('xbar: stopped at once; the checkpoint has the points finished before the first Ctrl-C\n');
    this.exit(INTERRUPTED_EXIT_CODE);
  }
}
