import type { CrossbarConfig, Matrix, Network, NetworkNode } from '@xbar/core';
import type { Activation, Design, LayerNetworkDefinition, OnnxNetworkDefinition, Workload } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import { type OnnxNetworkCache, placeOnnxNetwork } from './onnx-network.js';
import { transpose } from '../data/tensor-source.js';

/** A netlist workload as a core network, with the hardware of each weight node. */
export interface DesignNetwork {
  readonly network: Network;
  /** The CrossbarConfig of every weight node on an array, by node name; a weight node without one runs digitally. */
  readonly placement: ReadonlyMap<string, CrossbarConfig>;
  /** Names of the weight nodes on arrays (the `.layer` names, an ONNX model's node names), in network order. */
  readonly layerNames: readonly string[];
}

/** Looks up the matrix of a `.weights` name (loaded by the caller, netlist layout: inputs x outputs). */
export type WeightLookup = (name: string) => Matrix;

/**
 * Builds the core network of a workload. A `.layer` becomes a dense node named as the layer, with the
 * netlist's weights (inputs x outputs, rows = input lines) transposed to core's outputs x inputs,
 * its bias, and its activation as a following node named `<layer>.<activation>`. An array workload is
 * one dense layer named after its weights. An ONNX network is the imported model, its weight nodes
 * placed by its `.map` cards (see onnx-network.ts).
 */
export function designNetwork(design: Design, workload: Workload, weights: WeightLookup, onnx: OnnxNetworkCache): DesignNetwork {
  if (workload.kind === 'array') {
    const array = design.arrays.get(workload.array.toLowerCase());
    if (!array) throw runtimeError(`unknown array '${workload.array}'`);
    const w = weights(workload.weights);
    const node: NetworkNode = { op: 'dense', name: workload.weights, inputs: ['input'], output: workload.weights, weights: transpose(w), bias: new Float64Array(w.cols) };
    return { network: { inputName: 'input', inputShape: [w.rows], nodes: [node], outputs: [node.output] }, placement: new Map([[node.name, array.config]]), layerNames: [workload.weights] };
  }
  const definition = design.networks.get(workload.network.toLowerCase());
  if (!definition) throw runtimeError(`unknown network '${workload.network}'`);
  return definition.kind === 'onnx' ? onnxDesignNetwork(definition, onnx) : layerDesignNetwork(definition, weights);
}

function layerDesignNetwork(definition: LayerNetworkDefinition, weights: WeightLookup): DesignNetwork {
  const nodes: NetworkNode[] = [];
  let value = 'input';
  let inputs: number | undefined;
  let width: number | undefined;
  for (const layer of definition.layers) {
    const w = weights(layer.weights);
    if (width !== undefined && w.rows !== width) {
      throw runtimeError(`layer '${layer.name}' takes ${w.rows} inputs (rows of '${layer.weights}') but the layer before gives ${width}`);
    }
    inputs ??= w.rows;
    width = w.cols;
    const bias = new Float64Array(w.cols);
    if (layer.bias !== undefined) {
      const b = weights(layer.bias);
      if (b.data.length !== w.cols) throw runtimeError(`bias '${layer.bias}' of layer '${layer.name}' has ${b.data.length} values, the layer has ${w.cols} outputs`);
      bias.set(b.data);
    }
    nodes.push({ op: 'dense', name: layer.name, inputs: [value], output: layer.name, weights: transpose(w), bias });
    value = layer.name;
    if (layer.activation !== 'none') {
      const name = `${layer.name}.${layer.activation}`;
      nodes.push(activationNode(layer.activation, name, value));
      value = name;
    }
  }
  return {
    network: { inputName: 'input', inputShape: [inputs ?? 0], nodes, outputs: [value] },
    placement: new Map(definition.layers.map((layer) => [layer.name, layer.config])),
    layerNames: definition.layers.map((layer) => layer.name),
  };
}

/** An ONNX network with its placement; its problems were reported by the check (a run stops at the first). */
function onnxDesignNetwork(definition: OnnxNetworkDefinition, onnx: OnnxNetworkCache): DesignNetwork {
  const placed = placeOnnxNetwork(definition, onnx);
  const error = placed.diagnostics.find((d) => d.severity === 'error');
  if (error || placed.network === undefined) throw runtimeError(error?.message ?? `network '${definition.name}' cannot be built`);
  const placement = new Map<string, CrossbarConfig>();
  for (const [name, { placement: where }] of placed.placements) if (where.kind === 'array') placement.set(name, where.config);
  return { network: placed.network, placement, layerNames: placed.network.nodes.filter((node) => placement.has(node.name)).map((node) => node.name) };
}

function activationNode(activation: Exclude<Activation, 'none'>, name: string, input: string): NetworkNode {
  if (activation === 'softmax') return { op: 'softmax', name, inputs: [input], output: name, axis: 1, endAxis: 2 };
  return { op: activation, name, inputs: [input], output: name };
}
