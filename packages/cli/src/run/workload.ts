import { type CrossbarConfig, type DacClipping, type DeviceInstance, type Seconds, type Tensor, HardwareNetwork, batchSlice } from '@xbar/core';
import type { Workload } from '@xbar/dsl';
import { runtimeError } from '../exit-codes.js';
import { CALIBRATION_SAMPLES } from '../netlist/hardware-inference.js';
import { type DesignNetwork, designNetwork } from '../netlist/design-network.js';
import type { RunContext } from './context.js';

/** A workload built for one analysis: its network, inputs checked against it, and its hardware. */
export interface BuiltWorkload extends DesignNetwork {
  readonly hardware: HardwareNetwork;
  /** Name of the node producing the network output. */
  readonly outputNode: string;
  /** How much each weight layer's DAC clips the ideal activations of the workload's inputs. */
  readonly dacClipping: readonly DacClipping[];
}

/** The network of a workload (no hardware). */
export function workloadNetwork(ctx: RunContext, workload: Workload): DesignNetwork {
  return designNetwork(ctx.design, workload, (name) => ctx.weights(name));
}

/** What an analysis changes in the hardware of every layer. */
export interface HardwareChanges {
  /** Every layer's device instead of its configured one (`.compare`). */
  readonly device?: DeviceInstance;
  /** The read time of every array instead of its `readtime` (an analysis' `time=`), in seconds. */
  readonly readTimeSeconds?: Seconds;
}

/**
 * The workload on its crossbars, every weight node with its layer's config (or `device` instead of
 * the configured one, for `.compare`; or another read time). Calibrated DACs and ADCs take their range from the ideal
 * activations of the first CALIBRATION_SAMPLES inputs.
 */
export function buildWorkload(ctx: RunContext, workload: Workload, inputs: Tensor, changes: HardwareChanges = {}): BuiltWorkload {
  const built = workloadNetwork(ctx, workload);
  const features = built.network.inputShape[0];
  if (inputs.shape[1] !== features) {
    throw runtimeError(`the inputs have ${inputs.shape[1]} features per row but ${describeWorkload(workload)} takes ${features}`);
  }
  const configs: CrossbarConfig[] = built.configs.map((config) => ({
    ...config,
    ...(changes.device ? { device: changes.device } : {}),
    ...(changes.readTimeSeconds !== undefined ? { readTimeSeconds: changes.readTimeSeconds } : {}),
  }));
  let hardware: HardwareNetwork;
  try {
    hardware = HardwareNetwork.create(built.network, (_node, index) => configs[index]);
    hardware.calibrate(batchSlice(inputs, 0, Math.min(inputs.shape[0], CALIBRATION_SAMPLES)));
  } catch (error) {
    throw runtimeError(`mapping ${describeWorkload(workload)} onto its arrays failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const outputNode = built.network.nodes.find((node) => node.output === built.network.outputs[0])!.name;
  const calibrated = hardware.weightNodes().map((entry) => entry.config);
  return { ...built, configs: calibrated, hardware, outputNode, dacClipping: hardware.dacClipping(inputs) };
}

/** `net=mlp` or `array=xb weights=W1`. */
export function describeWorkload(workload: Workload): string {
  return workload.kind === 'network' ? `net=${workload.network}` : `array=${workload.array} weights=${workload.weights}`;
}

/** Accuracy fraction as a percentage. */
export const percent = (fraction: number): number => 100 * fraction;
