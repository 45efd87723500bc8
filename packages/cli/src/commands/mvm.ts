import { resolve } from 'node:path';
import {
  type CrossbarNetwork,
  type CrossbarResistances,
  IDEAL_RESISTANCES,
  encodeNpy,
  idealColumnCurrents,
  solveCrossbar,
} from '@xbar/core';
import { parseEngineeringNumber, unitLettersProblem } from '@xbar/dsl';
import type { Command } from 'commander';
import { readNpyFile, runtimeError, shapeText, usageError } from '@xbar/session';
import { requireFlag } from '../io/flags.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CliCommand, CliIo } from '../program.js';
import { commandProgress } from '../progress/create.js';

/** Options shared by `mvm` and `export-spice` (commander's parsed strings). */
export interface ArrayOptions {
  readonly conductances?: string;
  readonly inputs?: string;
  readonly rWire?: string;
  readonly rRow?: string;
  readonly rCol?: string;
  readonly rSource?: string;
  readonly rSense?: string;
  readonly output?: string;
}

/** Adds the conductance, input and resistance options to a command. */
export function addArrayOptions(command: Command): Command {
  return command
    .option('--conductances <file>', 'M x N cell conductances in siemens (.npy); row i = input line, column j = output line')
    .option('--inputs <file>', 'input voltages (.npy): M volts, or a batch B x M')
    .option('--r-wire <ohms>', 'resistance of every row and column wire segment')
    .option('--r-row <ohms>', 'resistance of a row wire segment (with --r-col)')
    .option('--r-col <ohms>', 'resistance of a column wire segment (with --r-row)')
    .option('--r-source <ohms>', 'series resistance of each row driver', '0')
    .option('--r-sense <ohms>', 'input resistance of each column sense amplifier (0 = virtual ground)', '0');
}

/** A resistance flag: a number as in a netlist (`2.5`, `1e3`, `1k`, `10kohm`); `0x10` or `-1` are usage errors. */
function ohms(flag: string, text: string | undefined): number {
  if (text === undefined) return 0;
  const written = text.trim();
  const value = parseEngineeringNumber(written).value;
  if (written === '' || !Number.isFinite(value) || unitLettersProblem(written, 'ohm') !== undefined) {
    throw usageError(`${flag} must be a resistance >= 0 in ohms (e.g. 2.5, 1e3, 1k, 10kohm), got '${text}'`);
  }
  return value;
}

/** Resistances from the flags; usage errors for a bad combination. */
export function resistancesFromOptions(options: ArrayOptions): CrossbarResistances {
  if (options.rWire !== undefined && (options.rRow !== undefined || options.rCol !== undefined)) {
    throw usageError('give either --r-wire or --r-row and --r-col, not both');
  }
  if ((options.rRow === undefined) !== (options.rCol === undefined)) {
    throw usageError('--r-row and --r-col go together (or use --r-wire for both)');
  }
  const wire = ohms('--r-wire', options.rWire);
  return {
    rowSegmentOhms: options.rWire !== undefined ? wire : ohms('--r-row', options.rRow),
    columnSegmentOhms: options.rWire !== undefined ? wire : ohms('--r-col', options.rCol),
    sourceOhms: ohms('--r-source', options.rSource),
    senseOhms: ohms('--r-sense', options.rSense),
  };
}

/** The array and its input batch from the two files, with shape checks (runtime errors naming the files). */
export function loadArray(
  conductancesPath: string,
  inputsPath: string,
  resistances: CrossbarResistances,
  cwd: string,
): { network: CrossbarNetwork; inputs: Float64Array; batch: number; batched: boolean } {
  const g = readNpyFile(conductancesPath, cwd);
  if (g.shape.length !== 2) throw runtimeError(`${conductancesPath}: conductances must be a 2-D M x N array, got shape ${shapeText(g.shape)}`);
  const [rows, cols] = g.shape;
  if (rows === 0 || cols === 0) throw runtimeError(`${conductancesPath}: empty array of shape ${shapeText(g.shape)}`);
  for (let k = 0; k < g.data.length; k++) {
    if (!(g.data[k] >= 0) || !Number.isFinite(g.data[k])) {
      throw runtimeError(`${conductancesPath}: conductance at (${Math.floor(k / cols)}, ${k % cols}) is ${g.data[k]}; conductances must be finite and >= 0 S`);
    }
  }
  const v = readNpyFile(inputsPath, cwd);
  const batched = v.shape.length === 2;
  const length = v.shape[v.shape.length - 1];
  if ((v.shape.length !== 1 && v.shape.length !== 2) || length !== rows) {
    throw runtimeError(
      `${inputsPath}: inputs must have shape (${rows},) or (B, ${rows}) to match ${conductancesPath} of shape ${shapeText(g.shape)}, got ${shapeText(v.shape)}`,
    );
  }
  const batch = batched ? v.shape[0] : 1;
  if (batch === 0) throw runtimeError(`${inputsPath}: empty batch of shape ${shapeText(v.shape)}`);
  for (let k = 0; k < v.data.length; k++) {
    if (!Number.isFinite(v.data[k])) throw runtimeError(`${inputsPath}: input ${k} is ${v.data[k]}; inputs must be finite volts`);
  }
  return { network: { rows, cols, conductances: g.data, resistances }, inputs: v.data, batch, batched };
}

/** `xbar mvm`: column currents of a conductance map under input voltages, with wire resistance (IR drop) or ideal. */
export const mvmCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    addArrayOptions(program.command('mvm'))
      .description(
        'Column currents I (amperes) of a crossbar with conductances G under input voltages V, solving the wire resistance exactly ' +
          '(row i driven at its column-0 end, column j read at its row-(M-1) end into virtual ground; see docs/ir-drop.md).',
      )
      .option('--ideal', 'ignore every resistance: I = V G')
      .option('--output <file>', 'output .npy (float64): N amperes, or B x N for a batch of inputs')
      .option('--quiet', 'no progress and no summary line on stderr')
      .action((options: ArrayOptions & { ideal?: boolean; quiet?: boolean }) => {
        const conductancesPath = requireFlag(options.conductances, '--conductances');
        const inputsPath = requireFlag(options.inputs, '--inputs');
        const outputPath = requireFlag(options.output, '--output');
        const resistances = options.ideal ? IDEAL_RESISTANCES : resistancesFromOptions(options);
        if (options.ideal) resistancesFromOptions(options); // still reject contradictory flags
        const { network, inputs, batch, batched } = loadArray(conductancesPath, inputsPath, resistances, io.cwd);
        let currents: Float64Array;
        const progress = commandProgress(io, options.quiet ?? false);
        progress.start(batch, 'input vectors solved');
        let solved = 0;
        // after a PCG budget runs out the factorization solves every vector again: count each once
        const onProgress = (done: number) => {
          if (done > solved) progress.tick(done - solved);
          solved = Math.max(solved, done);
        };
        try {
          currents = options.ideal ? idealColumnCurrents(network, inputs) : solveCrossbar(network, inputs, { onProgress }).currents;
        } catch (error) {
          throw runtimeError(`solving the ${network.rows} x ${network.cols} array failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          progress.stop();
        }
        const shape = batched ? [batch, network.cols] : [network.cols];
        try {
          writeFileAtomic(resolve(io.cwd, outputPath), encodeNpy({ shape, data: currents }, 'float64'));
        } catch (error) {
          throw runtimeError(`cannot write ${outputPath}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (!options.quiet) io.stderr(`xbar mvm: ${network.rows} x ${network.cols} array, ${batch} input vector${batch === 1 ? '' : 's'}, wrote ${outputPath}\n`);
      });
  },
};
