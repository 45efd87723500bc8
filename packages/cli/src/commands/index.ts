import type { CliCommand } from '../program.js';
import { devicesCommand } from './devices.js';

/** Every subcommand, in the order `xbar --help` lists them. */
export const commands: readonly CliCommand[] = [
  devicesCommand,
];
