import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { loadConfigForNetlist } from '../config/load.js';
import { resolveRunSettings } from '../config/options.js';
import { createProgressReporter } from '../progress/create.js';
import { renderReport } from '../report/render.js';
import { runReportData } from '../report/run-report.js';
import { runtimeError, usageError } from '../exit-codes.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadNetlist } from '../netlist/load.js';
import type { CliCommand, CliIo } from '../program.js';
import { type ResultTable, csvFileName, formatCsv, formatTable, tableToJson } from '../run/results.js';
import { runNetlist } from '../run/run-netlist.js';
import { stepPoints } from '../run/sweep.js';

interface RunFlags {
  readonly format?: 'table' | 'json' | 'csv';
  readonly out?: string;
  readonly seed?: string;
  readonly allowOutside?: boolean;
  readonly quiet?: boolean;
}

/**
 * `xbar run FILE.xbar [--format table|json|csv] [--out DIR] [--seed S] [--quiet]`: runs the netlist's
 * analysis cards in order, once per `.step` point, and prints one table per card. `--out DIR` also
 * writes `results.json`, one CSV per card and `report.html` (atomically). Defaults for format, out and
 * seed come from the nearest xbar.config.yaml (flags win). Exit 0 ok, 1 netlist errors, 2 usage, 3 runtime.
 */
export const runCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('run')
      .description("run a netlist's analyses (.mvm .mc .mse .accuracy .optimize .compare), once per .step point")
      .argument('<file>', 'the netlist (.xbar)')
      .addOption(new Option('--format <format>', 'output on stdout (default: table, or defaults.format of xbar.config.yaml)').choices(['table', 'json', 'csv']))
      .option('--out <dir>', 'also write results.json, one CSV per analysis and report.html into this folder')
      .option('--seed <n>', "seed of every analysis (default: each card's seed=, else .options seed)")
      .option('--allow-outside', "let .include and data paths leave the netlist's folder")
      .option('--quiet', 'no progress and no summary line on stderr (diagnostics still)')
      .action((file: string, flags: RunFlags) => runRun(file, flags, io));
  },
};

function runRun(file: string, flags: RunFlags, io: CliIo): void {
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    seed = Number(flags.seed);
    if (!/^\d+$/.test(flags.seed.trim()) || seed > 4_294_967_295) throw usageError(`--seed must be a whole number in [0, 4294967295], got '${flags.seed}'`);
  }
  const config = loadConfigForNetlist(file, io.cwd);
  const settings = resolveRunSettings(
    { ...(seed !== undefined ? { seed } : {}), ...(flags.format !== undefined ? { format: flags.format } : {}), ...(flags.out !== undefined ? { out: flags.out } : {}) },
    config,
    io.cwd,
  );
  seed = settings.seed;
  const allowOutside = flags.allowOutside ?? false;
  const design = loadNetlist(file, io, { allowOutside });
  const startedAt = new Date();
  const started = Date.now();
  const progress = createProgressReporter({ quiet: flags.quiet ?? false, write: io.stderr });
  progress.start(stepPoints(design.sweeps).length * design.analyses.length, `${file}: analyses`);
  let analysesStarted = 0;
  let tables: ResultTable[];
  try {
    tables = runNetlist({
      design,
      check: (paramOverrides) => loadNetlist(file, io, { allowOutside, paramOverrides, printWarnings: false }),
      cwd: io.cwd,
      ...(seed !== undefined ? { seed } : {}),
      onAnalysis: () => {
        if (analysesStarted++ > 0) progress.tick();
      },
    });
    progress.tick();
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  if (settings.format === 'json') io.stdout(`${JSON.stringify(resultsJson(file, design.title, tables, seed), null, 2)}\n`);
  else if (settings.format === 'csv') io.stdout(tables.map((table) => `# ${table.title}\n${formatCsv(table)}`).join('\n'));
  else io.stdout(tables.map(formatTable).join('\n'));
  if (settings.out !== undefined) {
    writeResults(settings.out, file, design.title, tables, seed);
    const report = runReportData({
      file,
      netlistText: readFileSync(resolve(io.cwd, file), 'utf8'),
      title: design.title,
      netlistSeed: design.options.seed,
      sweeps: design.sweeps,
      tables,
      settings,
      configFile: config.path,
      argv: commandLine(file, flags),
      startedAt,
      durationSeconds: seconds,
    });
    writeOutput(join(settings.out, 'report.html'), renderReport(report));
  }
  if (!flags.quiet) io.stderr(`xbar run: ${file}, ${tables.length} analys${tables.length === 1 ? 'is' : 'es'} in ${seconds.toFixed(1)} s\n`);
}

/** The command line as given (for the report). */
function commandLine(file: string, flags: RunFlags): string[] {
  return [
    'run',
    file,
    ...(flags.format !== undefined ? ['--format', flags.format] : []),
    ...(flags.out !== undefined ? ['--out', flags.out] : []),
    ...(flags.seed !== undefined ? ['--seed', flags.seed] : []),
    ...(flags.allowOutside ? ['--allow-outside'] : []),
    ...(flags.quiet ? ['--quiet'] : []),
  ];
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    throw runtimeError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
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
