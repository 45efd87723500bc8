import type { CliCommand } from '../program.js';
import { devicesCommand } from './devices.js';
import { inferCommand } from './infer.js';

/** Every subcommand, in the order `xbar --help` lists them. */
export const commands: readonly CliCommand[] = [
  devicesCommand,
  inferCommand,
];
