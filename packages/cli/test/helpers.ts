import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '../src/program.js';

/** Runs the CLI in-process and captures what it prints (`io` adds to or overrides its io). */
export async function runXbar(argv: string[], cwd = process.cwd(), io: Partial<Pick<CliIo, 'progressIntervalMs' | 'signals'>> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    ...io,
  });
  return { code, stdout, stderr };
}

/** Writes a netlist of `lines` as `folder/name` and returns its path. */
export function writeNetlist(folder: string, name: string, lines: readonly string[]): string {
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** One analysis of `xbar run --format json`. */
export interface JsonTable {
  kind: string;
  title: string;
  columns: string[];
  rows: Record<string, number | string>[];
  warnings?: string[];
}
