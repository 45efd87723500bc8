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
