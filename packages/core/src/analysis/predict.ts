import { type HardwareNetwork, type MappedWeightNode, type NodeOutputs, idealNodeOutputs } from '../hardware/hardware-network.js';
import type { PatchLayout } from '../hardware/patches.js';
import { broadcastAdd } from '../network/kernels.js';
import { type NetworkNode, isWeightNode } from '../network/graph.js';
import { networkShapes } from '../network/shapes.js';
import { type Tensor, shapeSize, tensor } from '../network/tensor.js';
import { dacStep, isIdentityDac } from '../periphery/dac.js';
import type { Seconds } from '../units.js';
import { type ActivationMoments, type CovarianceMode, CovariancePool, applyElementwise, exactMoments } from './activation-moments.js';
import { ACTIVATION_MOMENTS, type ElementwiseOut, HERMITE_ORDER, quantizerMoments, reluMoments } from './elementwise-moments.js';
import { MomentCache } from '../device/moment-cache.js';
import { type LayerStatistics, channelAdc, layerStatistics } from './layer-statistics.js';
import { type SparseLinearMap, addMoments, affineMoments, applyLinearMap, averagePoolMap, globalAveragePoolMap, poolWindows, shiftMoments } from './linear-ops.js';
import { maxPoolMoments } from './max-pool.js';
import { softmaxMoments } from './softmax.js';
import { ALL_SOURCES, type ErrorSources } from './sources.js';
import { propagateWeightNode } from './weight-node.js';
import { wiredRefusal } from './wired-noise.js';
import { SimdWorkspace } from '../math/row-products-simd.js';
import { type BatchMoments, type DiagonalKernel, diagonalKernel, elementwiseBatch, exactBatch, weightNodeBatch } from './batched-diagonal.js';
import { tiledAdcBatch } from './tiled-adc.js';
import { addCompensationNoise, addCompensationNoiseBatch } from './drift-compensation.js';
import { ResidualTracker } from './residual.js';
import { ADJOINT_TAIL_MAX_VALUES, type AdjointNetwork, type BodyRecord, type WeightNodeRecord, adcLinearization, adjointTailStart, sampleOf, tailStartCovariance } from './adjoint.js';

export { ADJOINT_TAIL_MAX_VALUES } from './adjoint.js';


/** Predicted error of one node's output against the ideal network. */
export interface NodePrediction {
  readonly name: string;
  readonly op: NetworkNode['op'];
  /** Mean over the batch and the node's elements of Var + (E - ideal)^2. */
  readonly mse: number;
  /** The variance part of `mse`. */
  readonly variance: number;
  /** The squared-bias part of `mse`. */
  readonly biasSquared: number;
}

/** Prediction for a batch: every node in network order, and the network output (its first output). */
export interface MsePrediction {
  readonly nodes: readonly NodePrediction[];
  readonly output: NodePrediction;
  /** Per-sample moments of the network's first output (for inspection). */
  readonly outputMoments: readonly ActivationMoments[];
  /**
   * How it was propagated: as asked, except that adjoint mode runs full mode on a network whose every
   * value is narrow, and diagonal mode on one without a narrow tail. With adjoint: the node whose
   * output starts the tail.
   */
  readonly method: { readonly mode: PredictionMode; readonly tailStart?: string };
}

/**
 * How the prediction propagates: `full` covariances, `diagonal` variances, or `adjoint` (variances
 * through the wide body, the first narrow value's covariance from first-order sensitivities, full
 * covariances after it: see adjoint.ts).
 */
export type PredictionMode = CovarianceMode | 'adjoint';

/** Options of `MseAnalyzer.predict`. */
export interface PredictOptions {
  readonly mode?: PredictionMode;
  /** Adjoint mode: the largest value (elements per sample) that starts the tail (default ADJOINT_TAIL_MAX_VALUES). */
  readonly tailMaxValues?: number;
  /** Ideal per-node outputs for the batch, if already computed. */
  readonly ideal?: NodeOutputs;
  /** Called after each sample in full and adjoint mode (which propagate sample by sample), with the samples done. */
  readonly onSample?: (done: number) => void;
}

/** Largest covariance matrix of one value that full mode forms (bytes; 1 GiB: about 11 600 values per sample). */
export const FULL_COVARIANCE_MAX_BYTES = 2 ** 30;

function formatGigabytes(bytes: number): string {
  return `${(bytes / 1e9).toPrecision(3)} GB`;
}

/** Nodes of the moment table of continuous devices (see MomentCache) when tabulation is automatic. */
export const DEFAULT_TABLE_NODES = 129;
/** Automatic tabulation: a continuous device tabulated once it has more cells than this in the network. */
export const AUTO_TABLE_MIN_CELLS = 8 * DEFAULT_TABLE_NODES;

/** Options of the MseAnalyzer. */
export interface AnalyzerOptions {
  /**
   * Moments of continuous devices: 0 = exact per distinct target (cached), n >= 4 = interpolated
   * from n exact evaluations (MomentCache). Default: DEFAULT_TABLE_NODES for devices with more than
   * AUTO_TABLE_MIN_CELLS cells in the network, exact otherwise.
   */
  readonly momentTableNodes?: number;
  /** Fill recycled covariance matrices with NaN until they are taken again (tests: a use after recycling shows). */
  readonly poisonRecycledCovariances?: boolean;
}

/**
 * Throws naming the first node whose moments the analysis cannot propagate: digital tensor ops,
 * recurrent layers, and reshapes that move the batch off the first axis; and a whole-batch network.
 */
function refuseUnsupportedNodes(hardware: HardwareNetwork): void {
  const { network } = hardware;
  if (network.wholeBatch !== undefined) throw new RangeError(`the network mixes the samples of its batch of ${network.wholeBatch}; the analytical MSE is per sample`);
  for (const node of network.nodes) {
    if (isWeightNode(node) && !hardware.mapped.has(node.name)) throw new RangeError(`node '${node.name}': the analytical MSE does not propagate moments through a weight node kept digital`);
    if (node.op === 'tensor') throw new RangeError(`node '${node.name}': the analytical MSE does not propagate moments through ${node.kind}`);
    if (node.op === 'recurrent') throw new RangeError(`node '${node.name}': the analytical MSE does not propagate moments through a recurrent (${node.cell.toUpperCase()}) layer`);
    if (node.op === 'reshape' && node.batchAxis !== undefined) throw new RangeError(`node '${node.name}': the analytical MSE needs every value batch first; this reshape moves the batch to axis ${node.batchAxis}`);
  }
}

/**
 * The analytical MSE engine for one hardware network and one set of error sources: layer statistics
 * (device moments, cached per distinct target and time) are computed once at construction, then
 * `predict` propagates per-sample means and covariances through the network.
 */
export class MseAnalyzer {
  readonly statistics: ReadonlyMap<string, readonly LayerStatistics[]>;
  private readonly shapes: Map<string, number[]>;
  private readonly linearMaps = new Map<string, SparseLinearMap>();
  private readonly windows = new Map<string, number[][]>();
  private readonly kernels = new Map<string, DiagonalKernel[]>();
  private readonly residual: ResidualTracker;
  /** The covariance matrices of this analyzer's predictions (full mode). */
  private readonly pool: CovariancePool;

  constructor(
    readonly hardware: HardwareNetwork,
    readonly sources: ErrorSources = ALL_SOURCES,
    options: AnalyzerOptions = {},
  ) {
    refuseUnsupportedNodes(hardware);
    this.pool = new CovariancePool({ poisonRecycled: options.poisonRecycledCovariances ?? false });
    const statistics = new Map<string, LayerStatistics[]>();
    const caches = new Map<object, Map<Seconds, MomentCache>>();
    const cells = new Map<object, number>();
    for (const entry of hardware.mapped.values()) {
      for (const layer of entry.groups) for (const tile of layer.tiled.tiles) cells.set(entry.config.device, (cells.get(entry.config.device) ?? 0) + tile.targets.length);
    }
    const tableNodesOf = (device: object): number => {
      if (options.momentTableNodes !== undefined) return options.momentTableNodes;
      return (cells.get(device) ?? 0) > AUTO_TABLE_MIN_CELLS ? DEFAULT_TABLE_NODES : 0;
    };
    for (const entry of hardware.mapped.values()) {
      let deviceCaches = caches.get(entry.config.device);
      if (!deviceCaches) caches.set(entry.config.device, (deviceCaches = new Map<number, MomentCache>()));
      const rows = entry.layout.channelsPerGroup;
      const cols = entry.node.weights.cols;
      statistics.set(
        entry.node.name,
        entry.groups.map((layer, g) =>
          layerStatistics(layer, sources, {
            caches: deviceCaches,
            tableNodes: tableNodesOf(entry.config.device),
            originalWeights: { rows, cols, data: entry.node.weights.data.subarray(g * rows * cols, (g + 1) * rows * cols) },
            wired: sources.wires && entry.config.wires !== undefined && wiredRefusal(layer, entry.node.op, sources) === undefined,
          }),
        ),
      );
    }
    this.statistics = statistics;
    this.shapes = networkShapes(hardware.network);
    this.residual = new ResidualTracker({
      network: hardware.network,
      weightNode: (name) => {
        const entry = hardware.mapped.get(name);
        const stats = statistics.get(name);
        return entry && stats ? { layout: entry.layout, meanWeights: stats.map((s) => s.meanWeights), dacSlope: (x) => this.dacSlopes(x, entry) } : undefined;
      },
      elementwise: (node) => (node.op === 'relu' || node.op === 'sigmoid' || node.op === 'tanh' ? ACTIVATION_MOMENTS[node.op] : undefined),
      linearMap: (node) => {
        const inputShape = this.shapes.get(node.inputs[0])!;
        if (node.op === 'avgpool') return this.linearMap(node.name, () => averagePoolMap(node, inputShape));
        if (node.op === 'globalavgpool') return this.linearMap(node.name, () => globalAveragePoolMap(inputShape));
        return undefined;
      },
    });
  }

  /**
   * Predicted per-node and output MSE for a batch (B x inputShape). Full mode refuses (RangeError,
   * naming the node) a network with a value whose covariance matrix would exceed
   * FULL_COVARIANCE_MAX_BYTES.
   */
  predict(input: Tensor, options: PredictOptions = {}): MsePrediction {
    const requested = options.mode ?? 'full';
    if (requested === 'diagonal') return this.predictDiagonal(input, options.ideal);
    if (requested === 'adjoint') {
      const tail = adjointTailStart(this.hardware.network, this.shapes, options.tailMaxValues ?? ADJOINT_TAIL_MAX_VALUES);
      if (tail === undefined) return this.predictDiagonal(input, options.ideal);
      if (tail !== 'full') return this.predictAdjoint(input, options.ideal, tail, options.onSample);
    }
    const mode: CovarianceMode = 'full';
    this.refuseOversizedCovariance();
    const network = this.hardware.network;
    const ideal = options.ideal ?? idealNodeOutputs(network, input);
    const batch = input.shape[0];
    const sampleSize = shapeSize(network.inputShape);
    const variance = new Map<string, number>();
    const bias = new Map<string, number>();
    for (const node of network.nodes) {
      variance.set(node.name, 0);
      bias.set(node.name, 0);
    }
    const lastUse = new Map<string, number>();
    network.nodes.forEach((node, index) => node.inputs.forEach((name) => lastUse.set(name, index)));
    const outputNode = network.nodes.find((node) => node.output === network.outputs[0])!;
    const outputMoments: ActivationMoments[] = [];
    const varianceOnly = reluOnlyBeforeMaxPool(network);
    const residual = mode === 'full' && this.residual.active ? this.residual : undefined;
    // dead values' covariance matrices are reused (not while residual tracking may hold on to values)
    const recycle = mode === 'full' && !residual;
    for (let b = 0; b < batch; b++) {
      residual?.reset();
      const values = new Map<string, ActivationMoments>([[network.inputName, exactMoments(input.data.subarray(b * sampleSize, (b + 1) * sampleSize), mode, this.pool)]]);
      // ReLU inputs, kept for a following max pooling: maxpool(relu(x)) = relu(maxpool(x)) since relu
      // is monotone, and Clark's moments are far better on the (near-Gaussian) pre-activations.
      const beforeRelu = new Map<string, ActivationMoments>();
      network.nodes.forEach((node, index) => {
        const inputs = node.inputs.map((name) => values.get(name)!);
        const preActivation = node.op === 'maxpool' ? beforeRelu.get(node.inputs[0]) : undefined;
        const computed = preActivation
          ? reluAfterPool(this.propagateNode(node, [preActivation], mode), recycle, this.pool)
          : this.propagateNode(node, varianceOnly.has(node) ? [withoutCovariance(inputs[0])] : inputs, mode);
        const result = residual ? residual.afterNode(node, index, inputs, computed) : computed;
        if (node.op === 'relu') beforeRelu.set(node.output, inputs[0]);
        values.set(node.output, result);
        const [v, d2] = sampleErrorSums(result, ideal.get(node.name)!.data, b);
        variance.set(node.name, variance.get(node.name)! + v);
        bias.set(node.name, bias.get(node.name)! + d2);
        if (node === outputNode) outputMoments.push(result);
        const dropped: ActivationMoments[] = [];
        for (const name of node.inputs) {
          if ((lastUse.get(name) ?? -1) <= index && !network.outputs.includes(name)) {
            for (const map of [values, beforeRelu]) if (map.has(name)) dropped.push(map.get(name)!);
            values.delete(name);
            beforeRelu.delete(name);
            residual?.release(name);
          }
        }
        if (recycle) recycleDropped(this.pool, dropped, values, beforeRelu);
      });
      options.onSample?.(b + 1);
    }
    const nodes = network.nodes.map((node) => {
      const count = batch * shapeSize(this.shapes.get(node.output)!);
      const v = variance.get(node.name)! / count;
      const b2 = bias.get(node.name)! / count;
      return { name: node.name, op: node.op, mse: v + b2, variance: v, biasSquared: b2 };
    });
    return { nodes, output: nodes[network.nodes.indexOf(outputNode)], outputMoments, method: { mode: 'full' } };
  }

  /**
   * Diagonal mode for the whole batch at once: weight nodes as three matrix products over all MVM
   * rows of the batch, element-wise functions over all elements; the other nodes (pooling, softmax,
   * add, affine, ...) per sample on views of the batch arrays.
   */
  private predictDiagonal(input: Tensor, givenIdeal: NodeOutputs | undefined): MsePrediction {
    const network = this.hardware.network;
    const ideal = givenIdeal ?? idealNodeOutputs(network, input);
    const batch = input.shape[0];
    const values = new Map<string, BatchMoments>([[network.inputName, exactBatch(input.data, batch)]]);
    const beforeRelu = new Map<string, BatchMoments>();
    const lastUse = new Map<string, number>();
    network.nodes.forEach((node, index) => node.inputs.forEach((name) => lastUse.set(name, index)));
    const outputNode = network.nodes.find((node) => node.output === network.outputs[0])!;
    const nodes: NodePrediction[] = [];
    let outputValue: BatchMoments | undefined;
    network.nodes.forEach((node, index) => {
      const inputs = node.inputs.map((name) => values.get(name)!);
      const preActivation = node.op === 'maxpool' ? beforeRelu.get(node.inputs[0]) : undefined;
      const result = preActivation
        ? elementwiseBatch(this.perSample(node, [preActivation]), reluMoments)
        : this.propagateBatch(node, inputs);
      if (node.op === 'relu') beforeRelu.set(node.output, inputs[0]);
      values.set(node.output, result);
      nodes.push(batchPrediction(node, result, ideal.get(node.name)!.data));
      if (node === outputNode) outputValue = result;
      for (const name of node.inputs) {
        if ((lastUse.get(name) ?? -1) <= index && !network.outputs.includes(name)) {
          values.delete(name);
          beforeRelu.delete(name);
        }
      }
    });
    const y = outputValue!;
    const outputMoments: ActivationMoments[] = [];
    for (let b = 0; b < batch; b++) outputMoments.push({ size: y.size, mean: y.mean.subarray(b * y.size, (b + 1) * y.size), variance: y.variance.subarray(b * y.size, (b + 1) * y.size) });
    return { nodes, output: nodes[network.nodes.indexOf(outputNode)], outputMoments, method: { mode: 'diagonal' } };
  }

  private propagateBatch(node: NetworkNode, inputs: readonly BatchMoments[]): BatchMoments {
    const [x] = inputs;
    switch (node.op) {
      case 'dense':
      case 'conv2d':
        return this.weightNodeBatch(node, x).output;
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        return elementwiseBatch(x, ACTIVATION_MOMENTS[node.op]);
      case 'identity':
      case 'reshape':
        return x;
      default:
        return this.perSample(node, inputs);
    }
  }

  /**
   * A weight node in diagonal mode for a whole batch: the crossbar input (after the DAC), the analog
   * outputs before the ADC and the bias, the outputs before the drift-compensation noise, and the
   * node's output.
   */
  private weightNodeBatch(node: NetworkNode & { readonly bias: Float64Array }, x: BatchMoments): { input: BatchMoments; analog: BatchMoments; quantized: BatchMoments; output: BatchMoments } {
    const entry = this.hardware.mapped.get(node.name)!;
    const stats = this.statistics.get(node.name)!;
    let kernels = this.kernels.get(node.name);
    if (!kernels) this.kernels.set(node.name, (kernels = stats.map(diagonalKernel)));
    const input = this.throughDacBatch(x, entry);
    const computed = weightNodeBatch(input, entry.layout, kernels);
    // the ADC and the bias may write in place: keep the analog moments apart
    const analog = { ...computed, mean: Float64Array.from(computed.mean), variance: Float64Array.from(computed.variance) };
    const quantized = finishBatch(stats[0].adc.kind === 'parts' ? tiledAdcBatch(input, entry.layout, stats, computed) : computed, entry.layout, stats, node.bias);
    const noise = stats.map((s) => s.compensationNoise);
    if (noise.every((n) => !n)) return { input, analog, quantized, output: quantized };
    // the compensation noise is added in place: keep the moments before it apart
    const output = addCompensationNoiseBatch(input, { ...quantized, mean: Float64Array.from(quantized.mean), variance: Float64Array.from(quantized.variance) }, entry.layout, noise, node.bias);
    return { input, analog, quantized, output };
  }

  /**
   * Adjoint mode (see adjoint.ts): diagonal moments through the body up to node `tail`, its output's
   * covariance per sample from first-order sensitivities, full covariances after it.
   */
  private predictAdjoint(input: Tensor, givenIdeal: NodeOutputs | undefined, tail: number, onSample: ((done: number) => void) | undefined): MsePrediction {
    const network = this.hardware.network;
    const ideal = givenIdeal ?? idealNodeOutputs(network, input);
    const batch = input.shape[0];
    const values = new Map<string, BatchMoments>([[network.inputName, exactBatch(input.data, batch)]]);
    const weightNodes = new Map<string, WeightNodeRecord>();
    const maxPools = new Map<string, { input: string; pooled?: BatchMoments }>();
    /** ReLU output value -> its input value, for max poolings that read the pre-activations (as predictDiagonal does). */
    const reluInput = new Map<string, string>();
    const nodes: NodePrediction[] = [];
    for (const node of network.nodes.slice(0, tail + 1)) {
      const inputs = node.inputs.map((name) => values.get(name)!);
      const preActivation = node.op === 'maxpool' ? reluInput.get(node.inputs[0]) : undefined;
      let result: BatchMoments;
      if (preActivation !== undefined) {
        const pooled = this.perSample(node, [values.get(preActivation)!]);
        maxPools.set(node.name, { input: preActivation, pooled });
        result = elementwiseBatch(pooled, reluMoments);
      } else if (node.op === 'dense' || node.op === 'conv2d') {
        const entry = this.hardware.mapped.get(node.name)!;
        if (this.statistics.get(node.name)!.some((s) => s.wired)) {
          throw new RangeError(`node '${node.name}': adjoint mode does not carry sensitivities back through the circuit of wired arrays (IR drop); use mode full, or the wires source off`);
        }
        const computed = this.weightNodeBatch(node, inputs[0]);
        const { slope, added } = adcLinearization(computed.analog, computed.quantized, this.statistics.get(node.name)!, channelOfLayout(entry.layout));
        const compensated = this.statistics.get(node.name)!.some((s) => s.compensationNoise);
        const analogMean = compensated ? analogMeans(computed.quantized, entry.layout, node.bias) : undefined;
        weightNodes.set(node.name, { crossbarInput: computed.input, ...this.batchDacSlopes(inputs[0], entry), adcSlope: slope, adcAddedVariance: added, ...(analogMean ? { analogMean } : {}) });
        result = computed.output;
      } else {
        result = this.propagateBatch(node, inputs);
        if (node.op === 'maxpool') maxPools.set(node.name, { input: node.inputs[0] });
      }
      if (node.op === 'relu') reluInput.set(node.output, node.inputs[0]);
      values.set(node.output, result);
      if (node !== network.nodes[tail]) nodes.push(batchPrediction(node, result, ideal.get(node.name)!.data));
    }
    const start = network.nodes[tail];
    const record: BodyRecord = { values, weightNodes, maxPools };
    const adjointNetwork: AdjointNetwork = {
      products: new SimdWorkspace(),
      network,
      shapes: this.shapes,
      mapped: this.hardware.mapped,
      statistics: this.statistics,
      linearMap: (node) => {
        const inputShape = this.shapes.get(node.inputs[0])!;
        if (node.op === 'avgpool') return this.linearMap(node.name, () => averagePoolMap(node, inputShape));
        return this.linearMap(node.name, () => globalAveragePoolMap(inputShape));
      },
      poolWindows: (node) => {
        let windows = this.windows.get(node.name);
        if (!windows && node.op === 'maxpool') this.windows.set(node.name, (windows = poolWindows(node, this.shapes.get(node.inputs[0])!).windows));
        return windows!;
      },
    };
    const startValue = values.get(start.output)!;
    const size = startValue.size;
    const tailNodes = network.nodes.slice(tail + 1);
    const variance = new Map<string, number>([start, ...tailNodes].map((node) => [node.name, 0]));
    const bias = new Map<string, number>([start, ...tailNodes].map((node) => [node.name, 0]));
    const outputNode = network.nodes.find((node) => node.output === network.outputs[0])!;
    const outputMoments: ActivationMoments[] = [];
    const addError = (node: NetworkNode, moments: ActivationMoments, b: number) => {
      const [v, d2] = sampleErrorSums(moments, ideal.get(node.name)!.data, b);
      variance.set(node.name, variance.get(node.name)! + v);
      bias.set(node.name, bias.get(node.name)! + d2);
      if (node === outputNode) outputMoments.push(moments);
    };
    for (let b = 0; b < batch; b++) {
      const covariance = tailStartCovariance(adjointNetwork, record, tail, b);
      const { mean, variance: diagonal } = sampleOf(startValue, b);
      // the first-order covariance, its diagonal raised to the element's own (higher-order) variance
      const ownVariance = new Float64Array(size);
      for (let i = 0; i < size; i++) {
        ownVariance[i] = Math.max(diagonal[i], covariance[i * size + i]);
        covariance[i * size + i] = ownVariance[i];
      }
      const startMoments: ActivationMoments = { size, mean: Float64Array.from(mean), variance: ownVariance, covariance };
      addError(start, startMoments, b);
      const tailValues = new Map<string, ActivationMoments>([[start.output, startMoments]]);
      for (const node of tailNodes) {
        const result = this.propagateNode(node, node.inputs.map((name) => tailValues.get(name)!), 'full');
        tailValues.set(node.output, result);
        addError(node, result, b);
      }
      onSample?.(b + 1);
    }
    for (const node of [start, ...tailNodes]) {
      const count = batch * shapeSize(this.shapes.get(node.output)!);
      const v = variance.get(node.name)! / count;
      const b2 = bias.get(node.name)! / count;
      nodes.push({ name: node.name, op: node.op, mse: v + b2, variance: v, biasSquared: b2 });
    }
    return { nodes, output: nodes[network.nodes.indexOf(outputNode)], outputMoments, method: { mode: 'adjoint', tailStart: start.name } };
  }

  /** The DAC's mean slopes of a weight node's input for every sample (batch x input size), when it is not the identity. */
  private batchDacSlopes(x: BatchMoments, entry: MappedWeightNode): { dacSlope?: Float64Array } {
    const all = new Float64Array(x.mean.length);
    let any = false;
    for (let b = 0; b < x.batch; b++) {
      const slopes = this.dacSlopes(sampleOf(x, b), entry);
      if (slopes) {
        all.set(slopes, b * x.size);
        any = true;
      } else {
        all.fill(1, b * x.size, (b + 1) * x.size);
      }
    }
    return any ? { dacSlope: all } : {};
  }

  /** Any node, sample by sample, on views of the batch arrays (diagonal mode). */
  private perSample(node: NetworkNode, inputs: readonly BatchMoments[]): BatchMoments {
    const batch = inputs[0].batch;
    let mean: Float64Array | undefined;
    let variance: Float64Array | undefined;
    let size = 0;
    for (let b = 0; b < batch; b++) {
      const views = inputs.map((x) => ({ size: x.size, mean: x.mean.subarray(b * x.size, (b + 1) * x.size), variance: x.variance.subarray(b * x.size, (b + 1) * x.size) }));
      const r = this.propagateNode(node, views, 'diagonal');
      if (!mean || !variance) {
        size = r.size;
        mean = new Float64Array(batch * size);
        variance = new Float64Array(batch * size);
      }
      mean.set(r.mean, b * size);
      variance.set(r.variance, b * size);
    }
    return { batch, size, mean: mean ?? new Float64Array(0), variance: variance ?? new Float64Array(0) };
  }

  /** `throughDac` for a whole batch. */
  private throughDacBatch(x: BatchMoments, entry: MappedWeightNode): BatchMoments {
    const dac = this.activeDac(entry, x.mean, x.variance);
    if (!dac) return x;
    const { range, step } = dac;
    return elementwiseBatch(x, (mu, sigma, out) => quantizerMoments(mu, sigma, range, step, out, true));
  }

  private propagateNode(node: NetworkNode, inputs: readonly ActivationMoments[], mode: CovarianceMode): ActivationMoments {
    const [x] = inputs;
    const inputShape = this.shapes.get(node.inputs[0])!;
    switch (node.op) {
      case 'dense':
      case 'conv2d': {
        const entry = this.hardware.mapped.get(node.name)!;
        const stats = this.statistics.get(node.name)!;
        const crossbarInput = this.throughDac(x, entry);
        const y = propagateWeightNode(crossbarInput, entry.layout, stats, node.bias, mode, this.pool);
        const compensated = addCompensationNoise(crossbarInput, y, entry.layout, stats.map((s) => s.compensationNoise), node.bias, this.pool);
        // y's covariance is this node's own: reusable once replaced
        if (compensated.covariance !== y.covariance) this.pool.recycle(y.covariance);
        return compensated;
      }
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        return applyElementwise(x, ACTIVATION_MOMENTS[node.op], this.pool);
      case 'identity':
      case 'reshape':
        return x;
      case 'maxpool': {
        let windows = this.windows.get(node.name);
        if (!windows) this.windows.set(node.name, (windows = poolWindows(node, inputShape).windows));
        return maxPoolMoments(x, windows, this.pool);
      }
      case 'avgpool':
        return applyLinearMap(x, this.linearMap(node.name, () => averagePoolMap(node, inputShape)), this.pool);
      case 'globalavgpool':
        return applyLinearMap(x, this.linearMap(node.name, () => globalAveragePoolMap(inputShape)), this.pool);
      case 'softmax': {
        const shape = [1, ...inputShape];
        return softmaxMoments(x, shapeSize(shape.slice(0, node.axis)), shapeSize(shape.slice(node.axis, node.endAxis)), shapeSize(shape.slice(node.endAxis)));
      }
      case 'add':
        return addMoments(x, inputs[1], this.pool);
      case 'addConstant': {
        const shifted = broadcastAdd(tensor([1, ...inputShape]), { shape: [1, ...node.constantShape], data: node.constant });
        return shiftMoments(x, shifted.data);
      }
      case 'affine':
        return affineMoments(x, node, inputShape, this.pool);
      case 'tensor':
        throw new RangeError(`node '${node.name}': the analytical MSE does not propagate moments through ${node.kind}`);
      case 'recurrent':
        throw new RangeError(`node '${node.name}': the analytical MSE does not propagate moments through a recurrent (${node.cell.toUpperCase()}) layer`);
    }
  }

  /** Full mode forms one size x size covariance per value and sample: refuse what cannot fit, before any work. */
  private refuseOversizedCovariance(): void {
    for (const node of this.hardware.network.nodes) {
      const size = shapeSize(this.shapes.get(node.output)!);
      const bytes = size * size * Float64Array.BYTES_PER_ELEMENT;
      if (bytes > FULL_COVARIANCE_MAX_BYTES) {
        throw new RangeError(
          `node '${node.name}': full mode needs its ${size} x ${size} covariance per sample (${formatGigabytes(bytes)}; at most ${formatGigabytes(FULL_COVARIANCE_MAX_BYTES)}): ` +
            "use mode adjoint (variances, then the covariance of the network's narrow tail from first-order sensitivities) or mode diagonal (variances only)",
        );
      }
    }
  }

  private linearMap(name: string, build: () => SparseLinearMap): SparseLinearMap {
    let map = this.linearMaps.get(name);
    if (!map) this.linearMaps.set(name, (map = build()));
    return map;
  }

  /**
   * The DAC of a weight node as the analysis sees it: its range and code size, or undefined where it
   * leaves the activations unchanged (switched off, identity, or ideal with no input within 12 sigma
   * of clipping).
   */
  private activeDac(entry: MappedWeightNode, mean: Float64Array, variance: Float64Array): { range: number; step: number } | undefined {
    const { dac } = entry.config;
    if (!this.sources.dac || isIdentityDac(dac)) return undefined;
    const step = dacStep(dac);
    const range = dac.inputRange;
    if (step === 0) {
      let inside = true;
      for (let i = 0; i < mean.length && inside; i++) inside = Math.abs(mean[i]) + 12 * Math.sqrt(variance[i]) < range;
      if (inside) return undefined;
    }
    return { range, step };
  }

  /** Mean slopes E[Q'(x_i)] of the DAC per crossbar input element, or undefined where it is the identity. */
  private dacSlopes(x: ActivationMoments, entry: MappedWeightNode): Float64Array | undefined {
    const dac = this.activeDac(entry, x.mean, x.variance);
    if (!dac) return undefined;
    const { range, step } = dac;
    const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };
    const slope = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const sigma = Math.sqrt(x.variance[i]);
      if (!(sigma > 0)) continue;
      quantizerMoments(x.mean[i], sigma, range, step, out);
      slope[i] = out.hermite[1] / sigma;
    }
    return slope;
  }

  /** The crossbar's input after the DAC (clip and quantize) as an element-wise function of the activations. */
  private throughDac(x: ActivationMoments, entry: MappedWeightNode): ActivationMoments {
    const dac = this.activeDac(entry, x.mean, x.variance);
    if (!dac) return x;
    const { range, step } = dac;
    return applyElementwise(x, (mu: number, sigma: number, out: ElementwiseOut) => quantizerMoments(mu, sigma, range, step, out), this.pool);
  }
}


/**
 * ReLU nodes whose output only feeds max poolings (and is no network output): the poolings read the
 * ReLU's input instead (maxpool(relu(x)) = relu(maxpool(x))), so only the ReLU's own mean and variance
 * are ever used and its covariance (size^2 Mehler sums per sample) need not be formed.
 */
function reluOnlyBeforeMaxPool(network: HardwareNetwork['network']): Set<NetworkNode> {
  const found = new Set<NetworkNode>();
  for (const node of network.nodes) {
    if (node.op !== 'relu' || network.outputs.includes(node.output)) continue;
    const consumers = network.nodes.filter((other) => other.inputs.includes(node.output));
    if (consumers.length > 0 && consumers.every((other) => other.op === 'maxpool')) found.add(node);
  }
  return found;
}

/** ReLU of a max pooling's output (the pooled pre-activations); the pooled covariance is recycled when allowed. */
function reluAfterPool(pooled: ActivationMoments, recycle: boolean, pool: CovariancePool): ActivationMoments {
  const result = applyElementwise(pooled, reluMoments, pool);
  if (recycle && result.covariance !== pooled.covariance) pool.recycle(pooled.covariance);
  return result;
}

/**
 * Hands the covariance matrices of values that just died back to the pool for reuse, unless a
 * live value still holds the same matrix (identity, reshape and shifts pass it on unchanged).
 */
function recycleDropped(pool: CovariancePool, dropped: readonly ActivationMoments[], ...live: ReadonlyMap<string, ActivationMoments>[]): void {
  for (const x of dropped) {
    const matrix = x.covariance;
    if (!matrix) continue;
    let used = false;
    for (const map of live) for (const y of map.values()) used ||= y.covariance === matrix;
    if (!used) pool.recycle(matrix);
  }
}

/** The same moments without the covariance (element-wise functions then skip the pair terms). */
function withoutCovariance(x: ActivationMoments): ActivationMoments {
  return { size: x.size, mean: x.mean, variance: x.variance };
}

/** Sums over one sample's elements of the variance and of the squared bias against the ideal outputs (batch-major). */
function sampleErrorSums(moments: ActivationMoments, ideal: Float64Array, b: number): [number, number] {
  let v = 0;
  let d2 = 0;
  for (let i = 0; i < moments.size; i++) {
    v += moments.variance[i];
    const d = moments.mean[i] - ideal[b * moments.size + i];
    d2 += d * d;
  }
  return [v, d2];
}

/** A node's predicted MSE from its batch moments and the ideal outputs. */
function batchPrediction(node: NetworkNode, y: BatchMoments, ideal: Float64Array): NodePrediction {
  let v = 0;
  let d2 = 0;
  for (let e = 0; e < y.mean.length; e++) {
    v += y.variance[e];
    const d = y.mean[e] - ideal[e];
    d2 += d * d;
  }
  const count = Math.max(1, y.mean.length);
  return { name: node.name, op: node.op, mse: (v + d2) / count, variance: v / count, biasSquared: d2 / count };
}

/** A weight node's output means without the bias (batch x output size), from its moments before drift compensation. */
function analogMeans(y: BatchMoments, layout: PatchLayout, bias: Float64Array): Float64Array {
  const channelOf = channelOfLayout(layout);
  const mean = Float64Array.from(y.mean);
  for (let e = 0; e < mean.length; e++) mean[e] -= bias[channelOf(e % y.size)];
  return mean;
}

/** The channel (output index of the node) of each element of a sample of a weight node's output. */
function channelOfLayout(layout: PatchLayout): (e: number) => number {
  const channels = layout.channelsPerGroup * layout.groups;
  return (e) => (layout.channelStride === 1 ? e % channels : Math.floor(e / layout.channelStride) % channels);
}

/** The digital side of a weight node for a batch: exact ADC quantizer when modelled so, then the bias. */
function finishBatch(y: BatchMoments, layout: PatchLayout, stats: readonly LayerStatistics[], bias: Float64Array): BatchMoments {
  const M = layout.channelsPerGroup;
  const channels = M * layout.groups;
  const channelOf = (o: number) => (layout.channelStride === 1 ? o % channels : Math.floor(o / layout.channelStride) % channels);
  let result = y;
  if (stats[0].adc.kind === 'channel') {
    result = elementwiseBatch(y, (mu, sigma, out, o) => {
      const m = channelOf(o);
      const adc = channelAdc(stats[Math.floor(m / M)]);
      const scale = adc.scale[m % M];
      quantizerMoments(mu / scale, sigma / scale, adc.range[m % M], adc.step[m % M], out, true);
      out.mean *= scale;
      out.variance *= scale * scale;
    });
  }
  const mean = result.mean;
  for (let e = 0; e < mean.length; e++) mean[e] += bias[channelOf(e % y.size)];
  return result;
}
