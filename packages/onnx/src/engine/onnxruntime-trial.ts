import { type HardwareNetwork, type ProgramOptions, ProgrammedNetwork, type Seconds, type Tensor, checkNetworkInput } from '@xbar/core';
import { type FastNormalStream, createFastNormalStream } from '@xbar/core/kernels';
import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder } from '../export/graph-builder.js';
import { networkInput, unexportableNodes, writeNetwork } from '../export/exporter.js';
import { type NoiseInput, type ProgrammedGroup, writeCrossbarNode } from './crossbar-graph.js';
import { writeCrossbarRecurrent } from './recurrent-graph.js';
import { asTensor, createSession, float32Results } from './session.js';

/** Options of a hardware trial on ONNX Runtime. */
export interface OnnxRuntimeTrialOptions extends ProgramOptions {
  /** Read time after programming, in seconds; undefined = each array's configured read time. */
  readonly readTimeSeconds?: Seconds;
  /** Intra-op threads of the session (1 by default). */
  readonly threads?: number;
  /** Storage for the standard normals, shared by the trials of a Monte-Carlo run that run one at a time (default: the trial's own). */
  readonly normals?: NormalsBuffer;
}

/**
 * Storage for the standard normals a trial feeds ONNX Runtime, grown when a batch needs more. The
 * trials of one Monte-Carlo run share one, so that a ResNet-20 batch's 18 M normals (73 MB) are not
 * a fresh array, and its first-touch page faults, for every trial.
 */
export class NormalsBuffer {
  private values = new Float32Array(0);

  /** At least `length` values, to be overwritten. */
  take(length: number): Float32Array {
    if (this.values.length < length) this.values = new Float32Array(length);
    return this.values;
  }
}

/**
 * Why ONNX Runtime cannot run trials of `hardware` as `options` ask (empty when it can): it runs
 * ohmic cells with Gaussian reads (or, with wire resistance, any ohmic cells: one read per
 * programming, as the reference engine does), a DAC that is neither bit-serial nor noisy, and
 * networks whose every node has an ONNX form (recurrent layers as a Scan over their steps).
 */
export function onnxRuntimeTrialSupport(hardware: HardwareNetwork, options: ProgramOptions = {}): string[] {
  const reasons = unexportableNodes(hardware.network).map((r) => `node '${r.node}': ${r.reason}`);
  for (const entry of hardware.weightNodes()) {
    const where = `node '${entry.node.name}'`;
    const { device, dac } = entry.groups[0].config;
    const wired = (options.irDrop ?? false) && entry.config.wires !== undefined;
    if (device.current) reasons.push(`${where}: device '${device.modelName}' has nonlinear cells (read cell by cell)`);
    else if (!wired && !device.gaussianRead) reasons.push(`${where}: device '${device.modelName}' does not declare Gaussian reads (read cell by cell)`);
    if (dac.bitSerial) reasons.push(`${where}: bit-serial DAC`);
    if (dac.noiseRelative > 0) reasons.push(`${where}: DAC input noise (drawn per patch element)`);
    // a recurrent node's arrays read vectors of their own, each through its DAC
    if (entry.node.op !== 'recurrent' && entry.groups.some((layer) => layer.config.dac.inputRange !== dac.inputRange)) reasons.push(`${where}: groups with different DAC ranges`);
  }
  return reasons;
}

interface NodeNoise {
  readonly inputs: readonly NoiseInput[];
  readonly stream: FastNormalStream;
}

/**
 * One Monte-Carlo trial of a hardware network run by ONNX Runtime in float32: every weight node
 * programmed exactly as `ProgrammedNetwork.program(hardware, seed, trial)` programs it (the same
 * streams, so the same programmed cells, bit for bit), its tiles then written as ONNX (see
 * crossbar-graph.ts) around the network's digital nodes. Read noise and output noise are standard
 * normals drawn per run, node k's from createFastNormalStream(seed, 'trial', trial, 'layer', k,
 * 'read-normals') continued across batches: fresh noise for every vector as in the reference
 * engine, the same distribution, not the same numbers. Same seed, same bits (one intra-op thread).
 */
export class OnnxRuntimeTrial {
  private constructor(
    private readonly hardware: HardwareNetwork,
    private readonly session: ort.InferenceSession,
    private readonly noise: readonly NodeNoise[],
    private readonly normals: NormalsBuffer,
  ) {}

  static async create(hardware: HardwareNetwork, seed: number | string, trial: number, options: OnnxRuntimeTrialOptions = {}): Promise<OnnxRuntimeTrial> {
    const refused = onnxRuntimeTrialSupport(hardware, options);
    if (refused.length > 0) throw new RangeError(`ONNX Runtime cannot run this hardware trial: ${refused.join('; ')}`);
    const entries = new Map(hardware.weightNodes().map((entry) => [entry.node.name, entry]));
    // programmed exactly as the reference engine programs the trial
    const programmed = ProgrammedNetwork.program(hardware, seed, trial, options.readTimeSeconds, { irDrop: options.irDrop ?? false });
    const builder = OnnxGraphBuilder.create();
    const noise: NodeNoise[] = [];
    writeNetwork(builder, hardware.network, (node, input, inputShape) => {
      const entry = entries.get(node.name);
      // a node kept digital: its ideal form
      if (entry === undefined) return undefined;
      const inputs: NoiseInput[] = [];
      const groups = programmedGroups(programmed, node.name);
      // a recurrent node's steps: the first dimension of its gates, per sample or at batch 1
      const name = node.op === 'recurrent' ? writeCrossbarRecurrent(builder, entry, groups, node.inputs, inputShape[0], inputs) : writeCrossbarNode(builder, entry, groups, input, inputs);
      noise.push({ inputs, stream: createFastNormalStream(seed, 'trial', trial, 'layer', entry.weightIndex, 'read-normals') });
      return name;
    });
    const noiseDims = (input: NoiseInput) => (input.sampleDims ? ['batch', ...input.sampleDims] : ['normals']);
    const graphInputs = [networkInput(hardware.network), ...noise.flatMap((n) => n.inputs.map((input) => ({ name: input.name, dims: noiseDims(input) })))];
    const bytes = builder.encode(graphInputs, hardware.network.outputs);
    const session = await createSession(bytes, options.threads);
    return new OnnxRuntimeTrial(hardware, session, noise, options.normals ?? new NormalsBuffer());
  }

  /** Standard normals drawn per sample of a batch (read and output noise of every tile). */
  get normalsPerSample(): number {
    return this.noise.reduce((sum, node) => sum + node.inputs.reduce((count, n) => count + n.perSample, 0), 0);
  }

  /** Runs one batch (B x inputShape); returns the network's outputs in order (float32 values held as float64). */
  async run(input: Tensor): Promise<Tensor[]> {
    const batch = checkNetworkInput(this.hardware.network, input);
    const feeds: Record<string, ort.Tensor> = { [this.hardware.network.inputName]: new ort.Tensor('float32', Float32Array.from(input.data), [...input.shape]) };
    const normals = this.normals.take(this.normalsPerSample * batch);
    let offset = 0;
    for (const { inputs, stream } of this.noise) {
      for (const n of inputs) {
        const count = n.perSample * batch;
        stream.fill(normals, offset, count);
        feeds[n.name] = new ort.Tensor('float32', normals.subarray(offset, offset + count), n.sampleDims ? [batch, ...n.sampleDims] : [count]);
        offset += count;
      }
    }
    return float32Results(await this.session.run(feeds), this.hardware.network.outputs).map(asTensor);
  }

  /** Frees the session's native memory. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * A weight node's programmed groups read as linear maps at the read time, with the
 * drift-compensation factor drawn from the node's read stream as the reference engine's first MVM
 * draws it.
 */
function programmedGroups(programmed: ProgrammedNetwork, name: string): ProgrammedGroup[] {
  const node = programmed.programmedNode(name);
  if (node === undefined) throw new RangeError(`internal: '${name}' is not a programmed weight node`);
  return node.crossbars.map((crossbar) => {
    const time = node.readTimeSeconds ?? crossbar.layer.config.readTimeSeconds;
    const driftFactor = crossbar.layer.config.driftCompensation ? crossbar.driftFactor(time, node.read) : 1;
    const tiles = crossbar.linearTiles(time, node.read);
    if (tiles === undefined) throw new RangeError(`node '${name}': its cells are read cell by cell`);
    return { layer: crossbar.layer, tiles, driftFactor };
  });
}
