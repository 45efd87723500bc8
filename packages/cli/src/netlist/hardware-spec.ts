import type { CrossbarConfig, Network, WeightNode } from '@xbar/core';
import { isWeightNode } from '@xbar/core';
import type { Design, LayerDefinition } from '@xbar/dsl';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * The hardware of every weight node of an imported (ONNX) network, from a netlist:
 * - a `.layer` whose name equals the node's name (case-insensitive), or whose weights source is
 *   `onnx="..." layer="<initializer>"` naming the node's weight initializer, gives its config;
 * - otherwise the netlist's only `.array`, or its `.array` named `default`.
 * Nodes matched by layers with different hardware, and nodes left without hardware, end the command
 * with exit 1 and a message naming them.
 *
 * `initializers` maps node names to the name of their weight initializer (see `onnxWeightInitializers`).
 */
export function hardwareSpecFromDesign(design: Design, network: Network, initializers: ReadonlyMap<string, string> = new Map()): (node: WeightNode) => CrossbarConfig {
  const layers = [...design.networks.values()].flatMap((n) => n.layers);
  const fallback = design.arrays.size === 1 ? [...design.arrays.values()][0] : design.arrays.get('default');
  const configs = new Map<string, CrossbarConfig>();
  const unmapped: string[] = [];
  const ambiguous: string[] = [];
  for (const node of network.nodes) {
    if (!isWeightNode(node)) continue;
    const matches = layers.filter((layer) => layerMatches(design, layer, node.name, initializers.get(node.name)));
    const distinct = [...new Set(matches.map((layer) => layer.config))];
    if (distinct.length > 1) ambiguous.push(`'${node.name}' (layers ${matches.map((l) => l.name).join(', ')})`);
    else if (distinct.length === 1) configs.set(node.name, distinct[0]);
    else if (fallback) configs.set(node.name, fallback.config);
    else unmapped.push(`'${node.name}'`);
  }
  const problems: string[] = [];
  if (ambiguous.length) problems.push(`weight nodes matched by layers with different hardware: ${ambiguous.join('; ')}`);
  if (unmapped.length) {
    problems.push(
      `no hardware for weight node${unmapped.length === 1 ? '' : 's'} ${unmapped.join(', ')}: name a .layer after the node (or its weights onnx= layer= initializer), ` +
        `or define a single .array (or one named 'default') for every unmatched node`,
    );
  }
  if (problems.length) throw new CliError(problems.join('\n'), ExitCode.netlistErrors);
  return (node) => configs.get(node.name)!;
}

function layerMatches(design: Design, layer: LayerDefinition, nodeName: string, initializer: string | undefined): boolean {
  if (layer.name.toLowerCase() === nodeName.toLowerCase()) return true;
  const source = design.weights.get(layer.weights.toLowerCase())?.source;
  return initializer !== undefined && source?.kind === 'onnx' && source.layer === initializer;
}
