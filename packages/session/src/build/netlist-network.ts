import type { HardwareSpec, Network } from '@xbar/core';
import type { Design } from '@xbar/dsl';
import { loadTensorSource } from '../data/tensor-source.js';
import { usageError } from '../errors.js';
import { designNetwork } from './design-network.js';
import type { NodePlacement } from './hardware-spec.js';
import { type OnnxNetworkCache, placeOnnxNetwork } from './onnx-network.js';

/** One network of a netlist with the hardware of its weight nodes, as `xbar run` builds it for an analysis card. */
export interface NetlistNetwork {
  readonly network: Network;
  /** The CrossbarConfig of every weight node on an array; the others run digitally. */
  readonly spec: HardwareSpec;
  /** Where every node runs (see describePlacement). */
  readonly placement: readonly NodePlacement[];
  /** The network as commands name it in messages: `model.onnx (network 'cnn')`, `network 'mlp'`. */
  readonly label: string;
}

/**
 * The netlist network `name` (`.network NAME` of `.layer` cards, or `.network NAME onnx=` with its
 * `.map` placement), for commands that run one network outside an analysis card (`xbar infer
 * --network`, `xbar mse --network`). `onnx` should be the cache the netlist was checked with, so
 * the model is read once. An unknown name is a usage error listing the netlist's networks.
 */
export function netlistNetwork(design: Design, name: string, cwd: string, onnx: OnnxNetworkCache): NetlistNetwork {
  const definition = design.networks.get(name.toLowerCase());
  if (!definition) {
    const known = [...design.networks.values()].map((network) => `'${network.name}'`);
    throw usageError(`the netlist has no network '${name}'; its networks: ${known.length > 0 ? known.join(', ') : 'none'}`);
  }
  const weights = (weightsName: string) => {
    const tensor = design.weights.get(weightsName.toLowerCase());
    if (!tensor) throw usageError(`network '${definition.name}' uses unknown weights '${weightsName}'`);
    return loadTensorSource(tensor.source, cwd);
  };
  const built = designNetwork(design, { kind: 'network', network: definition.name }, weights, onnx);
  // where each weight node is, as the netlist says it: `layer fc1 (array xb)`, `array big (model pcm, by .map 'conv*')`
  const where = new Map<string, string>();
  if (definition.kind === 'layers') {
    for (const layer of definition.layers) where.set(layer.name, `layer ${layer.name} (array ${layer.array})`);
  } else {
    for (const [node, placed] of placeOnnxNetwork(definition, onnx).placements) {
      if (placed.placement.kind === 'array') where.set(node, `array ${placed.placement.array} (model ${placed.placement.model}, by ${placed.by})`);
    }
  }
  const placement = built.network.nodes.map((node): NodePlacement => ({ node: node.name, op: node.op === 'tensor' ? node.kind : node.op, on: built.placement.has(node.name) ? where.get(node.name)! : 'digital' }));
  return {
    network: built.network,
    spec: (node) => built.placement.get(node.name),
    placement,
    label: definition.kind === 'onnx' ? `${definition.path} (network '${definition.name}')` : `network '${definition.name}'`,
  };
}
