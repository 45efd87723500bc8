import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatNetlist, renderDiagnostics } from '@xbar/dsl';
import type { Command } from 'commander';
import { XbarError, ExitCode, runtimeError, usageError } from '@xbar/session';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CliCommand, CliIo } from '../program.js';

interface FmtFlags {
  readonly write?: boolean;
  readonly check?: boolean;
}

/**
 * `xbar fmt FILE [--write] [--check]`: prints the netlist in canonical form; `--write` rewrites the
 * file in place (atomically, only if it changes); `--check` prints nothing and exits 1 if the file is
 * not in canonical form. A file with syntax errors is never rewritten: its errors are printed, exit 1.
 */
export const fmtCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('fmt')
      .description('print a netlist in canonical form (or rewrite it with --write)')
      .argument('<file>', 'the netlist (.xbar)')
      .option('--write', 'rewrite the file in place')
      .option('--check', 'exit 1 if the file is not in canonical form')
      .action((file: string, flags: FmtFlags) => runFmt(file, flags, io));
  },
};

function runFmt(file: string, flags: FmtFlags, io: CliIo): void {
  if (flags.write && flags.check) throw usageError('give --write or --check, not both');
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw runtimeError(`cannot read netlist '${file}': no such file`);
  }
  const result = formatNetlist(text, file);
  if (result.text === undefined) {
    io.stderr(renderDiagnostics(result.diagnostics, new Map([[file, text]])));
    throw new XbarError(`${file}: not formatted because of syntax errors`, ExitCode.netlistErrors);
  }
  if (flags.check) {
    if (result.changed) throw new XbarError(`${file} is not in canonical form (run xbar fmt --write ${file})`, ExitCode.netlistErrors);
    return;
  }
  if (flags.write) {
    if (result.changed) writeFileAtomic(path, result.text);
    return;
  }
  io.stdout(result.text);
}
