import { resolve } from 'node:path';
import { crossbarNetlist } from '@xbar/core';
import type { Command } from 'commander';
import { runtimeError, usageError } from '@xbar/session';
import { requireFlag } from '../io/flags.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CliCommand, CliIo } from '../program.js';
import { type ArrayOptions, addArrayOptions, loadArray, resistancesFromOptions } from './mvm.js';

/** `xbar export-spice`: an ngspice netlist of one array and one input vector, to check xbar's numbers with any SPICE. */
export const exportSpiceCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    addArrayOptions(program.command('export-spice'))
      .description('Write an ngspice netlist (.cir, .op analysis) of the crossbar with its input voltages; i(vs<j>) is column j\'s current.')
      .option('--index <k>', 'which input vector of a batch to write (default 0)', '0')
      .option('--output <file>', 'output netlist (.cir)')
      .action((options: ArrayOptions & { index: string }) => {
        const conductancesPath = requireFlag(options.conductances, '--conductances');
        const inputsPath = requireFlag(options.inputs, '--inputs');
        const outputPath = requireFlag(options.output, '--output');
        const resistances = resistancesFromOptions(options);
        const index = Number(options.index);
        if (!Number.isInteger(index) || index < 0) throw usageError(`--index must be an integer >= 0, got '${options.index}'`);
        const { network, inputs, batch } = loadArray(conductancesPath, inputsPath, resistances, io.cwd);
        if (index >= batch) throw runtimeError(`${inputsPath} holds ${batch} input vector${batch === 1 ? '' : 's'}, no vector ${index}`);
        const vector = inputs.subarray(index * network.rows, (index + 1) * network.rows);
        const netlist = crossbarNetlist(network, vector, `xbar export-spice of ${conductancesPath} with ${inputsPath}[${index}]`);
        try {
          writeFileAtomic(resolve(io.cwd, outputPath), netlist);
        } catch (error) {
          throw runtimeError(`cannot write ${outputPath}: ${error instanceof Error ? error.message : String(error)}`);
        }
        io.stderr(`xbar export-spice: ${network.rows} x ${network.cols} array, wrote ${outputPath}\n`);
      });
  },
};
