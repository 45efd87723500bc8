import {
  type DacClipping,
  type HardwareSpec,
  type Network,
  type Seconds,
  type Tensor,
  HardwareNetwork,
  ProgrammedNetwork,
  batchSlice,
  shapeSize,
  tensor,
} from '@xbar/core';

/** Samples of the first batch used to calibrate the ADC ranges (ideal activations). */
export const CALIBRATION_SAMPLES = 256;

/** A batch run on crossbars: the network's first output, and how much each weight node's DAC clipped. */
export interface HardwareRun {
  readonly output: Tensor;
  readonly dacClipping: readonly DacClipping[];
}

/**
 * Runs a batch through the network on crossbars: one Monte-Carlo programming instance (trial 0 of
 * `seed`), read in chunks of `batchSize` samples, every array with wire resistance solved as a
 * circuit. Calibrated DACs and ADCs take their ranges from the ideal activations of the first
 * CALIBRATION_SAMPLES samples.
 */
export function runOnHardware(
  network: Network,
  spec: HardwareSpec,
  input: Tensor,
  options: { readonly seed: number; readonly batchSize: number; readonly readTimeSeconds?: Seconds; readonly onBatch?: (samples: number) => void },
): HardwareRun {
  const { seed, batchSize, readTimeSeconds } = options;
  const hardware = HardwareNetwork.create(network, spec);
  const total = input.shape[0];
  hardware.calibrate(batchSlice(input, 0, Math.min(total, CALIBRATION_SAMPLES)));
  const programmed = ProgrammedNetwork.program(hardware, seed, 0, readTimeSeconds, { irDrop: true });
  const outputName = network.outputs[0];
  const producer = network.nodes.find((node) => node.output === outputName)!;
  let out: Tensor | undefined;
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const y = programmed.run(batchSlice(input, start, count)).get(producer.name)!;
    out ??= tensor([total, ...y.shape.slice(1)]);
    out.data.set(y.data, start * shapeSize(y.shape.slice(1)));
    options.onBatch?.(count);
  }
  return { output: out ?? tensor([0]), dacClipping: hardware.dacClipping(input) };
}
