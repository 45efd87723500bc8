import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { runIdentity } from '../checkpoint/key.js';
import { readRunFiles } from '../checkpoint/run-files.js';
import { CHECKPOINT_FILE_NAME } from '../checkpoint/store.js';
import { NO_CONFIG_HELP, loadConfigForNetlist } from '../config/load.js';
import { resolveRunSettings } from '../config/options.js';
import type { XbarConfig } from '../config/schema.js';
import { commandProgress } from '../progress/create.js';
import { renderReport } from '../report/render.js';
import { runReportData } from '../report/run-report.js';
import { netlistError, type ResultTable, runtimeError, runWorkExcess, stepPoints, usageError } from '@xbar/session';
import { csvFileName, formatCsv, formatLongCsv, formatTable, tableToJson } from '../run/format-results.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseThreads } from '../io/flags.js';
import { minParallelSeconds } from '../parallel/pool.js';
import type { CliCommand, CliIo } from '../program.js';
import { NO_ANALYSIS } from './check.js';
import { executeRun } from '../run/execute.js';
import { openNetlistSession } from '../run/netlist-session.js';

interface RunFlags {
  readonly format?: 'table' | 'json' | 'csv';
  readonly out?: string;
  readonly seed?: string;
  readonly threads?: string;
  readonly resume?: boolean;
  readonly allowOutside?: boolean;
  readonly quiet?: boolean;
  /** False with `--no-config`. */
  readonly config: boolean;
}


/**
 * `xbar run FILE.xbar [--format table|json|csv] [--out DIR] [--seed S] [--threads N] [--resume] [--quiet]`:
 * runs the netlist's analysis cards in order, once per `.step` point, and prints one table per card.
 * `--out DIR` also writes `results.json`, one CSV per card and `report.html` (atomically), and keeps the
 * finished sweep points in `DIR/checkpoint.json` until the run is done (`--resume` continues an
 * interrupted sweep). Defaults for format, out, seed and threads come from the nearest
 * xbar.config.yaml (flags win), whose device plugins are loaded. Exit 0 ok, 1 netlist errors, 2 usage,
 * 3 runtime, 130 interrupted.
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
      .option('--threads <n>', 'worker threads for Monte-Carlo trials and sweep points (default: the number of CPUs); results do not depend on it')
      .option('--resume', 'continue an interrupted sweep from --out DIR/checkpoint.json')
      .option('--allow-outside', "let .include and data paths leave the netlist's folder")
      .option('--quiet', 'no progress and no summary line on stderr (diagnostics still)')
      .option('--no-config', NO_CONFIG_HELP)
      .action((file: string, flags: RunFlags) => runRun(file, flags, io));
  },
};

async function runRun(file: string, flags: RunFlags, io: CliIo): Promise<void> {
  const seed = parseSeed(flags.seed);
  const threads = parseThreads(flags.threads);
  const config = loadConfigForNetlist(file, io.cwd, flags.config);
  const settings = resolveRunSettings(
    {
      ...(seed !== undefined ? { seed } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(flags.format !== undefined ? { format: flags.format } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
    },
    config,
    io.cwd,
  );
  if (flags.resume && settings.out === undefined) throw usageError('--resume needs an output folder (--out DIR, or defaults.out in xbar.config.yaml)');
  const allowOutside = flags.allowOutside ?? false;
  const session = await openNetlistSession({ file, cwd: io.cwd, allowOutside, useConfig: flags.config, ...(settings.seed !== undefined ? { seed: settings.seed } : {}) }, io);
  const design = session.checkWritten();
  if (design.analyses.length === 0) io.stderr(`xbar: warning: ${file}: ${NO_ANALYSIS}\n`);
  const excess = runWorkExcess(stepPoints(design.sweeps), (point) => session.context(point), design);
  if (excess) throw netlistError(excess, io);
  const netlistText = readFileSync(resolve(io.cwd, file), 'utf8');
  const startedAt = new Date();
  const started = Date.now();
  const tables = await executeRun(session, design, {
    threads: settings.threads,
    minParallelSeconds: minParallelSeconds(),
    progress: commandProgress(io, flags.quiet ?? false),
    ...(settings.out !== undefined
      ? {
          checkpoint: {
            out: settings.out,
            resume: flags.resume ?? false,
            identity: runIdentity(checkpointOptions(settings.seed, allowOutside, config), readRunFiles(design, config, io.cwd)),
            write: io.stderr,
            ...(io.signals ? { signals: io.signals } : {}),
          },
        }
      : {}),
  });
  const seconds = (Date.now() - started) / 1000;
  if (settings.format === 'json') io.stdout(`${JSON.stringify(resultsJson(file, design.title, tables, settings.seed), null, 2)}\n`);
  else if (settings.format === 'csv') io.stdout(formatLongCsv(tables));
  else io.stdout(tables.map(formatTable).join('\n'));
  for (const table of tables) for (const warning of table.warnings) io.stderr(`xbar: warning: .${table.kind} (line ${table.line}): ${warning}\n`);
  if (settings.out !== undefined) {
    writeResults(settings.out, file, design.title, tables, settings.seed);
    const report = runReportData({
      file,
      netlistText,
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
    rmSync(join(settings.out, CHECKPOINT_FILE_NAME), { force: true });
  }
  if (!flags.quiet) io.stderr(`xbar run: ${file}, ${tables.length} analys${tables.length === 1 ? 'is' : 'es'} in ${seconds.toFixed(1)} s\n`);
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (!/^\d+$/.test(text.trim()) || seed > 4_294_967_295) throw usageError(`--seed must be a whole number in [0, 4294967295], got '${text}'`);
  return seed;
}


/** The options that change results, for the checkpoint's identity (not threads, format or output folder). */
function checkpointOptions(seed: number | undefined, allowOutside: boolean, config: XbarConfig): Record<string, unknown> {
  return { seed: seed ?? null, allowOutside, plugins: config.plugins.map((plugin) => plugin.specifier) };
}


/** The command line as given (for the report). */
function commandLine(file: string, flags: RunFlags): string[] {
  return [
    'run',
    file,
    ...(flags.format !== undefined ? ['--format', flags.format] : []),
    ...(flags.out !== undefined ? ['--out', flags.out] : []),
    ...(flags.seed !== undefined ? ['--seed', flags.seed] : []),
    ...(flags.threads !== undefined ? ['--threads', flags.threads] : []),
    ...(flags.resume ? ['--resume'] : []),
    ...(flags.allowOutside ? ['--allow-outside'] : []),
    ...(flags.quiet ? ['--quiet'] : []),
    ...(flags.config ? [] : ['--no-config']),
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
    for (const table of tables) {
      writeFileAtomic(join(folder, csvFileName(table)), formatCsv(table));
      if (table.dac) writeFileAtomic(join(folder, csvFileName(table, 'dac')), formatCsv(table.dac));
    }
  } catch (error) {
    throw runtimeError(`cannot write results to ${folder}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
