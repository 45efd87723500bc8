import type { MappedWeightNode, HardwareNetwork, NodeOutputs } from '../hardware/hardware-network.js';
import { weightNodeForward } from '../hardware/hardware-network.js';
import type { ProgramOptions, ProgrammedCrossbar } from '../mvm/crossbar-layer.js';
import { evaluateNode, runNetwork } from '../network/execute.js';
import { isWeightNode } from '../network/graph.js';
import type { Tensor } from '../network/tensor.js';
import { type Rng, createRng } from '../random/rng.js';
import type { Seconds } from '../units.js';

interface ProgrammedNode {
  readonly entry: MappedWeightNode;
  /** One programmed instance per convolution group. */
  readonly groups: readonly ProgrammedCrossbar[];
  /** The node's read stream, continued from batch to batch. */
  readonly read: Rng;
}

/**
 * One Monte-Carlo programming instance of a hardware network, to run a dataset through in batches.
 * Weight node k (network order) is programmed once from createRng(seed, 'trial', trial, 'layer', k,
 * 'program') and read from one stream createRng(seed, 'trial', trial, 'layer', k, 'read') continued
 * across batches, so every batch sees the same programmed cells and fresh read noise. For a single
 * batch the outputs are those of `HardwareNetwork.runTrial(input, seed, trial)`, bit for bit.
 */
export class ProgrammedNetwork {
  private constructor(
    readonly hardware: HardwareNetwork,
    private readonly nodes: ReadonlyMap<string, ProgrammedNode>,
    /** Read time after programming, in seconds; undefined = each array's configured read time. */
    private readonly readTimeSeconds: Seconds | undefined,
  ) {}

  /**
   * Programs every weight node of `hardware` for Monte-Carlo trial `trial`. With `irDrop`, every
   * crossbar whose array has wire resistances is solved as a circuit with them (the others have ideal
   * wires, and are read as such).
   */
  static program(hardware: HardwareNetwork, seed: number | string, trial: number, readTimeSeconds?: Seconds, options: ProgramOptions = {}): ProgrammedNetwork {
    const nodes = new Map<string, ProgrammedNode>();
    for (const entry of hardware.weightNodes()) {
      const program = createRng(seed, 'trial', trial, 'layer', entry.weightIndex, 'program');
      const irDrop = (options.irDrop ?? false) && entry.config.wires !== undefined;
      const groups = entry.groups.map((layer) => layer.program(program, { ...options, irDrop }));
      nodes.set(entry.node.name, { entry, groups, read: createRng(seed, 'trial', trial, 'layer', entry.weightIndex, 'read') });
    }
    return new ProgrammedNetwork(hardware, nodes, readTimeSeconds);
  }

  /**
   * Weight node `name`'s programmed crossbars (one per convolution group) and its read stream, for
   * engines that compute the reads themselves; undefined for a node that is not a weight node.
   */
  programmedNode(name: string): { readonly crossbars: readonly ProgrammedCrossbar[]; readonly read: Rng; readonly readTimeSeconds: Seconds | undefined } | undefined {
    const node = this.nodes.get(name);
    return node && { crossbars: node.groups, read: node.read, readTimeSeconds: this.readTimeSeconds };
  }

  /** Runs one batch (B x inputShape); returns every node's output keyed by node name. */
  run(input: Tensor): NodeOutputs {
    const outputs: NodeOutputs = new Map();
    runNetwork(this.hardware.network, input, (node, inputs) => {
      const programmed = isWeightNode(node) ? this.nodes.get(node.name) : undefined;
      const result = programmed ? this.runWeightNode(programmed, inputs) : evaluateNode(node, inputs);
      outputs.set(node.name, result);
      return result;
    });
    return outputs;
  }

  private runWeightNode(programmed: ProgrammedNode, inputs: readonly Tensor[]): Tensor {
    return weightNodeForward(programmed.entry, inputs, (g, vectors) => {
      const crossbar = programmed.groups[g];
      return crossbar.forward(vectors, programmed.read, this.readTimeSeconds ?? crossbar.layer.config.readTimeSeconds);
    });
  }
}
