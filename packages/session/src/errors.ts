/** Process exit codes of the `xbar` command (documented in the README and `xbar help`). */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The netlist has errors (diagnostics were printed). */
  netlistErrors: 1,
  /** The command line is wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The run failed: unreadable or malformed input file, numerical failure, write error. */
  runtime: 3,
  /** Stopped by Ctrl-C (128 + SIGINT); the finished sweep points are kept in the checkpoint. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a given exit code and a message for the user (no stack trace). */
export class XbarError extends Error {
  override readonly name = 'XbarError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

/** A wrong command line. */
export function usageError(message: string): XbarError {
  return new XbarError(message, ExitCode.usage);
}

/** A failure while running: bad input file content, numerical problem, I/O. */
export function runtimeError(message: string): XbarError {
  return new XbarError(message, ExitCode.runtime);
}
