import {
  type DacClipping,
  type HardwareSpec,
  type NegativeReads,
  type Network,
  type Seconds,
  type Tensor,
  HardwareNetwork,
  ProgrammedNetwork,
  negativeReadShares,
} from '@xbar/core';
import { runInChunks } from './chunks.js';
import { calibrateOnInputs } from '../build/calibration.js';

/** A batch run on crossbars: the network's first output, and how much each weight node's DAC clipped. */
export interface HardwareRun {
  readonly output: Tensor;
  readonly dacClipping: readonly DacClipping[];
  /** Per weight node with wires: the share of its cells reading below 0 S, which the circuit solve takes as 0 S (see negativeReadShares). */
  readonly negativeReads: readonly NegativeReads[];
  /** Set when ONNX Runtime was asked for but could not run the trial: why the reference engine ran it. */
  readonly fallback?: string;
}

/** Options of a hardware run. */
export interface HardwareRunOptions {
  readonly seed: number;
  readonly batchSize: number;
  readonly readTimeSeconds?: Seconds;
  readonly onBatch?: (samples: number) => void;
  /** `onnxruntime`: the trial written as ONNX and run by ONNX Runtime in float32 where it can (see OnnxRuntimeTrial). */
  readonly engine?: 'reference' | 'onnxruntime';
}

/**
 * Runs a batch through the network on crossbars: one Monte-Carlo programming instance (trial 0 of
 * `seed`), read in chunks of `batchSize` samples, every array with wire resistance solved as a
 * circuit, calibrated as every command calibrates (calibrateOnInputs). With `engine: 'onnxruntime'` the programmed trial runs on ONNX
 * Runtime when it can (the same programmed cells, fresh noise of the same distribution), else on
 * the reference engine with the reason in `fallback`.
 */
export async function runOnHardware(network: Network, spec: HardwareSpec, input: Tensor, options: HardwareRunOptions): Promise<HardwareRun> {
  const { seed, batchSize, readTimeSeconds } = options;
  const hardware = HardwareNetwork.create(network, spec);
  calibrateOnInputs(hardware, input);
  const dacClipping = () => hardware.dacClipping(input);
  const negativeReads = negativeReadShares(hardware, seed, readTimeSeconds);
  let fallback: string | undefined;
  if (options.engine === 'onnxruntime') {
    const { OnnxRuntimeTrial, onnxRuntimeTrialSupport } = await import('@xbar/onnx/engine');
    const refused = onnxRuntimeTrialSupport(hardware, { irDrop: true });
    if (refused.length === 0) {
      const trial = await OnnxRuntimeTrial.create(hardware, seed, 0, { irDrop: true, ...(readTimeSeconds === undefined ? {} : { readTimeSeconds }) });
      try {
        const output = await runInChunks(input, batchSize, async (batch) => (await trial.run(batch))[0], options.onBatch);
        return { output, dacClipping: dacClipping(), negativeReads };
      } finally {
        await trial.release();
      }
    }
    fallback = `ran on xbar's reference engine: ONNX Runtime cannot run this trial (${refused.join('; ')})`;
  }
  const programmed = ProgrammedNetwork.program(hardware, seed, 0, readTimeSeconds, { irDrop: true });
  const producer = network.nodes.find((node) => node.output === network.outputs[0])!;
  const output = await runInChunks(input, batchSize, (batch) => programmed.run(batch).get(producer.name)!, options.onBatch);
  return { output, dacClipping: dacClipping(), negativeReads, ...(fallback === undefined ? {} : { fallback }) };
}
