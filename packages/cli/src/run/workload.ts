import { type CrossbarConfig, type DeviceInstance, type Tensor, HardwareNetwork, batchSlice } from '@xbar/core';
import type { MvmMode, Workload } from '@xbar/dsl';
import { runtimeError } from '../exit-codes.js';
import { CALIBRATION_SAMPLES } from '../netlist/hardware-inference.js';
import { type DesignNetwork, designNetwork } from '../netlist/design-network.js';
import type { RunContext } from './context.js';

/** A workload built for one analysis: its network, inputs checked against it, and its hardware. */
export interface BuiltWorkload extends DesignNetwork {
  readonly hardware: HardwareNetwork;
  /** Name of the node producing the network output. */
  readonly outputNode: string;
}

/** The network of a workload (no hardware). */
export function workloadNetwork(ctx: RunContext, workload: Workload): DesignNetwork {
  return designNetwork(ctx.design, workload, (name) => ctx.weights(name));
}

/**
 * The workload on its crossbars, every weight node with its layer's config (or `device` instead of
 * the configured one, for `.compare`). Calibrated ADCs take their range from the ideal activations of
 * the first CALIBRATION_SAMPLES inputs.
 */
export function buildWorkload(ctx: RunContext, workload: Workload, inputs: Tensor, device?: DeviceInstance): BuiltWorkload {
  const built = workloadNetwork(ctx, workload);
  const features = built.network.inputShape[0];
  if (inputs.shape[1] !== features) {
    throw runtimeError(`the inputs have ${inputs.shape[1]} features per row but ${describeWorkload(workload)} takes ${features}`);
  }
  const configs: CrossbarConfig[] = built.configs.map((config) => (device ? { ...config, device } : config));
  let hardware: HardwareNetwork;
  try {
    hardware = HardwareNetwork.create(built.network, (_node, index) => configs[index]);
    hardware.calibrateAdc(batchSlice(inputs, 0, Math.min(inputs.shape[0], CALIBRATION_SAMPLES)));
  } catch (error) {
    throw runtimeError(`mapping ${describeWorkload(workload)} onto its arrays failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const outputNode = built.network.nodes.find((node) => node.output === built.network.outputs[0])!.name;
  return { ...built, configs, hardware, outputNode };
}

/** `net=mlp` or `array=xb weights=W1`. */
export function describeWorkload(workload: Workload): string {
  return workload.kind === 'network' ? `net=${workload.network}` : `array=${workload.array} weights=${workload.weights}`;
}

/** `mode=ir` solves every array as a circuit: each array of the workload must give its wire resistances. */
export function requireWiresForIr(mode: MvmMode, built: BuiltWorkload, card: string): void {
  if (mode !== 'ir') return;
  if (built.configs.some((config) => config.wires === undefined)) {
    throw runtimeError(`${card}: mode=ir needs the wire resistances of every array: set rwire= (or rrow= and rcol=) on the .array cards`);
  }
}

/** Accuracy fraction as a percentage. */
export const percent = (fraction: number): number => 100 * fraction;
