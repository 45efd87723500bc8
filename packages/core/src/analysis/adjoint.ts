import type { MappedWeightNode } from '../hardware/hardware-network.js';
import type { PatchLayout } from '../hardware/patches.js';
import { rowProducts } from '../math/row-products.js';
import type { SimdWorkspace } from '../math/row-products-simd.js';
import type { Network, NetworkNode } from '../network/graph.js';
import { shapeSize } from '../network/tensor.js';
import type { ActivationMoments } from './activation-moments.js';
import type { BatchMoments } from './batched-diagonal.js';
import { ACTIVATION_MOMENTS, type ElementwiseOut, HERMITE_ORDER, quantizerMoments } from './elementwise-moments.js';
import { type LayerStatistics, type ReferenceTerms, channelAdc } from './layer-statistics.js';
import type { SparseLinearMap } from './linear-ops.js';
import { clarkMaxPool } from './max-pool.js';

/**
 * Adjoint mode of the analytical MSE: diagonal moments (mean and variance of every element) through
 * the wide body of a network, then the covariance of the first narrow value, the tail start (a global
 * average pool, say), from every error source of the body to first order, by reverse-mode
 * sensitivities: one adjoint vector per element of the tail start, carried back through the mean
 * network (mean weights, the DAC's and ADC's mean slopes, the activations' Stein slopes E[f']), and at
 * every weight node the covariance its sources add:
 *   programming (one draw per weight, shared by every position): sum_mk s2_mk G_c,mk G_c',mk with
 *     G_c,mk = sum_p R_c[m, p] E[x_pk] (the weight gradient of the means), plus the input variance
 *     part sum_mp R_c R_c' sum_k s2_mk Var x_pk;
 *   read noise (fresh per MVM), output noise, the ADC's added variance: sum_mp R_c R_c' q_mp;
 *   DAC input noise (fresh per MVM and row): s_in^2 sum_pk Q_c,pk Q_c',pk, Q the patch adjoint;
 *   element-wise nonlinearities and max pooling (Clark's linear coefficients): what their output
 *     variance exceeds the linear share, as independent noise per element.
 * Memory: (tail start size) x (value size) per live adjoint; time: the tail start's size times a
 * backward pass. The tail after the start is propagated with full covariances by the caller.
 */

/** Largest tail start (values per sample) adjoint mode carries; a network without a narrower value runs in diagonal mode. */
export const ADJOINT_TAIL_MAX_VALUES = 1024;

/** What a weight node of the body computed in the forward pass (whole batch, diagonal moments). */
export interface WeightNodeRecord {
  /** The crossbar input: the node's input after the DAC. */
  readonly crossbarInput: BatchMoments;
  /** Mean slope E[Q'] of the DAC per input element and sample (batch x input size), or undefined where it is the identity. */
  readonly dacSlope?: Float64Array;
  /** Per output element and sample: the ADC's mean slope (1 without an exact quantizer) and the variance it adds. */
  readonly adcSlope: Float64Array;
  readonly adcAddedVariance: Float64Array;
  /** With drift compensation: the output means before it and before the bias (batch x output size). */
  readonly analogMean?: Float64Array;
}

/** The body's forward pass as adjoint mode needs it. */
export interface BodyRecord {
  /** Diagonal moments of every value (node outputs by value name, and the network input). */
  readonly values: ReadonlyMap<string, BatchMoments>;
  readonly weightNodes: ReadonlyMap<string, WeightNodeRecord>;
  /**
   * Every max pooling: the value whose windows it folded (its input, or the pre-activation of the
   * ReLU before it: maxpool(relu(x)) is computed as relu(maxpool(x))), and in that case the pooled
   * pre-activations before the ReLU.
   */
  readonly maxPools: ReadonlyMap<string, { readonly input: string; readonly pooled?: BatchMoments }>;
}

/** What the backward pass reads of the analyzer. */
export interface AdjointNetwork {
  readonly network: Network;
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly mapped: ReadonlyMap<string, MappedWeightNode>;
  readonly statistics: ReadonlyMap<string, readonly LayerStatistics[]>;
  /** The sparse linear map of an average or global average pooling node. */
  readonly linearMap: (node: NetworkNode) => SparseLinearMap;
  /** The windows (input element indices per output) of a max pooling node. */
  readonly poolWindows: (node: NetworkNode) => readonly number[][];
  /** Memory of the SIMD products, reused over the prediction's samples. */
  readonly products: SimdWorkspace;
}


/**
 * Why adjoint mode cannot carry `node` back (undefined when it can): the ops without a rule yet.
 */
export function adjointRefusal(node: NetworkNode): string | undefined {
  switch (node.op) {
    case 'dense':
    case 'conv2d':
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'identity':
    case 'reshape':
    case 'add':
    case 'addConstant':
    case 'affine':
    case 'avgpool':
    case 'globalavgpool':
    case 'maxpool':
      return undefined;
    case 'softmax':
      return 'softmax';
    case 'tensor':
      return node.kind;
    case 'recurrent':
      return `a recurrent (${node.cell.toUpperCase()}) layer`;
  }
}

/**
 * The covariance (m x m, m = size of the tail start's output) of the tail start `tail` (a node index)
 * for sample `b`, to first order from every error source of the nodes up to and including it.
 */
export function tailStartCovariance(net: AdjointNetwork, record: BodyRecord, tail: number, b: number): Float64Array {
  const { network } = net;
  const start = network.nodes[tail];
  const m = shapeSize(net.shapes.get(start.output)!);
  const covariance = new Float64Array(m * m);
  const adjoints = new Map<string, Float64Array>();
  const identity = new Float64Array(m * m);
  for (let c = 0; c < m; c++) identity[c * m + c] = 1;
  adjoints.set(start.output, identity);
  const sizeOf = (value: string) => shapeSize(value === network.inputName ? network.inputShape : net.shapes.get(value)!);
  /** Adds `contribution` (m x size) to the adjoint of `value` (the network input needs none). */
  const accumulate = (value: string, contribution: Float64Array) => {
    if (value === network.inputName) return;
    const existing = adjoints.get(value);
    if (!existing) adjoints.set(value, contribution);
    else for (let i = 0; i < existing.length; i++) existing[i] += contribution[i];
  };
  for (let index = tail; index >= 0; index--) {
    const node = network.nodes[index];
    const adjoint = adjoints.get(node.output);
    if (!adjoint) continue;
    adjoints.delete(node.output);
    const inputSize = sizeOf(node.inputs[0]);
    const outputSize = adjoint.length / m;
    switch (node.op) {
      case 'dense':
      case 'conv2d':
        accumulate(node.inputs[0], weightNodeAdjoint(net, record, node.name, adjoint, m, b, covariance));
        break;
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        accumulate(node.inputs[0], activationAdjoint(node.op, sampleOf(record.values.get(node.inputs[0])!, b), sampleOf(record.values.get(node.output)!, b), adjoint, m, covariance, net.products));
        break;
      case 'maxpool': {
        const pooling = record.maxPools.get(node.name)!;
        accumulate(pooling.input, maxPoolAdjoint(sampleOf(record.values.get(pooling.input)!, b), pooling.pooled && sampleOf(pooling.pooled, b), sampleOf(record.values.get(node.output)!, b), net.poolWindows(node), adjoint, m, covariance, net.products));
        break;
      }
      case 'identity':
      case 'reshape':
      case 'addConstant':
        accumulate(node.inputs[0], adjoint);
        break;
      case 'add':
        accumulate(node.inputs[0], adjoint);
        accumulate(node.inputs[1], Float64Array.from(adjoint));
        break;
      case 'affine': {
        const shape = net.shapes.get(node.inputs[0])!;
        const axis = node.axis - 1;
        const channels = shape[axis];
        const inner = shapeSize(shape.slice(axis + 1));
        const result = new Float64Array(adjoint.length);
        for (let c = 0; c < m; c++) {
          for (let e = 0; e < outputSize; e++) result[c * outputSize + e] = adjoint[c * outputSize + e] * node.scale[Math.floor(e / inner) % channels];
        }
        accumulate(node.inputs[0], result);
        break;
      }
      case 'avgpool':
      case 'globalavgpool': {
        const map = net.linearMap(node);
        const result = new Float64Array(m * inputSize);
        for (let c = 0; c < m; c++) {
          for (let r = 0; r < map.rows; r++) {
            const a = adjoint[c * outputSize + r];
            if (a === 0) continue;
            for (let t = map.rowStart[r]; t < map.rowStart[r + 1]; t++) result[c * inputSize + map.columns[t]] += a * map.coefficients[t];
          }
        }
        accumulate(node.inputs[0], result);
        break;
      }
      default:
        throw new RangeError(`node '${node.name}': adjoint mode does not carry sensitivities through ${adjointRefusal(node) ?? node.op}`);
    }
  }
  return covariance;
}

/**
 * Max pooling of one sample: Clark's linear coefficients over each window (clarkMaxPool), and what
 * each output's variance exceeds their share by, as independent noise; with `pooled` (the ReLU after
 * the pooling, folded in), the ReLU's slope and excess on the pooled pre-activations first.
 */
function maxPoolAdjoint(
  input: ActivationMoments,
  pooled: ActivationMoments | undefined,
  output: ActivationMoments,
  windows: readonly number[][],
  adjointOut: Float64Array,
  m: number,
  covariance: Float64Array,
  products: SimdWorkspace,
): Float64Array {
  const folded = clarkMaxPool(input, windows);
  const n = windows.length;
  const adjoint = pooled ? activationAdjoint('relu', pooled, output, adjointOut, m, covariance, products) : adjointOut;
  const excess = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const a = folded.coefficients[u];
    let share = 0;
    windows[u].forEach((j, e) => (share += a[e] * a[e] * input.variance[j]));
    excess[u] = Math.max(0, folded.variance[u] - share);
  }
  addWeightedGram(adjoint, m, n, excess, covariance, products);
  const result = new Float64Array(m * input.size);
  for (let c = 0; c < m; c++) {
    for (let u = 0; u < n; u++) {
      const r = adjoint[c * n + u];
      if (r === 0) continue;
      const a = folded.coefficients[u];
      windows[u].forEach((j, e) => (result[c * input.size + j] += a[e] * r));
    }
  }
  return result;
}

/** Element-wise activation: the Stein slope E[f'] per element, and its excess variance as independent noise. */
function activationAdjoint(
  op: keyof typeof ACTIVATION_MOMENTS,
  input: ActivationMoments,
  output: ActivationMoments,
  adjoint: Float64Array,
  m: number,
  covariance: Float64Array,
  products: SimdWorkspace,
): Float64Array {
  const size = input.size;
  const slope = new Float64Array(size);
  const excess = new Float64Array(size);
  const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };
  for (let e = 0; e < size; e++) {
    const mu = input.mean[e];
    const variance = input.variance[e];
    const sigma = Math.sqrt(Math.max(0, variance));
    if (sigma > 0) {
      ACTIVATION_MOMENTS[op](mu, sigma, out);
      slope[e] = out.hermite[1] / sigma;
    } else {
      slope[e] = derivativeAt(op, mu);
    }
    excess[e] = Math.max(0, output.variance[e] - slope[e] * slope[e] * variance);
  }
  addWeightedGram(adjoint, m, size, excess, covariance, products);
  const result = new Float64Array(adjoint.length);
  for (let c = 0; c < m; c++) for (let e = 0; e < size; e++) result[c * size + e] = adjoint[c * size + e] * slope[e];
  return result;
}

function derivativeAt(op: keyof typeof ACTIVATION_MOMENTS, x: number): number {
  if (op === 'relu') return x > 0 ? 1 : 0;
  if (op === 'tanh') return 1 - Math.tanh(x) ** 2;
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 - s);
}

/**
 * A weight node (dense or conv, any groups): the covariance its sources add at the tail start, and
 * the adjoint of its input (through the mean weights and the DAC's mean slope).
 */
function weightNodeAdjoint(net: AdjointNetwork, record: BodyRecord, name: string, adjointOut: Float64Array, m: number, b: number, covariance: Float64Array): Float64Array {
  const entry = net.mapped.get(name)!;
  const stats = net.statistics.get(name)!;
  const nodeRecord = record.weightNodes.get(name)!;
  const { layout } = entry;
  const { positions: P, patchSize: K, channelsPerGroup: M, index, channelStride, positionStride, outputSize, inputSize } = layout;
  const x = nodeRecord.crossbarInput;
  const sampleIn = b * inputSize;
  const sampleOut = b * outputSize;
  // the ADC: its mean slope, and the variance it adds as independent noise
  const adjoint = new Float64Array(adjointOut.length);
  const adcSlope = nodeRecord.adcSlope.subarray(sampleOut, sampleOut + outputSize);
  for (let c = 0; c < m; c++) for (let e = 0; e < outputSize; e++) adjoint[c * outputSize + e] = adjointOut[c * outputSize + e] * adcSlope[e];
  // independent variance per output element, in output units after the ADC: its added variance, and
  // the per-MVM noise before it through its slope (one weighted Gram of the output adjoint for both)
  const independent = Float64Array.from(nodeRecord.adcAddedVariance.subarray(sampleOut, sampleOut + outputSize));
  const inputAdjoint = new Float64Array(m * inputSize);
  const patchMean = new Float64Array(K * P); // K x P: the transposed patch means (rows of rowProducts' b)
  const patchVariance = new Float64Array(P * K);
  const byChannel = new Float64Array(m * M * P); // [c][mm][p]
  const byPosition = new Float64Array(m * P * M); // [c][p][mm]
  const weightsTransposed = new Float64Array(K * M);
  const gradient = new Float64Array(m * M * K);
  const patchAdjoint = new Float64Array(m * P * K);
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const inputNoise = s.inputNoiseVariance;
    for (let p = 0; p < P; p++) {
      for (let k = 0; k < K; k++) {
        const j = index[(g * P + p) * K + k];
        patchMean[k * P + p] = j < 0 ? 0 : x.mean[sampleIn + j];
        patchVariance[p * K + k] = j < 0 ? 0 : x.variance[sampleIn + j];
      }
    }
    for (let c = 0; c < m; c++) {
      for (let mm = 0; mm < M; mm++) {
        for (let p = 0; p < P; p++) {
          const value = adjoint[c * outputSize + (g * M + mm) * channelStride + p * positionStride];
          byChannel[(c * M + mm) * P + p] = value;
          byPosition[(c * P + p) * M + mm] = value;
        }
      }
    }
    // per-MVM noise of each output (read noise, output noise, DAC noise through the cell variance)
    // and the programming noise's input-variance part: independent over (output, position)
    for (let mm = 0; mm < M; mm++) {
      let cellNoise = 0;
      for (let k = 0; k < K; k++) cellNoise += s.programVariance[mm * K + k] + s.readVariance[mm * K + k];
      for (let p = 0; p < P; p++) {
        let v = s.outputVariance[mm] + inputNoise * cellNoise;
        for (let k = 0; k < K; k++) {
          const mu = patchMean[k * P + p];
          const variance = patchVariance[p * K + k];
          v += s.readVariance[mm * K + k] * (mu * mu + variance) + s.programVariance[mm * K + k] * variance;
        }
        const e = (g * M + mm) * channelStride + p * positionStride;
        independent[e] += adcSlope[e] * adcSlope[e] * v;
      }
    }
    // programming noise, one draw per weight shared by every position: the weight gradients of the means
    rowProducts(byChannel, m * M, patchMean, K, P, undefined, gradient, 0, K, 1, net.products);
    addWeightedGram(gradient, m, M * K, s.programVariance, covariance, net.products);
    if (s.reference) addReferenceTerms(s.reference, M, P, K, patchMean, patchVariance, byChannel, gradient, m, covariance, net.products);
    // the patch adjoint through the mean weights
    for (let mm = 0; mm < M; mm++) for (let k = 0; k < K; k++) weightsTransposed[k * M + mm] = s.meanWeights[mm * K + k];
    rowProducts(byPosition, m * P, weightsTransposed, K, M, undefined, patchAdjoint, 0, K, 1, net.products);
    if (inputNoise > 0) addWeightedGram(patchAdjoint, m, P * K, undefined, covariance, net.products, inputNoise);
    const slope = nodeRecord.dacSlope;
    for (let c = 0; c < m; c++) {
      for (let p = 0; p < P; p++) {
        for (let k = 0; k < K; k++) {
          const j = index[(g * P + p) * K + k];
          if (j < 0) continue;
          const value = patchAdjoint[(c * P + p) * K + k];
          inputAdjoint[c * inputSize + j] += slope ? value * slope[sampleIn + j] : value;
        }
      }
    }
  }
  addWeightedGram(adjointOut, m, outputSize, independent, covariance, net.products);
  if (nodeRecord.analogMean) addCompensationTerms(layout, stats, nodeRecord.analogMean.subarray(sampleOut, sampleOut + outputSize), x.mean.subarray(sampleIn, sampleIn + inputSize), adjointOut, m, covariance);
  return inputAdjoint;
}

/**
 * Offset scheme: the reference cell of (row tile, column tile) and patch row k is shared by every
 * output of the column tile, its programming error by every position too, its read noise within one
 * MVM. The outputs' own share (o = o', already in their weight variances) is taken out again: with
 * w_c[t, p] = sum over outputs o of tile t of gain_o R_c[o, p] and G_c[t, k] = sum_p w_c[t, p] E[x_pk],
 *   programming: sum_tk V_tk (G_c G_c' - sum_{o in t} gain_o^2 G_c,ok G_c',ok) (+ the input variance part),
 *   read: sum_tpk V'_tk E[x_pk^2] (w_c w_c' - sum_{o in t} gain_o^2 R_c,op R_c',op).
 */
function addReferenceTerms(
  reference: ReferenceTerms,
  M: number,
  P: number,
  K: number,
  patchMean: Float64Array,
  patchVariance: Float64Array,
  byChannel: Float64Array,
  gradient: Float64Array,
  m: number,
  covariance: Float64Array,
  products: SimdWorkspace,
): void {
  const tiles = reference.columnTiles;
  const w = new Float64Array(m * tiles * P); // [c][t][p]
  for (let c = 0; c < m; c++) {
    for (let mm = 0; mm < M; mm++) {
      const t = reference.columnTile[mm];
      const gain = reference.gain[mm];
      for (let p = 0; p < P; p++) w[(c * tiles + t) * P + p] += gain * byChannel[(c * M + mm) * P + p];
    }
  }
  // per (tile, position): the read variance and the programming's input-variance part, sum_k V E[x^2] / V var
  const readWeight = new Float64Array(tiles * P);
  const ownReadWeight = new Float64Array(M * P);
  for (let t = 0; t < tiles; t++) {
    for (let p = 0; p < P; p++) {
      let v = 0;
      for (let k = 0; k < K; k++) {
        const mu = patchMean[k * P + p];
        const variance = patchVariance[p * K + k];
        v += reference.readVariance[t * K + k] * (mu * mu + variance) + reference.programVariance[t * K + k] * variance;
      }
      readWeight[t * P + p] = v;
    }
  }
  for (let mm = 0; mm < M; mm++) {
    const gain = reference.gain[mm];
    for (let p = 0; p < P; p++) ownReadWeight[mm * P + p] = -gain * gain * readWeight[reference.columnTile[mm] * P + p];
  }
  addWeightedGram(w, m, tiles * P, readWeight, covariance, products);
  addWeightedGram(byChannel, m, M * P, ownReadWeight, covariance, products);
  // the programming error of the reference cells, shared by every position
  const tileGradient = new Float64Array(m * tiles * K);
  rowProducts(w, m * tiles, patchMean, K, P, undefined, tileGradient, 0, K, 1, products);
  addWeightedGram(tileGradient, m, tiles * K, reference.programVariance, covariance, products);
  const ownProgram = new Float64Array(M * K);
  for (let mm = 0; mm < M; mm++) {
    const gain = reference.gain[mm];
    for (let k = 0; k < K; k++) ownProgram[mm * K + k] = -gain * gain * reference.programVariance[reference.columnTile[mm] * K + k];
  }
  addWeightedGram(gradient, m, M * K, ownProgram, covariance, products);
}

/**
 * Drift compensation scales each programmed group's outputs by F = F0 (1 + eps), eps shared by all of
 * them: to first order the error eps * a_e (a the analog output mean), and its covariance with the
 * group's programming error, d_e = sum_k F0 Cov(eps, P_mk) x_pk (drift-compensation.ts). With
 * u_c = R_c . a and v_c = R_c . d over the group's outputs: Var(eps) u_c u_c' + u_c v_c' + v_c u_c'.
 */
function addCompensationTerms(layout: PatchLayout, stats: readonly LayerStatistics[], analogMean: Float64Array, inputMean: Float64Array, adjoint: Float64Array, m: number, covariance: Float64Array): void {
  const { positions: P, patchSize: K, channelsPerGroup: M, index, channelStride, positionStride, outputSize } = layout;
  const u = new Float64Array(m);
  const v = new Float64Array(m);
  for (let g = 0; g < layout.groups; g++) {
    const noise = stats[g].compensationNoise;
    if (!noise) continue;
    u.fill(0);
    v.fill(0);
    for (let p = 0; p < P; p++) {
      for (let mm = 0; mm < M; mm++) {
        const e = (g * M + mm) * channelStride + p * positionStride;
        let d = 0;
        for (let k = 0; k < K; k++) {
          const j = index[(g * P + p) * K + k];
          if (j >= 0) d += noise.coupling[mm * K + k] * inputMean[j];
        }
        const a = analogMean[e];
        for (let c = 0; c < m; c++) {
          const r = adjoint[c * outputSize + e];
          u[c] += r * a;
          v[c] += r * d;
        }
      }
    }
    for (let c = 0; c < m; c++) for (let c2 = 0; c2 < m; c2++) covariance[c * m + c2] += noise.variance * u[c] * u[c2] + u[c] * v[c2] + v[c] * u[c2];
  }
}

/**
 * covariance[c, c'] += scale * sum_j A[c, j] A[c', j] w[j] for the m rows of A (m x n, row-major);
 * w undefined: all ones. One blocked product of the weighted rows against the rows (rowProducts).
 */
function addWeightedGram(a: Float64Array, m: number, n: number, w: Float64Array | undefined, covariance: Float64Array, products: SimdWorkspace, scale = 1): void {
  const weighted = new Float64Array(m * n);
  for (let c = 0; c < m; c++) for (let j = 0; j < n; j++) weighted[c * n + j] = a[c * n + j] * (w ? w[j] : 1) * scale;
  const gram = new Float64Array(m * m);
  rowProducts(weighted, m, a, m, n, undefined, gram, 0, m, 1, products);
  // the two halves agree up to rounding: their mean keeps the covariance exactly symmetric
  for (let c = 0; c < m; c++) for (let d = 0; d < m; d++) covariance[c * m + d] += 0.5 * (gram[c * m + d] + gram[d * m + c]);
}

/** The ADC's mean slope and added variance per output element, from the analog moments before it and the moments after it. */
export function adcLinearization(analog: BatchMoments, after: BatchMoments, stats: readonly LayerStatistics[], layoutChannel: (e: number) => number): { slope: Float64Array; added: Float64Array } {
  const slope = new Float64Array(analog.mean.length).fill(1);
  const added = new Float64Array(analog.mean.length);
  const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };
  const M = stats[0].outputs;
  for (let e = 0; e < analog.mean.length; e++) {
    const before = analog.variance[e];
    const adc = stats[0].adc.kind === 'channel' ? channelAdc(stats[Math.floor(layoutChannel(e % analog.size) / M)]) : undefined;
    if (adc) {
      const m = layoutChannel(e % analog.size) % M;
      const scale = adc.scale[m];
      const sigma = Math.sqrt(Math.max(0, before)) / scale;
      if (sigma > 0) {
        quantizerMoments(analog.mean[e] / scale, sigma, adc.range[m], adc.step[m], out);
        slope[e] = out.hermite[1] / sigma;
      } else {
        slope[e] = 1;
      }
    }
    added[e] = Math.max(0, after.variance[e] - slope[e] * slope[e] * before);
  }
  return { slope, added };
}

/** The moments of one sample of a batch as one value (views). */
export function sampleOf(x: BatchMoments, b: number): ActivationMoments {
  return { size: x.size, mean: x.mean.subarray(b * x.size, (b + 1) * x.size), variance: x.variance.subarray(b * x.size, (b + 1) * x.size) };
}

/**
 * Where adjoint mode starts the tail: 'full' when every value of the network (its input included)
 * has at most `maxValues` elements (full mode then costs little); else the index of the first node
 * whose output has at most `maxValues` elements and after which every node reads only values of the
 * tail and adds no branches; undefined when there is none. Throws, naming the node, for a node of the
 * body that adjoint mode cannot carry back.
 */
export function adjointTailStart(network: Network, shapes: ReadonlyMap<string, readonly number[]>, maxValues: number): number | 'full' | undefined {
  const sizes = network.nodes.map((node) => shapeSize(shapes.get(node.output)!));
  if (shapeSize(network.inputShape) <= maxValues && sizes.every((size) => size <= maxValues)) return 'full';
  const producer = new Map(network.nodes.map((node, index) => [node.output, index]));
  let tail: number | undefined;
  for (let t = 0; t < network.nodes.length && tail === undefined; t++) {
    if (sizes[t] > maxValues) continue;
    const rest = network.nodes.slice(t + 1);
    if (rest.every((node) => node.op !== 'add' && node.inputs.every((value) => (producer.get(value) ?? -1) >= t))) tail = t;
  }
  if (tail === undefined) return undefined;
  for (const node of network.nodes.slice(0, tail + 1)) {
    const refusal = adjointRefusal(node);
    if (refusal !== undefined) throw new RangeError(`node '${node.name}': adjoint mode does not carry sensitivities through ${refusal} yet; use mode full or diagonal`);
  }
  return tail;
}
