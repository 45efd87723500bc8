import { Command, CommanderError } from 'commander';
import { XbarError, ExitCode } from '@xbar/session';
import { commands } from './commands/index.js';
import { XBAR_VERSION } from './version.js';

/** Where a command writes: stdout for results, stderr for diagnostics and progress. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Working directory against which relative paths are resolved. */
  readonly cwd: string;
  /** Where Ctrl-C (SIGINT) comes from during a sweep; default `process` (tests pass an emitter). */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** Smallest time between plain progress lines, in milliseconds (default 5000; tests pass 0). */
  readonly progressIntervalMs?: number;
}

/** A subcommand: adds itself to the program. `io` is where it prints. */
export interface CliCommand {
  register(program: Command, io: CliIo): void;
}

/** Builds the `xbar` program with every subcommand. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('xbar')
    .description('Simulate analog in-memory-computing crossbars running neural-network inference.')
    .version(XBAR_VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 netlist errors, 2 usage errors, 3 runtime failure, 130 interrupted (Ctrl-C).\nRun `xbar help COMMAND` for a command\'s options.',
    );
  for (const command of commands) command.register(program, io);
  return program;
}

/**
 * Runs `xbar` with `argv` (without the node and script entries) and returns the exit code. Never
 * throws: errors become a one-line message on stderr and an exit code; no stack trace reaches the user.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with code 0; everything else commander reports is a usage error
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof XbarError) {
      io.stderr(`xbar: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`xbar: internal error: ${message}\n`);
    if (process.env.XBAR_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
    return ExitCode.runtime;
  }
}
