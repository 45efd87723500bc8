import type { CliCommand } from '../program.js';
import { checkCommand } from './check.js';
import { devicesCommand } from './devices.js';
import { exportSpiceCommand } from './export-spice.js';
import { fmtCommand } from './fmt.js';
import { inferCommand } from './infer.js';
import { mseCommand } from './mse.js';
import { mvmCommand } from './mvm.js';
import { runCommand } from './run.js';

/** Every subcommand, in the order `xbar --help` lists them. */
export const commands: readonly CliCommand[] = [
  devicesCommand,
  mvmCommand,
  exportSpiceCommand,
  checkCommand,
  fmtCommand,
  inferCommand,
  runCommand,
  mseCommand,
];
