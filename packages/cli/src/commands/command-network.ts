import type { HardwareSpec, Network } from '@xbar/core';
import { OnnxNetworkCache, describePlacement, hardwareSpecFromDesign, loadNetlist, loadOnnxModel, netlistNetwork, nodePlacement, usageError } from '@xbar/session';
import { loadConfigForNetlist } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';
import type { CliIo } from '../program.js';
import { requireFlag } from '../io/flags.js';

/** The flags that say which network a command runs and on what hardware. */
export interface NetworkFlags {
  readonly model?: string;
  readonly netlist?: string;
  readonly network?: string;
  /** False with `--no-config`. */
  readonly config: boolean;
}

/** The hardware of a network's weight nodes from a netlist. */
export interface CommandHardware {
  readonly spec: HardwareSpec;
  /** The netlist's `.options seed`. */
  readonly seed: number;
  /** Where every node runs, in one line (describePlacement). */
  readonly placement: string;
}

/** The network a command runs, and its hardware when asked for. */
export interface CommandNetwork {
  readonly network: Network;
  /** The network in messages: the model path, or `model.onnx (network 'cnn')`. */
  readonly label: string;
  readonly hardware?: CommandHardware;
}

/** Help of `--network`, shared by the commands that take it. */
export const NETWORK_HELP = "run the netlist's .network NAME (of .layer cards, or onnx= with its .map placement) instead of --model";

/**
 * The network of `--model M.onnx` (its weight nodes on the netlist's arrays by hardwareSpecFromDesign's
 * rule), or of `--network NAME` in `--netlist` (built as `xbar run` builds it, with its `.map`
 * placement); with `withHardware`, the netlist's hardware too. The netlist is checked with the device
 * plugins of its xbar.config.yaml.
 */
export async function loadCommandNetwork(flags: NetworkFlags, io: CliIo, withHardware: boolean): Promise<CommandNetwork> {
  if (flags.network !== undefined) {
    if (flags.model !== undefined) throw usageError('give --model or --network, not both: --network runs the netlist network of that name');
    const netlistPath = requireFlag(flags.netlist, '--netlist');
    const onnx = new OnnxNetworkCache(io.cwd);
    const design = loadNetlist(netlistPath, io, { registry: await registryFor(netlistPath, io, flags.config), onnx });
    const named = netlistNetwork(design, flags.network, io.cwd, onnx);
    const hardware = withHardware ? { spec: named.spec, seed: design.options.seed, placement: describePlacement(named.placement) } : undefined;
    return { network: named.network, label: named.label, ...(hardware ? { hardware } : {}) };
  }
  const modelPath = requireFlag(flags.model, '--model');
  const { network, weightInitializers } = loadOnnxModel(modelPath, io.cwd);
  if (!withHardware) return { network, label: modelPath };
  const netlistPath = requireFlag(flags.netlist, '--netlist');
  const design = loadNetlist(netlistPath, io, { registry: await registryFor(netlistPath, io, flags.config) });
  return {
    network,
    label: modelPath,
    hardware: {
      spec: hardwareSpecFromDesign(design, network, weightInitializers),
      seed: design.options.seed,
      placement: describePlacement(nodePlacement(design, network, weightInitializers)),
    },
  };
}

function registryFor(netlistPath: string, io: CliIo, useConfig: boolean) {
  return loadRegistryWithPlugins(loadConfigForNetlist(netlistPath, io.cwd, useConfig));
}
