import { ExitCode } from '@xbar/session';

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = ExitCode.interrupted;

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
 * being finished and saved; the work loop sees `interrupted`, saves its checkpoint and ends with exit
 * code 130 and a message saying how to resume (see `runSweepPoints`). A second SIGINT exits at once
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
