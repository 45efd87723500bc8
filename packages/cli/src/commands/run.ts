import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { runtimeError, usageError } from '../exit-codes.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadNetlist } from '../netlist/load.js';
import type { CliCommand, CliIo } from '../program.js';
import { type ResultTable, csvFileName, formatCsv, formatTable, tableToJson } from '../run/results.js';
import { runNetlist } from '../run/run-netlist.js';

interface RunFlags {
  readonly format: 'table' | 'json' | 'csv';
  readonly out?: string;
  readonly seed?: string;
  readonly allowOutside?: boolean;
}

/**
 * `xbar run FILE.xbar [--format table|json|csv] [--out DIR] [--seed S]`: runs the netlist's analysis
 * cards in order, once per `.step` point, and prints one table per card. `--out DIR` also writes
 * `results.json` and one CSV per card (atomically). Exit 0 ok, 1 netlist errors, 2 usage, 3 runtime.
 */
export const runCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('run')
      .description("run a netlist's analyses (.mvm .mc .mse .accuracy .optimize .compare), once per .step point")
      .argument('<file>', 'the netlist (.xbar)')
      .addOption(new Option('--format <format>', 'output on stdout').choices(['table', 'json', 'csv']).default('table'))
      .option('--out <dir>', 'also write results.json and one CSV per analysis into this folder')
      .option('--seed <n>', "seed of every analysis (default: each card's seed=, else .options seed)")
      .option('--allow-outside', "let .include and data paths leave the netlist's folder")
      .action((file: string, flags: RunFlags) => runRun(file, flags, io));
  },
};

function runRun(file: string, flags: RunFlags, io: CliIo): void {
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    seed = Number(flags.seed);
    if (!/^\d+$/.test(flags.seed.trim()) || seed > 4_294_967_295) throw usageError(`--seed must be a whole number in [0, 4294967295], got '${flags.seed}'`);
  }
  const allowOutside = flags.allowOutside ?? false;
  const design = loadNetlist(file, io, { allowOutside });
  const started = Date.now();
  const tables = runNetlist({
    design,
    check: (paramOverrides) => loadNetlist(file, io, { allowOutside, paramOverrides, printWarnings: false }),
    cwd: io.cwd,
    ...(seed !== undefined ? { seed } : {}),
  });
  const seconds = (Date.now() - started) / 1000;
  if (flags.format === 'json') io.stdout(`${JSON.stringify(resultsJson(file, design.title, tables, seed), null, 2)}\n`);
  else if (flags.format === 'csv') io.stdout(tables.map((table) => `# ${table.title}\n${formatCsv(table)}`).join('\n'));
  else io.stdout(tables.map(formatTable).join('\n'));
  if (flags.out !== undefined) writeResults(resolve(io.cwd, flags.out), file, design.title, tables, seed);
  io.stderr(`xbar run: ${file}, ${tables.length} analys${tables.length === 1 ? 'is' : 'es'} in ${seconds.toFixed(1)} s\n`);
}

function resultsJson(file: string, title: string | undefined, tables: readonly ResultTable[], seed: number | undefined): Record<string, unknown> {
  return { netlist: file, ...(title !== undefined ? { title } : {}), ...(seed !== undefined ? { seed } : {}), analyses: tables.map(tableToJson) };
}

function writeResults(folder: string, file: string, title: string | undefined, tables: readonly ResultTable[], seed: number | undefined): void {
  try {
    writeFileAtomic(join(folder, 'results.json'), `${JSON.stringify(resultsJson(file, title, tables, seed), null, 2)}\n`);
    for (const table of tables) writeFileAtomic(join(folder, csvFileName(table)), formatCsv(table));
  } catch (error) {
    throw runtimeError(`cannot write results to ${folder}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
