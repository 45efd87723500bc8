#!/usr/bin/env node
import { runCli } from './program.js';

/**
 * The folder the user ran xbar in. `pnpm xbar ...` (the workspace's script) runs in the workspace
 * root, and pnpm (like npm) passes the folder it was started from as INIT_CWD: paths on the command
 * line are relative to that folder.
 */
function invocationFolder(): string {
  const fromScript = process.env.npm_lifecycle_event === 'xbar' ? process.env.INIT_CWD : undefined;
  return fromScript !== undefined && fromScript !== '' ? fromScript : process.cwd();
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: invocationFolder(),
});
process.exitCode = exitCode;
