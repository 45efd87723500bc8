import type { CrossbarConfig, DacConfig } from '../crossbar/config.js';
import { clippedFraction } from '../periphery/dac.js';
import { CrossbarLayer } from '../mvm/crossbar-layer.js';
import { evaluateNode, runNetwork } from '../network/execute.js';
import { type Network, type NetworkNode, type WeightNode, isWeightNode } from '../network/graph.js';
import { networkShapes } from '../network/shapes.js';
import { exactRecurrentMultiply, recurrentForward } from '../network/recurrent.js';
import { type Tensor, tensor } from '../network/tensor.js';
import { createRng } from '../random/rng.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { type PatchLayout, gatherPatches, patchLayout } from './patches.js';

/**
 * The hardware of every weight node: one CrossbarConfig for all, or one per node (index = order
 * among weight nodes); a function returning undefined keeps that node digital (exact float64).
 */
export type HardwareSpec = CrossbarConfig | ((node: WeightNode, weightIndex: number) => CrossbarConfig | undefined);

/** One weight node mapped onto crossbars: one CrossbarLayer per convolution group. */
export interface MappedWeightNode {
  readonly node: WeightNode;
  /** Position among the network's weight nodes (0, 1, ...): the `layer` key of its random streams. */
  readonly weightIndex: number;
  readonly config: CrossbarConfig;
  readonly layout: PatchLayout;
  /** groups[g] holds output channels [g * channelsPerGroup, (g + 1) * channelsPerGroup). */
  readonly groups: readonly CrossbarLayer[];
}

/** How much a weight node's DAC clips on a batch (HardwareNetwork.dacClipping). */
export interface DacClipping {
  readonly node: string;
  readonly range: DacConfig['range'];
  /** The input magnitude mapped to the full read voltage (calibrated or fixed). */
  readonly inputRange: number;
  /** Largest |input| of the node on the batch. */
  readonly largestInput: number;
  /** Fraction of the node's DAC conversions beyond +-inputRange (0 for an unclipped DAC). */
  readonly clippedFraction: number;
}

/** Per-node outputs of one run (ideal or one Monte-Carlo trial), keyed by node name. */
export type NodeOutputs = Map<string, Tensor>;

/**
 * A network whose weight nodes (dense, conv2d, recurrent) run on crossbars, except those its spec
 * keeps digital; every other node runs exactly in float64. Biases are added digitally (exact). A conv reads the same programmed cells at every output
 * position, each position a fresh MVM (fresh read, input and output noise, its own ADC conversion).
 */
export class HardwareNetwork {
  private constructor(
    readonly network: Network,
    private readonly entries: Map<string, MappedWeightNode>,
  ) {}

  /** Mapped weight nodes keyed by node name. */
  get mapped(): ReadonlyMap<string, MappedWeightNode> {
    return this.entries;
  }

  static create(network: Network, spec: HardwareSpec): HardwareNetwork {
    const shapes = networkShapes(network);
    const mapped = new Map<string, MappedWeightNode>();
    let weightIndex = 0;
    for (const node of network.nodes) {
      if (!isWeightNode(node)) continue;
      const config = typeof spec === 'function' ? spec(node, weightIndex) : spec;
      // a digital node keeps its index: the random streams of the others do not depend on it
      if (config === undefined) {
        weightIndex++;
        continue;
      }
      const inputShape = shapes.get(node.inputs[0])!;
      const layout = patchLayout(node, inputShape);
      const groups: CrossbarLayer[] = [];
      for (let g = 0; g < layout.groups; g++) {
        const rows = layout.channelsPerGroup;
        const block = matrix(rows, node.weights.cols, node.weights.data.subarray(g * rows * node.weights.cols, (g + 1) * rows * node.weights.cols));
        groups.push(CrossbarLayer.create(block, config));
      }
      mapped.set(node.name, { node, weightIndex, config, layout, groups });
      weightIndex++;
    }
    return new HardwareNetwork(network, mapped);
  }

  /**
   * The same network with every crossbar layer replaced by `transform(layer, entry, group)`, which
   * must keep the layer's mapping (e.g. `CrossbarLayer.reconfigured`).
   */
  withLayers(transform: (layer: CrossbarLayer, entry: MappedWeightNode, group: number) => CrossbarLayer): HardwareNetwork {
    const mapped = new Map<string, MappedWeightNode>();
    for (const [name, entry] of this.mapped) {
      const groups = entry.groups.map((layer, g) => transform(layer, entry, g));
      mapped.set(name, { ...entry, config: groups[0].config, groups });
    }
    return new HardwareNetwork(this.network, mapped);
  }

  /** Weight nodes in network order. */
  weightNodes(): MappedWeightNode[] {
    return [...this.mapped.values()].sort((a, b) => a.weightIndex - b.weightIndex);
  }

  /**
   * Calibrates every calibrated DAC and ADC on the ideal inputs of its layer for the batch `input`
   * (the ideal float64 network's activations): a node's DAC range is the largest |input| of its layer
   * (over all its groups) times the margin, then each group's ADC ranges are set through that DAC.
   */
  calibrate(input: Tensor): void {
    const ideal = idealNodeOutputs(this.network, input);
    for (const [name, entry] of this.entries) {
      const reads = weightNodeReads(entry, this.nodeInputs(entry, input, ideal));
      const largest = largestMagnitude(reads.data);
      for (const layer of entry.groups) layer.calibrateDac(largest);
      this.entries.set(name, { ...entry, config: entry.groups[0].config });
      entry.groups.forEach((layer, g) => layer.calibrateAdc(patchMatrix(entry.layout, g, reads.data, reads.batch)));
    }
  }

  /**
   * Per weight node, in network order: the DAC input range and the fraction of the DAC conversions
   * (every element of every patch, padding included) beyond it, for the ideal activations of `input`.
   */
  dacClipping(input: Tensor, ideal: NodeOutputs = idealNodeOutputs(this.network, input)): DacClipping[] {
    return this.weightNodes().map((entry) => {
      const reads = weightNodeReads(entry, this.nodeInputs(entry, input, ideal));
      let clipped = 0;
      let conversions = 0;
      entry.groups.forEach((layer, g) => {
        const patches = patchMatrix(entry.layout, g, reads.data, reads.batch).data;
        clipped += clippedFraction(patches, layer.config.dac) * patches.length;
        conversions += patches.length;
      });
      const { dac } = entry.config;
      return {
        node: entry.node.name,
        range: dac.range,
        inputRange: dac.inputRange,
        largestInput: largestMagnitude(reads.data),
        clippedFraction: conversions === 0 ? 0 : clipped / conversions,
      };
    });
  }

  private nodeInputs(entry: MappedWeightNode, input: Tensor, ideal: NodeOutputs): Tensor[] {
    return entry.node.inputs.map((name) => (name === this.network.inputName ? input : ideal.get(producerName(this.network, name))!));
  }

  /**
   * Runs the batch through the network with every weight node on its crossbars, programmed afresh
   * for Monte-Carlo trial `trial`: layer k is programmed from createRng(seed, 'trial', trial, 'layer',
   * k, 'program') and read from createRng(seed, 'trial', trial, 'layer', k, 'read'). Returns every
   * node's output.
   */
  runTrial(input: Tensor, seed: number | string, trial: number, options: { readonly irDrop?: boolean } = {}): NodeOutputs {
    const outputs: NodeOutputs = new Map();
    runNetwork(this.network, input, (node, inputs) => {
      const entry = isWeightNode(node) ? this.mapped.get(node.name) : undefined;
      const result = entry ? this.runWeightNode(entry, inputs, seed, trial, options.irDrop ?? false) : evaluateNode(node, inputs);
      outputs.set(node.name, result);
      return result;
    });
    return outputs;
  }

  private runWeightNode(entry: MappedWeightNode, inputs: readonly Tensor[], seed: number | string, trial: number, irDrop: boolean): Tensor {
    const program = createRng(seed, 'trial', trial, 'layer', entry.weightIndex, 'program');
    const read = createRng(seed, 'trial', trial, 'layer', entry.weightIndex, 'read');
    const wired = irDrop && entry.config.wires !== undefined;
    const programmed = entry.groups.map((layer) => layer.program(program, { irDrop: wired }));
    return weightNodeForward(entry, inputs, (g, vectors) => programmed[g].forward(vectors, read));
  }
}

/**
 * A weight node's output with every MVM of array group g computed by `multiply(g, vectors)`
 * (vectors one per row): the patches of a dense or conv node at once, a recurrent node's reads step
 * by step. Biases are added exactly.
 */
export function weightNodeForward(entry: MappedWeightNode, inputs: readonly Tensor[], multiply: (group: number, vectors: Matrix) => Matrix): Tensor {
  const { layout, node } = entry;
  if (node.op === 'recurrent') return recurrentForward(node, inputs, multiply);
  const [x] = inputs;
  const batch = layout.inputSize === 0 ? x.shape[0] : x.data.length / layout.inputSize;
  // a dense node keeps the leading axes, wherever the batch is among them
  const out = tensor(node.op === 'dense' ? [...x.shape.slice(0, -1), node.weights.rows] : [batch, ...layout.outputShape]);
  for (let g = 0; g < layout.groups; g++) scatterGroupOutput(layout, g, multiply(g, patchMatrix(layout, g, x.data, batch)), batch, node.bias, out.data);
  return out;
}

/**
 * The vectors every array of a weight node reads for a batch, from the node's exact inputs, and how
 * many vectors per array: the node input's patches, or a recurrent node's hidden states at every
 * step (recorded from its exact run). `patchMatrix(layout, g, reads.data, reads.batch)` is group g's.
 */
function weightNodeReads(entry: MappedWeightNode, inputs: readonly Tensor[]): { data: Float64Array; batch: number } {
  const { layout, node } = entry;
  if (node.op !== 'recurrent') return { data: inputs[0].data, batch: inputs[0].data.length / layout.inputSize };
  const exact = exactRecurrentMultiply(node);
  const perGroup: Matrix[][] = Array.from({ length: layout.groups }, () => []);
  recurrentForward(node, inputs, (g, vectors) => {
    perGroup[g].push(vectors);
    return exact(g, vectors);
  });
  const hidden = layout.patchSize;
  const rows = perGroup[0].reduce((sum, m) => sum + m.rows, 0);
  const data = new Float64Array(rows * layout.inputSize);
  perGroup.forEach((steps, g) => {
    let row = 0;
    for (const vectors of steps) {
      for (let r = 0; r < vectors.rows; r++, row++) data.set(vectors.data.subarray(r * hidden, (r + 1) * hidden), row * layout.inputSize + g * hidden);
    }
  });
  return { data, batch: rows };
}

/** Patches of group g for a batch as a (batch * positions) x patchSize matrix. */
export function patchMatrix(layout: PatchLayout, group: number, input: Float64Array, batch: number): Matrix {
  const out = matrix(batch * layout.positions, layout.patchSize);
  gatherPatches(layout, group, input, batch, out.data);
  return out;
}

/** Writes group g's MVM outputs ((batch * positions) x channelsPerGroup) plus bias into the node output. */
function scatterGroupOutput(layout: PatchLayout, group: number, y: Matrix, batch: number, bias: Float64Array, out: Float64Array): void {
  const { positions, channelsPerGroup, channelStride, positionStride, outputSize } = layout;
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < positions; p++) {
      const row = (b * positions + p) * channelsPerGroup;
      for (let k = 0; k < channelsPerGroup; k++) {
        const m = group * channelsPerGroup + k;
        out[b * outputSize + m * channelStride + p * positionStride] = y.data[row + k] + bias[m];
      }
    }
  }
}

function largestMagnitude(values: Float64Array): number {
  let largest = 0;
  for (let k = 0; k < values.length; k++) {
    const magnitude = Math.abs(values[k]);
    if (magnitude > largest) largest = magnitude;
  }
  return largest;
}

/** The node producing value `name` (node outputs are keyed by node name). */
export function producerName(network: Network, name: string): string {
  const node = network.nodes.find((n) => n.output === name);
  if (!node) throw new RangeError(`no node produces '${name}'`);
  return node.name;
}

/** Every node's output of the exact float64 network for a batch, keyed by node name. */
export function idealNodeOutputs(network: Network, input: Tensor): NodeOutputs {
  const outputs: NodeOutputs = new Map();
  runNetwork(network, input, (node: NetworkNode, inputs) => {
    const result = evaluateNode(node, inputs);
    outputs.set(node.name, result);
    return result;
  });
  return outputs;
}
