import { resolve } from 'node:path';
import { type Tensor, encodeNpy, runNetworkBatched } from '@xbar/core';
import type { Command } from 'commander';
import { readModelInputs, runIdealOnOnnxRuntime, runOnHardware, runtimeError, shapeText, usageError, dacNotes, negativeReadWarnings } from '@xbar/session';
import { requireFlag } from '../io/flags.js';
import { NO_CONFIG_HELP } from '../config/load.js';
import { NETWORK_HELP, type NetworkFlags, loadCommandNetwork } from './command-network.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CliCommand, CliIo } from '../program.js';
import { commandProgress } from '../progress/create.js';

/** Engines: xbar's float64 reference kernels, or ONNX Runtime in float32. */
const ENGINES = ['reference', 'onnxruntime'] as const;

interface InferOptions extends NetworkFlags {
  readonly input?: string;
  readonly output?: string;
  readonly ideal?: boolean;
  readonly engine?: string;
  readonly seed?: string;
  readonly batchSize?: string;
  readonly quiet?: boolean;
}

/** `xbar infer`: outputs of an ONNX network for a batch of inputs, ideal (float64 reference or ONNX Runtime) or on the crossbars of a netlist. */
export const inferCommand: CliCommand = {
  register(program: Command, io: CliIo): void {
    program
      .command('infer')
      .description('Run an ONNX network on a batch of inputs and write its outputs. Without --netlist, or with --ideal, the ideal graph runs (exact float64, or --engine onnxruntime).')
      .option('--model <file>', 'the network (.onnx; ops listed in docs/networks.md)')
      .option('--network <name>', `${NETWORK_HELP} (needs --netlist)`)
      .option('--input <file>', 'inputs (.npy, float32/float64/uint8/int): B x the model input shape, or one sample without the batch axis')
      .option('--output <file>', 'output .npy (float64): B x the model output shape (no batch axis for a single sample)')
      .option('--netlist <file>', 'hardware (.xbar): run the weight layers on crossbars, one programming drawn from the seed (see docs/networks.md)')
      .option('--ideal', 'run the ideal graph (see --engine) even if --netlist is given')
      .option('--engine <name>', "reference (xbar's float64 engine) or onnxruntime (the network, or the programmed hardware trial, written as ONNX and run in float32, far faster; what it cannot run falls back with a warning)", 'reference')
      .option('--seed <n>', 'random seed of the hardware run (default: the netlist\'s .options seed; unused by ideal runs)')
      .option('--batch-size <n>', 'samples per chunk (default 256; a model that mixes the samples of its batch runs it whole)')
      .option('--quiet', 'no progress and no summary line on stderr')
      .option('--no-config', NO_CONFIG_HELP)
      .action(async (options: InferOptions) => {
        const inputPath = requireFlag(options.input, '--input');
        const outputPath = requireFlag(options.output, '--output');
        if (options.seed !== undefined && !/^-?\d+$/.test(options.seed.trim())) throw usageError(`--seed must be a whole number, got '${options.seed}'`);
        const batchSize = Number(options.batchSize ?? '256');
        if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw usageError(`--batch-size must be a whole number >= 1, got '${options.batchSize}'`);
        const engine = options.engine ?? 'reference';
        if (!(ENGINES as readonly string[]).includes(engine)) throw usageError(`--engine must be one of ${ENGINES.join(', ')}, got '${engine}'`);
        const { network, label: modelPath, hardware } = await loadCommandNetwork(options, io, options.netlist !== undefined && !options.ideal);
        if (network.outputs.length !== 1) throw runtimeError(`${modelPath}: the model has ${network.outputs.length} outputs; xbar infer writes models with one output`);
        const { batch, single } = readModelInputs(inputPath, io.cwd, network, modelPath);
        const seed = options.seed !== undefined ? Number(options.seed) : hardware?.seed;
        const { wholeBatch } = network;
        const chunk = wholeBatch ?? batchSize;
        const notes = wholeBatch !== undefined && options.batchSize !== undefined ? [`--batch-size ${batchSize} has no effect: ${modelPath} mixes the samples of its batch and runs its ${wholeBatch} inputs as one`] : [];
        let output: Tensor;
        let warnings: readonly string[] = [];
        let summary = hardware ? `on the hardware of ${options.netlist} (seed ${seed})` : 'ideal float64';
        const progress = commandProgress(io, options.quiet ?? false);
        progress.start(batch.shape[0], hardware ? 'samples on hardware' : 'samples');
        const onBatch = (samples: number) => progress.tick(samples);
        try {
          if (hardware) {
            const run = await runOnHardware(network, hardware.spec, batch, { seed: seed!, batchSize: chunk, onBatch, engine: engine === 'onnxruntime' ? 'onnxruntime' : 'reference' });
            output = run.output;
            warnings = [...(run.fallback === undefined ? [] : [run.fallback]), ...negativeReadWarnings(run.negativeReads, 'xbar infer'), ...dacNotes(run.dacClipping).warnings];
            if (engine === 'onnxruntime' && run.fallback === undefined) summary = `on the hardware of ${options.netlist} (seed ${seed}, float32 on ONNX Runtime)`;
          } else if (engine === 'onnxruntime') {
            const run = await runIdealOnOnnxRuntime(network, batch, chunk, () => runNetworkBatched(network, batch, chunk, undefined, onBatch)[0], onBatch);
            output = run.output;
            warnings = run.fallback === undefined ? [] : [run.fallback];
            if (run.fallback === undefined) summary = 'ideal float32 on ONNX Runtime';
          } else {
            [output] = runNetworkBatched(network, batch, chunk, undefined, onBatch);
          }
        } catch (error) {
          throw runtimeError(`running ${modelPath} failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          progress.stop();
        }
        // a whole batch's output is the whole tensor, whatever it holds on its first axis
        const shape = single && wholeBatch === undefined ? output.shape.slice(1) : output.shape;
        try {
          writeFileAtomic(resolve(io.cwd, outputPath), encodeNpy({ shape, data: output.data }, 'float64'));
        } catch (error) {
          throw runtimeError(`cannot write ${outputPath}: ${error instanceof Error ? error.message : String(error)}`);
        }
        for (const warning of [...notes, ...warnings]) io.stderr(`xbar: warning: ${warning}\n`);
        if (hardware && !options.quiet) io.stderr(`xbar infer: ${hardware.placement}\n`);
        if (!options.quiet) io.stderr(`xbar infer: ${modelPath}, ${batch.shape[0]} sample${batch.shape[0] === 1 ? '' : 's'}, ${summary}, wrote ${outputPath} ${shapeText(shape)}\n`);
      });
  },
};
