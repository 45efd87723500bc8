import { type HardwareNetwork, type Tensor, batchSlice } from '@xbar/core';

/** Samples whose ideal activations calibrate the DAC and ADC ranges. */
export const CALIBRATION_SAMPLES = 256;

/**
 * The calibration policy of every command and analysis: calibrated DACs and ADCs take their ranges
 * from the ideal activations of the first CALIBRATION_SAMPLES inputs (the whole batch of a network
 * that mixes its samples, Network.wholeBatch, which runs on nothing else).
 */
export function calibrateOnInputs(hardware: HardwareNetwork, inputs: Tensor): void {
  const whole = hardware.network.wholeBatch !== undefined;
  hardware.calibrate(whole ? inputs : batchSlice(inputs, 0, Math.min(inputs.shape[0], CALIBRATION_SAMPLES)));
}
