import type { CrossbarConfig, Network, WeightNode } from '@xbar/core';
import { isWeightNode } from '@xbar/core';
import type { Design, LayerDefinition } from '@xbar/dsl';
import { XbarError, ExitCode } from '../errors.js';

/**
 * The hardware of every weight node of an imported (ONNX) network, from a netlist:
 * - a `.layer` whose name equals the node's name (case-insensitive), or whose weights source is
 *   `onnx="..." layer="<initializer>"` naming the node's weight initializer, gives its config;
 * - otherwise the netlist's only `.array`, or its `.array` named `default`.
 * Nodes matched by layers with different hardware, and nodes left without hardware, end the command
 * with exit 1 and a message naming them.
 *
 * `initializers` maps node names to the name of their weight initializer (the importer's `weightInitializers`).
 */
export function hardwareSpecFromDesign(design: Design, network: Network, initializers: ReadonlyMap<string, string> = new Map()): (node: WeightNode) => CrossbarConfig {
  const assigned = assignHardware(design, network, initializers);
  return (node) => assigned.get(node.name)!.config;
}

/** Where a node of an imported network runs: on the arrays of a netlist `.layer` or `.array`, or digitally. */
export interface NodePlacement {
  readonly node: string;
  /** The core node kind (`dense`, `conv2d`, `relu`, ...; a digital tensor op by its ONNX op type). */
  readonly op: string;
  /** `layer L (array A)`, `array A`, or `digital`. */
  readonly on: string;
}

/** Every node of `network` with where it runs on the netlist's hardware (see hardwareSpecFromDesign). */
export function nodePlacement(design: Design, network: Network, initializers: ReadonlyMap<string, string> = new Map()): NodePlacement[] {
  const assigned = assignHardware(design, network, initializers);
  return network.nodes.map((node) => ({ node: node.name, op: node.op === 'tensor' ? node.kind : node.op, on: assigned.get(node.name)?.where ?? 'digital' }));
}

/** The "N on crossbars, M digital" summary of a placement, naming the arrays and the digital kinds. */
export function describePlacement(placement: readonly NodePlacement[]): string {
  const analog = placement.filter((p) => p.on !== 'digital');
  const digital = new Map<string, number>();
  for (const p of placement) if (p.on === 'digital') digital.set(p.op, (digital.get(p.op) ?? 0) + 1);
  const onArrays = analog.map((p) => `${p.node} (${p.op}) on ${p.on}`).join(', ');
  const digitalKinds = [...digital].map(([op, count]) => (count > 1 ? `${op} x${count}` : op)).join(', ');
  return `${analog.length} node${analog.length === 1 ? '' : 's'} on crossbars: ${onArrays || 'none'}; ${placement.length - analog.length} digital: ${digitalKinds || 'none'}`;
}

function assignHardware(design: Design, network: Network, initializers: ReadonlyMap<string, string>): Map<string, { config: CrossbarConfig; where: string }> {
  const layers = [...design.networks.values()].flatMap((n) => (n.kind === 'layers' ? n.layers : []));
  const fallback = design.arrays.size === 1 ? [...design.arrays.values()][0] : design.arrays.get('default');
  const assigned = new Map<string, { config: CrossbarConfig; where: string }>();
  const unmapped: string[] = [];
  const ambiguous: string[] = [];
  for (const node of network.nodes) {
    if (!isWeightNode(node)) continue;
    const matches = layers.filter((layer) => layerMatches(design, layer, node.name, initializers.get(node.name)));
    const distinct = [...new Set(matches.map((layer) => layer.config))];
    if (distinct.length > 1) ambiguous.push(`'${node.name}' (layers ${matches.map((l) => l.name).join(', ')})`);
    else if (distinct.length === 1) assigned.set(node.name, { config: distinct[0], where: `layer ${matches[0].name} (array ${matches[0].array})` });
    else if (fallback) assigned.set(node.name, { config: fallback.config, where: `array ${fallback.name}` });
    else unmapped.push(`'${node.name}'`);
  }
  const problems: string[] = [];
  const onnxNetworks = [...design.networks.values()].filter((n) => n.kind === 'onnx').map((n) => `'${n.name}'`);
  // their .map cards place another model's nodes: never left unused without a word
  if (onnxNetworks.length) problems.push(`the netlist's ONNX network${onnxNetworks.length === 1 ? '' : 's'} ${onnxNetworks.join(', ')} (with ${onnxNetworks.length === 1 ? 'its' : 'their'} .map cards) would be ignored here: run it with xbar run (or xbar infer / xbar mse --network NAME), or give a netlist of arrays and .layer cards`);
  if (ambiguous.length) problems.push(`weight nodes matched by layers with different hardware: ${ambiguous.join('; ')}`);
  if (unmapped.length) {
    problems.push(
      `no hardware for weight node${unmapped.length === 1 ? '' : 's'} ${unmapped.join(', ')}: name a .layer after the node (or its weights onnx= layer= initializer), ` +
        `or define a single .array (or one named 'default') for every unmatched node`,
    );
  }
  if (problems.length) throw new XbarError(problems.join('\n'), ExitCode.netlistErrors);
  return assigned;
}

function layerMatches(design: Design, layer: LayerDefinition, nodeName: string, initializer: string | undefined): boolean {
  if (layer.name.toLowerCase() === nodeName.toLowerCase()) return true;
  const source = design.weights.get(layer.weights.toLowerCase())?.source;
  return initializer !== undefined && source?.kind === 'onnx' && source.layer === initializer;
}
