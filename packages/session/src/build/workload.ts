import { type CrossbarConfig, type DacClipping, type DeviceInstance, type Seconds, type Tensor, HardwareNetwork, shapeSize, tensor } from '@xbar/core';
import type { Workload } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import { calibrateOnInputs } from './calibration.js';
import { type DesignNetwork, designNetwork } from './design-network.js';
import type { RunContext } from '../run/context.js';

/** A workload built for one analysis: its network, inputs checked against it, and its hardware. */
export interface BuiltWorkload extends DesignNetwork {
  readonly hardware: HardwareNetwork;
  /** The calibrated configuration of every weight node on an array, in `layerNames` order. */
  readonly configs: readonly CrossbarConfig[];
  /** The inputs as the network takes them: B x its input shape. */
  readonly inputs: Tensor;
  /** Name of the node producing the network output. */
  readonly outputNode: string;
  /** How much each weight layer's DAC clips the ideal activations of the workload's inputs. */
  readonly dacClipping: readonly DacClipping[];
}

/** The network of a workload (no hardware). */
export function workloadNetwork(ctx: RunContext, workload: Workload): DesignNetwork {
  return designNetwork(ctx.design, workload, (name) => ctx.weights(name), ctx.onnx);
}

/** What an analysis changes in the hardware of every layer. */
export interface HardwareChanges {
  /** Every layer's device instead of its configured one (`.compare`). */
  readonly device?: DeviceInstance;
  /** The read time of every array instead of its `readtime` (an analysis' `time=`), in seconds. */
  readonly readTimeSeconds?: Seconds;
}

/**
 * The workload on its crossbars, every weight node on an array with its config (or `device` instead
 * of the configured one, for `.compare`; or another read time), the others digital. Inputs given as
 * rows of features are laid out as the network's input shape (a flattened image as 1 x 28 x 28).
 * Calibrated DACs and ADCs take their ranges as every command does (calibrateOnInputs).
 */
export function buildWorkload(ctx: RunContext, workload: Workload, rows: Tensor, changes: HardwareChanges = {}): BuiltWorkload {
  const built = workloadNetwork(ctx, workload);
  const inputs = networkInputs(built.network.inputShape, rows, workload);
  const configs = new Map<string, CrossbarConfig>();
  for (const [name, config] of built.placement) {
    configs.set(name, {
      ...config,
      ...(changes.device ? { device: changes.device } : {}),
      ...(changes.readTimeSeconds !== undefined ? { readTimeSeconds: changes.readTimeSeconds } : {}),
    });
  }
  let hardware: HardwareNetwork;
  try {
    hardware = HardwareNetwork.create(built.network, (node) => configs.get(node.name));
    calibrateOnInputs(hardware, inputs);
  } catch (error) {
    throw runtimeError(`mapping ${describeWorkload(workload)} onto its arrays failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const outputNode = built.network.nodes.find((node) => node.output === built.network.outputs[0])!.name;
  const calibrated = hardware.weightNodes().map((entry) => entry.config);
  return { ...built, configs: calibrated, inputs, hardware, outputNode, dacClipping: hardware.dacClipping(inputs) };
}

/** `rows` (B x features, or already B x the input shape) as B x `inputShape`; a feature count that does not fit is an error naming both. */
function networkInputs(inputShape: readonly number[], rows: Tensor, workload: Workload): Tensor {
  const features = shapeSize(inputShape);
  const perRow = shapeSize(rows.shape.slice(1));
  if (perRow !== features) {
    const shape = inputShape.length === 1 ? '' : ` (${inputShape.join(' x ')})`;
    throw runtimeError(`the inputs have ${perRow} features per row but ${describeWorkload(workload)} takes ${features}${shape}`);
  }
  return rows.shape.length === inputShape.length + 1 ? rows : tensor([rows.shape[0], ...inputShape], rows.data);
}

/** `net=mlp` or `array=xb weights=W1`. */
export function describeWorkload(workload: Workload): string {
  return workload.kind === 'network' ? `net=${workload.network}` : `array=${workload.array} weights=${workload.weights}`;
}

/** Accuracy fraction as a percentage. */
export const percent = (fraction: number): number => 100 * fraction;
