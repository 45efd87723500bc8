import {
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

/**
 * Runs a batch through the network on crossbars: one Monte-Carlo programming instance (trial 0 of
 * `seed`), read in chunks of `batchSize` samples. Calibrated ADCs take their ranges from the ideal
 * activations of the first CALIBRATION_SAMPLES samples. Returns the network's first output.
 */
export function runOnHardware(network: Network, spec: HardwareSpec, input: Tensor, seed: number, batchSize: number, readTimeSeconds?: Seconds): Tensor {
  const hardware = HardwareNetwork.create(network, spec);
  const total = input.shape[0];
  hardware.calibrateAdc(batchSlice(input, 0, Math.min(total, CALIBRATION_SAMPLES)));
  const programmed = ProgrammedNetwork.program(hardware, seed, 0, readTimeSeconds);
  const outputName = network.outputs[0];
  const producer = network.nodes.find((node) => node.output === outputName)!;
  let out: Tensor | undefined;
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const y = programmed.run(batchSlice(input, start, count)).get(producer.name)!;
    out ??= tensor([total, ...y.shape.slice(1)]);
    out.data.set(y.data, start * shapeSize(y.shape.slice(1)));
  }
  return out ?? tensor([0]);
}
