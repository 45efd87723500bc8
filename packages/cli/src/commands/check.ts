import { NodeSourceHost, renderDiagnostics } from '@xbar/dsl';
import { Option, type Command } from 'commander';
import { checkNetlistWithModels, ExitCode, OnnxNetworkCache, runtimeError, XbarError } from '@xbar/session';
import type { CliCommand, CliIo } from '../program.js';
import { NO_CONFIG_HELP, loadConfigForNetlist } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';

interface CheckFlags {
  readonly format: 'text' | 'json';
  readonly allowOutside?: boolean;
  /** False with `--no-config`. */
  readonly config: boolean;
}

/**
 * `xbar check FILE.xbar [--format text|json]`: checks a netlist and prints its diagnostics. Exit 1 if
 * there is any error, 0 otherwise (warnings allowed). `json` prints the diagnostics as a JSON array on
 * stdout, for editors and CI; `text` prints them with the source line and a caret on stderr. Device
 * plugins of the nearest xbar.config.yaml (from the netlist's folder upwards) are loaded first.
 */
export const checkCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('check')
      .description('check a netlist and print its errors and warnings (exit 1 on errors)')
      .argument('<file>', 'the netlist (.xbar)')
      .addOption(new Option('--format <format>', 'diagnostics as text (with carets) or json').choices(['text', 'json']).default('text'))
      .option('--allow-outside', "let .include and data paths leave the netlist's folder")
      .option('--no-config', NO_CONFIG_HELP)
      .action((file: string, flags: CheckFlags) => runCheck(file, flags, io));
  },
};

async function runCheck(file: string, flags: CheckFlags, io: CliIo): Promise<void> {
  const host = new NodeSourceHost(io.cwd);
  if (host.sizeOf(file) === undefined) throw runtimeError(`cannot read netlist '${file}': no such file`);
  const registry = await loadRegistryWithPlugins(loadConfigForNetlist(file, io.cwd, flags.config));
  const result = checkNetlistWithModels(file, { registry, host, allowOutsideRoot: flags.allowOutside ?? false }, new OnnxNetworkCache(io.cwd));
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (flags.format === 'json') {
    io.stdout(`${JSON.stringify(result.diagnostics, null, 2)}\n`);
  } else if (result.diagnostics.length > 0) {
    io.stderr(renderDiagnostics(result.diagnostics, result.sources));
  } else {
    io.stdout(`${file}: no errors\n`);
  }
  if (errors > 0) throw new XbarError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`, ExitCode.netlistErrors);
  if (flags.format !== 'json' && result.design.analyses.length === 0) io.stderr(`${file}: ${NO_ANALYSIS}\n`);
}

/** What `xbar check` and `xbar run` say of a netlist without analysis cards (a library of models and arrays, or an oversight). */
export const NO_ANALYSIS = 'no analysis card (.mvm .mc .mse .accuracy .optimize .compare): xbar run has nothing to run';
