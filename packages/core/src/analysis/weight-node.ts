import type { PatchLayout } from '../hardware/patches.js';
import { type ActivationMoments, type CovarianceMode, CovariancePool, applyElementwise } from './activation-moments.js';
import { quantizerMoments } from './elementwise-moments.js';
import { type LayerStatistics, channelAdc } from './layer-statistics.js';
import { applyTiledAdc } from './tiled-adc.js';
import { addWiredCovariance, addWiredVariance, cellVoltageSecondMoments, cellVoltages } from './wired-noise.js';

/**
 * Moments of a weight node's output (dense or conv as im2col) given the moments of its crossbar
 * inputs (after the DAC) and the layer statistics of each group:
 *
 *   E[y_mp] = sum_k Wbar_mk E[x_pk] + b_m
 *   Cov(y_mp, y_m'p') = sum_kk' Wbar_mk Wbar_m'k' Cov(x_pk, x_p'k')                 (A Gamma A^T)
 *     + [m = m'] sum_k sProg_mk^2 E[x_pk x_p'k]      shared kernel: the same programmed cells at every position
 *     + [m = m', p = p'] sum_k sRead_mk^2 E[x_pk^2]  read noise, fresh at every MVM
 *     + [p = p'] s_in^2 sum_k (Wbar_mk Wbar_m'k + [m = m'] s_mk^2)   DAC noise, fresh at every MVM
 *     + [m = m', p = p'] (ADC Delta^2 / 12 + output noise)
 *     + offset scheme, m != m' of one column tile: gain_m gain_m' sum_k Var(G_ref,k) E[x_pk x_p'k]
 *   (a wired layer: its cells' noise through the circuit instead of the sProg, sRead and reference
 *   terms, shared by every position, wired-noise.ts)
 *
 * (noise x noise products included: s^2 E[x^2] = s^2 (mu^2 + Gamma)). Diagonal mode keeps only
 * p = p', m = m' and the diagonal of Gamma.
 */
export function propagateWeightNode(
  x: ActivationMoments,
  layout: PatchLayout,
  stats: readonly LayerStatistics[],
  bias: Float64Array,
  mode: CovarianceMode,
  pool: CovariancePool = new CovariancePool(),
): ActivationMoments {
  const { positions, channelsPerGroup: M } = layout;
  const n = layout.outputSize;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const full = mode === 'full' && x.covariance !== undefined;
  const covariance = full ? pool.take(n * n) : undefined;
  const gamma = x.covariance;
  const inputExact = x.variance.every((v) => v === 0);
  const outIndex = (m: number, p: number) => m * layout.channelStride + p * layout.positionStride;
  meansAndDiagonal(x, layout, stats, full, mean, variance);
  const wired = stats.map((s, g) => (s.wired ? wiredCellVoltages(x, layout, g, s) : undefined));
  if (!covariance || !gamma) {
    stats.forEach((s, g) => {
      const cells = wired[g];
      if (!s.wired || !cells) return;
      const second = new Float64Array(s.wired.cells);
      for (let p = 0; p < positions; p++) {
        const at = (values: Float64Array) => values.subarray(p * second.length, (p + 1) * second.length);
        cellVoltageSecondMoments(at(cells.voltage), at(cells.spread), second);
        addWiredVariance(s.wired, second, M, variance, g * M * layout.channelStride + p * layout.positionStride, layout.channelStride);
      }
    });
    if (stats[0].adc.kind === 'parts') applyTiledAdc(x, layout, stats, { mean, variance });
    return finishOutputs({ size: n, mean, variance }, layout, stats, bias, pool);
  }
  // A Gamma A^T (skipped when the input is exact), computed on the upper triangle and mirrored
  if (!inputExact) {
    addTransformedCovariance(layout, stats, gamma, x.size, covariance);
    mirrorUpper(covariance, n);
  }
  for (let o = 0; o < n; o++) covariance[o * n + o] += variance[o];
  const inert = positions > 1 ? inertInputs(x, inputExact) : undefined;
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const terms = layerTerms(s);
    if (inert && terms.programmed) addSharedKernel(layout, g, s, x, inert, covariance);
    // DAC noise: same position, different channels
    if (s.inputNoiseVariance > 0) {
      for (let mm = 0; mm < M; mm++) {
        for (let m2 = mm + 1; m2 < M; m2++) {
          const c = terms.inputNoiseCross[mm * M + m2];
          for (let p = 0; p < positions; p++) {
            const a = outIndex(g * M + mm, p);
            const b = outIndex(g * M + m2, p);
            covariance[a * n + b] += c;
            covariance[b * n + a] += c;
          }
        }
      }
    }
    if (s.reference) addReferenceCovariance(layout, g, s, x, covariance, outIndex);
    const cells = wired[g];
    if (s.wired && cells) addWiredCovariance(s.wired, cells.voltage, cells.spread, M, positions, covariance, n, (mm, p) => outIndex(g * M + mm, p));
  }
  for (let o = 0; o < n; o++) variance[o] = covariance[o * n + o];
  if (stats[0].adc.kind === 'parts') applyTiledAdc(x, layout, stats, { mean, variance, covariance });
  return finishOutputs({ size: n, mean, variance, covariance }, layout, stats, bias, pool);
}

/** A wired layer's cell voltages and spreads at every position of group g (position-major, see cellVoltages). */
function wiredCellVoltages(x: ActivationMoments, layout: PatchLayout, g: number, s: LayerStatistics): { voltage: Float64Array; spread: Float64Array } {
  const { positions: P, patchSize: K, index } = layout;
  const cells = s.wired!.cells;
  const voltage = new Float64Array(P * cells);
  const spread = new Float64Array(P * cells);
  const patchMean = new Float64Array(K);
  const patchVariance = new Float64Array(K);
  for (let p = 0; p < P; p++) {
    const row = (g * P + p) * K;
    for (let k = 0; k < K; k++) {
      const j = index[row + k];
      patchMean[k] = j < 0 ? 0 : x.mean[j];
      patchVariance[k] = j < 0 ? 0 : x.variance[j];
    }
    cellVoltages(s.wired!, patchMean, patchVariance, s.inputNoiseVariance, voltage.subarray(p * cells, (p + 1) * cells), spread.subarray(p * cells, (p + 1) * cells));
  }
  return { voltage, spread };
}

/**
 * Means and variances (before the ADC) of a weight node's outputs:
 * E[y] = sum_k Wbar_k mu_k, Var[y] = c + sum_k s_k^2 (mu_k^2 + var_k) (+ Wbar_k^2 var_k in diagonal
 * mode; in full mode that part comes with Wbar Gamma Wbar^T), c the input-independent part. Per
 * position the patch (mu, mu^2 + var, var; 0 on padding) is gathered once, and four channels are
 * summed at a time (independent sums; the same terms in the same order per output).
 */
function meansAndDiagonal(x: ActivationMoments, layout: PatchLayout, stats: readonly LayerStatistics[], full: boolean, mean: Float64Array, variance: Float64Array): void {
  const { positions, patchSize: K, channelsPerGroup: M, index } = layout;
  const patchMean = new Float64Array(K);
  const patchSecond = new Float64Array(K);
  const patchVariance = new Float64Array(K);
  const squaredWeights = full ? 0 : 1;
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const W = s.meanWeights;
    const { totalNoise, constantVariance } = layerTerms(s);
    for (let p = 0; p < positions; p++) {
      const row = (g * positions + p) * K;
      for (let k = 0; k < K; k++) {
        const j = index[row + k];
        const mj = j < 0 ? 0 : x.mean[j];
        const vj = j < 0 ? 0 : x.variance[j];
        patchMean[k] = mj;
        patchSecond[k] = mj * mj + vj;
        patchVariance[k] = vj;
      }
      // output element of channel mm: first + mm * stride
      const first = g * M * layout.channelStride + p * layout.positionStride;
      const stride = layout.channelStride;
      let mm = 0;
      for (; mm + 4 <= M; mm += 4) {
        const b0 = mm * K;
        let mu0 = 0;
        let mu1 = 0;
        let mu2 = 0;
        let mu3 = 0;
        let v0 = constantVariance[mm];
        let v1 = constantVariance[mm + 1];
        let v2 = constantVariance[mm + 2];
        let v3 = constantVariance[mm + 3];
        for (let k = 0; k < K; k++) {
          const mj = patchMean[k];
          const second = patchSecond[k];
          const vj = squaredWeights * patchVariance[k];
          const w0 = W[b0 + k];
          const w1 = W[b0 + K + k];
          const w2 = W[b0 + 2 * K + k];
          const w3 = W[b0 + 3 * K + k];
          mu0 += w0 * mj;
          mu1 += w1 * mj;
          mu2 += w2 * mj;
          mu3 += w3 * mj;
          v0 += totalNoise[b0 + k] * second + w0 * w0 * vj;
          v1 += totalNoise[b0 + K + k] * second + w1 * w1 * vj;
          v2 += totalNoise[b0 + 2 * K + k] * second + w2 * w2 * vj;
          v3 += totalNoise[b0 + 3 * K + k] * second + w3 * w3 * vj;
        }
        const o = first + mm * stride;
        mean[o] = mu0;
        mean[o + stride] = mu1;
        mean[o + 2 * stride] = mu2;
        mean[o + 3 * stride] = mu3;
        variance[o] = v0;
        variance[o + stride] = v1;
        variance[o + 2 * stride] = v2;
        variance[o + 3 * stride] = v3;
      }
      for (; mm < M; mm++) {
        const b0 = mm * K;
        let mu = 0;
        let v = constantVariance[mm];
        for (let k = 0; k < K; k++) {
          const w = W[b0 + k];
          mu += w * patchMean[k];
          v += totalNoise[b0 + k] * patchSecond[k] + w * w * (squaredWeights * patchVariance[k]);
        }
        mean[first + mm * stride] = mu;
        variance[first + mm * stride] = v;
      }
    }
  }
}

/** Input-independent terms of one crossbar group, computed once per layer statistics. */
interface LayerTerms {
  /** programVariance + readVariance of every weight. */
  readonly totalNoise: Float64Array;
  /** Per output: ADC / output noise + DAC noise s_in^2 sum_k (Wbar_mk^2 + s_mk^2) (padded rows included). */
  readonly constantVariance: Float64Array;
  /** M x M: s_in^2 sum_k Wbar_mk Wbar_m'k, the DAC-noise covariance of two channels at one position. */
  readonly inputNoiseCross: Float64Array;
  /** Whether any cell has programming variance (the shared-kernel term). */
  readonly programmed: boolean;
}

const layerTermsCache = new WeakMap<LayerStatistics, LayerTerms>();

function layerTerms(s: LayerStatistics): LayerTerms {
  let found = layerTermsCache.get(s);
  if (!found) layerTermsCache.set(s, (found = buildLayerTerms(s)));
  return found;
}

function buildLayerTerms(s: LayerStatistics): LayerTerms {
  const { outputs: M, inputs: K, meanWeights: W } = s;
  const totalNoise = new Float64Array(s.programVariance.length);
  for (let w = 0; w < totalNoise.length; w++) totalNoise[w] = s.programVariance[w] + s.readVariance[w];
  const constantVariance = new Float64Array(M);
  const inputNoiseCross = new Float64Array(s.inputNoiseVariance > 0 ? M * M : 0);
  for (let mm = 0; mm < M; mm++) {
    let v = 0;
    for (let k = 0; k < K; k++) v += s.inputNoiseVariance * (W[mm * K + k] * W[mm * K + k] + totalNoise[mm * K + k]);
    constantVariance[mm] = s.outputVariance[mm] + v;
    if (s.inputNoiseVariance === 0) continue;
    for (let m2 = mm + 1; m2 < M; m2++) {
      let dot = 0;
      for (let k = 0; k < K; k++) dot += W[mm * K + k] * W[m2 * K + k];
      inputNoiseCross[mm * M + m2] = s.inputNoiseVariance * dot;
    }
  }
  return { totalNoise, constantVariance, inputNoiseCross, programmed: s.programVariance.some((v) => v !== 0) };
}

/**
 * Per input element: 1 when its mean is 0 and its row of Gamma is all zero (every second moment
 * E[x_i x_j] is then 0: blank-border pixels of an exact input, values without noise).
 */
function inertInputs(x: ActivationMoments, inputExact: boolean): Uint8Array {
  const inert = new Uint8Array(x.size);
  const gamma = x.covariance!;
  for (let i = 0; i < x.size; i++) {
    if (x.mean[i] !== 0) continue;
    let zero = true;
    if (!inputExact) for (let j = 0; j < x.size && zero; j++) zero = gamma[i * x.size + j] === 0;
    inert[i] = zero ? 1 : 0;
  }
  return inert;
}

/**
 * The shared-kernel term of group g: the same programmed cells read at every position, so outputs of
 * one channel at positions p != q covary by sum_k sProg_mk^2 E[x_pk x_qk]. The second moments
 * E[x_pk x_qk] are gathered once per pair of positions and dotted with every channel's variances
 * (four channels at a time); pairs where either patch is inert (all second moments 0) are skipped.
 */
function addSharedKernel(layout: PatchLayout, g: number, s: LayerStatistics, x: ActivationMoments, inert: Uint8Array, covariance: Float64Array): void {
  const { positions: P, patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  const N = x.size;
  const xm = x.mean;
  const gamma = x.covariance!;
  const sp = s.programVariance;
  const patchBase = g * P * K;
  const activePatch = new Uint8Array(P);
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < K && !activePatch[p]; k++) {
      const i = index[patchBase + p * K + k];
      if (i >= 0 && !inert[i]) activePatch[p] = 1;
    }
  }
  const second = new Float64Array(K);
  const sums = new Float64Array(M);
  for (let p = 0; p < P; p++) {
    if (!activePatch[p]) continue;
    const rowP = patchBase + p * K;
    for (let q = p + 1; q < P; q++) {
      if (!activePatch[q]) continue;
      const rowQ = patchBase + q * K;
      for (let k = 0; k < K; k++) {
        const i = index[rowP + k];
        const j = index[rowQ + k];
        second[k] = i < 0 || j < 0 ? 0 : xm[i] * xm[j] + gamma[i * N + j];
      }
      dotChannels(sp, K, M, second, sums);
      for (let mm = 0; mm < M; mm++) {
        if (sums[mm] === 0) continue;
        const a = (g * M + mm) * layout.channelStride + p * layout.positionStride;
        const b = (g * M + mm) * layout.channelStride + q * layout.positionStride;
        covariance[a * n + b] += sums[mm];
        covariance[b * n + a] += sums[mm];
      }
    }
  }
}

/** sums[mm] = sum_k weights[mm * K + k] v[k] (k ascending) for every channel, four channels at a time (independent sums). */
function dotChannels(weights: Float64Array, K: number, M: number, v: Float64Array, sums: Float64Array): void {
  let mm = 0;
  for (; mm + 4 <= M; mm += 4) {
    const a = mm * K;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < K; k++) {
      const x = v[k];
      s0 += weights[a + k] * x;
      s1 += weights[a + K + k] * x;
      s2 += weights[a + 2 * K + k] * x;
      s3 += weights[a + 3 * K + k] * x;
    }
    sums[mm] = s0;
    sums[mm + 1] = s1;
    sums[mm + 2] = s2;
    sums[mm + 3] = s3;
  }
  for (; mm < M; mm++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += weights[mm * K + k] * v[k];
    sums[mm] = sum;
  }
}

/**
 * The digital side after the analog sums: the ADC as an exact quantizer of each channel current
 * (when the layer statistics allow it; otherwise its Delta^2 / 12 is already in the variance), then
 * the bias.
 */
function finishOutputs(y: ActivationMoments, layout: PatchLayout, stats: readonly LayerStatistics[], bias: Float64Array, pool: CovariancePool): ActivationMoments {
  const M = layout.channelsPerGroup;
  const channelOf = (o: number) => Math.floor(o / layout.channelStride) % (M * layout.groups);
  let result = y;
  if (stats[0].adc.kind === 'channel') {
    result = applyElementwise(y, (mu, sigma, out, o) => {
      const m = layout.channelStride === 1 ? o % (M * layout.groups) : channelOf(o);
      const adc = channelAdc(stats[Math.floor(m / M)]);
      const mm = m % M;
      const scale = adc.scale[mm];
      quantizerMoments(mu / scale, sigma / scale, adc.range[mm], adc.step[mm], out);
      out.mean *= scale;
      out.variance *= scale * scale;
      for (let k = 1; k < out.hermite.length; k++) out.hermite[k] *= scale;
    }, pool);
    // the analog covariance, made by this node, is referenced nowhere else
    if (result.covariance !== y.covariance) pool.recycle(y.covariance);
  }
  const mean = result === y ? y.mean : result.mean;
  for (let o = 0; o < result.size; o++) {
    const m = layout.channelStride === 1 ? o % (M * layout.groups) : channelOf(o);
    mean[o] += bias[m];
  }
  return result;
}

/**
 * The linear map A of a weight node (mean weights over the patches) in the form the full-mode
 * covariance A Gamma A^T needs, built once per node (per layer statistics): the node's MVMs are
 * blocks b = (group, position), each reading `blockCount[b]` valid (unpadded) inputs
 * `blockInput[blockStart[b] + e]` with the group's weights compacted to those inputs, M x count
 * row-major at `blockWeights[b]` (blocks with the same padding pattern share one matrix). Row
 * r = b * M + mm of A is channel mm of block b; its output element is `rowOut[r]`. Scratch arrays
 * for one sample (T = A Gamma, the sparse rows of Gamma) are kept here and reused.
 */
interface TransformOperator {
  readonly blocks: number;
  readonly channels: number;
  readonly blockStart: Int32Array;
  readonly blockCount: Int32Array;
  readonly blockInput: Int32Array;
  readonly blockWeights: readonly Float64Array[];
  /** Output element of channel 0 of each block; channel mm adds mm * channelStride. */
  readonly blockOut: Int32Array;
  readonly channelStride: number;
  readonly rowOut: Int32Array;
  /** Scratch, allocated on first use for an input size. */
  scratch?: TransformScratch;
}

/** Per-sample work arrays of a TransformOperator (inputSize N, R rows of A). */
interface TransformScratch {
  readonly inputSize: number;
  /** R x N: T = A Gamma. */
  readonly t: Float64Array;
  /** Nonzeros of Gamma by row: columns and values from rowStart[i] to rowStart[i + 1]. */
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
  /** Per row of A and per block: whether any of its inputs has a nonzero row of Gamma. */
  readonly rowActive: Uint8Array;
  readonly blockActive: Uint8Array;
  /** One gathered row of T over a block's inputs; four rows interleaved. */
  readonly gathered: Float64Array;
  readonly gathered4: Float64Array;
  /** Channels x 4 dot products of `dotFour`. */
  readonly sums: Float64Array;
}

const transformOperators = new WeakMap<readonly LayerStatistics[], TransformOperator>();

/** The TransformOperator of a node, built on first use. */
function transformOperator(layout: PatchLayout, stats: readonly LayerStatistics[]): TransformOperator {
  let found = transformOperators.get(stats);
  if (!found) transformOperators.set(stats, (found = buildTransformOperator(layout, stats)));
  return found;
}

function buildTransformOperator(layout: PatchLayout, stats: readonly LayerStatistics[]): TransformOperator {
  const { positions, patchSize: K, channelsPerGroup: M, index, groups } = layout;
  const blocks = groups * positions;
  const blockStart = new Int32Array(blocks + 1);
  const blockCount = new Int32Array(blocks);
  const blockOut = new Int32Array(blocks);
  const rowOut = new Int32Array(blocks * M);
  const inputs: number[] = [];
  const blockWeights: Float64Array[] = [];
  for (let g = 0; g < groups; g++) {
    const W = stats[g].meanWeights;
    const shared = new Map<string, Float64Array>();
    for (let p = 0; p < positions; p++) {
      const b = g * positions + p;
      const slots: number[] = [];
      for (let k = 0; k < K; k++) {
        const i = index[b * K + k];
        if (i < 0) continue;
        slots.push(k);
        inputs.push(i);
      }
      blockStart[b + 1] = inputs.length;
      blockCount[b] = slots.length;
      const key = slots.join(',');
      let weights = shared.get(key);
      if (!weights) {
        weights = new Float64Array(M * slots.length);
        for (let mm = 0; mm < M; mm++) for (let e = 0; e < slots.length; e++) weights[mm * slots.length + e] = W[mm * K + slots[e]];
        shared.set(key, weights);
      }
      blockWeights.push(weights);
      blockOut[b] = g * M * layout.channelStride + p * layout.positionStride;
      for (let mm = 0; mm < M; mm++) rowOut[b * M + mm] = blockOut[b] + mm * layout.channelStride;
    }
  }
  return { blocks, channels: M, blockStart, blockCount, blockInput: Int32Array.from(inputs), blockWeights, blockOut, channelStride: layout.channelStride, rowOut };
}

function transformScratch(op: TransformOperator, inputSize: number): TransformScratch {
  if (op.scratch?.inputSize === inputSize) return op.scratch;
  let widest = 0;
  for (let b = 0; b < op.blocks; b++) widest = Math.max(widest, op.blockCount[b]);
  op.scratch = {
    inputSize,
    t: new Float64Array(op.blocks * op.channels * inputSize),
    rowStart: new Int32Array(inputSize + 1),
    columns: new Int32Array(inputSize * inputSize),
    values: new Float64Array(inputSize * inputSize),
    rowActive: new Uint8Array(op.blocks * op.channels),
    blockActive: new Uint8Array(op.blocks),
    gathered: new Float64Array(widest),
    gathered4: new Float64Array(4 * widest),
    sums: new Float64Array(4 * op.channels),
  };
  return op.scratch;
}

/**
 * covariance += A Gamma A^T on its upper triangle (by output index) for the node's linear map A (mean
 * weights over the patches), in two products:
 * - T = A Gamma: over the nonzeros of Gamma when it is sparse (exact zeros, e.g. between channels
 *   that share no noise, are skipped), else per block as dense dot products (`multiplyByDenseGamma`);
 * - (T A^T)[r, c] for output index of c >= that of r: per four rows of T and block of c, the rows of T
 *   are gathered over the block's inputs once and dotted with the block's compact weights of every
 *   channel (`dotFour`).
 * Blocks whose inputs all have zero rows of Gamma add nothing and are skipped. Every entry is the
 * same sum, in the same order, as the plain sums over the patch rows k.
 */
function addTransformedCovariance(layout: PatchLayout, stats: readonly LayerStatistics[], gamma: Float64Array, inputSize: number, covariance: Float64Array): void {
  const op = transformOperator(layout, stats);
  const scratch = transformScratch(op, inputSize);
  const nonzeros = sparseRows(gamma, inputSize, scratch);
  markActiveBlocks(op, scratch);
  if (nonzeros < SPARSE_GAMMA * inputSize * inputSize) multiplyBySparseGamma(op, scratch);
  else multiplyByDenseGamma(op, scratch, gamma);
  multiplyByTransposeUpper(op, scratch, covariance, layout.outputSize);
}

/** Fraction of nonzeros of Gamma below which T = A Gamma runs over its nonzeros (scattered) rather than dense. */
const SPARSE_GAMMA = 0.3;

/** The nonzeros of Gamma row by row into the scratch (columns ascending); returns their count. */
function sparseRows(gamma: Float64Array, size: number, scratch: TransformScratch): number {
  const { rowStart, columns, values } = scratch;
  let e = 0;
  for (let i = 0; i < size; i++) {
    rowStart[i] = e;
    const base = i * size;
    for (let j = 0; j < size; j++) {
      const v = gamma[base + j];
      if (v === 0) continue;
      columns[e] = j;
      values[e++] = v;
    }
  }
  rowStart[size] = e;
  return e;
}

/**
 * Blocks with any input whose row of Gamma is nonzero (the others' rows of T are 0); every row of T of
 * an active block is computed, so rows of T are marked active with their block.
 */
function markActiveBlocks(op: TransformOperator, scratch: TransformScratch): void {
  const { rowStart, rowActive, blockActive } = scratch;
  const M = op.channels;
  for (let b = 0; b < op.blocks; b++) {
    const first = op.blockStart[b];
    let active = 0;
    for (let e = 0; e < op.blockCount[b] && !active; e++) if (rowStart[op.blockInput[first + e] + 1] > rowStart[op.blockInput[first + e]]) active = 1;
    blockActive[b] = active;
    for (let mm = 0; mm < M; mm++) rowActive[b * M + mm] = active;
  }
}

/** T = A Gamma on the nonzeros of Gamma (sparse Gamma): row r of T accumulates w_k Gamma[i_k, :] over its inputs. */
function multiplyBySparseGamma(op: TransformOperator, scratch: TransformScratch): void {
  const { t, rowStart, columns, values, blockActive, inputSize: N } = scratch;
  const M = op.channels;
  for (let b = 0; b < op.blocks; b++) {
    if (!blockActive[b]) continue;
    const first = op.blockStart[b];
    const count = op.blockCount[b];
    const weights = op.blockWeights[b];
    t.fill(0, b * M * N, (b + 1) * M * N);
    let mm = 0;
    for (; mm + 4 <= M; mm += 4) {
      // four rows of T at once: each nonzero of Gamma loaded once
      const base = (b * M + mm) * N;
      for (let e = 0; e < count; e++) {
        const w0 = weights[mm * count + e];
        const w1 = weights[(mm + 1) * count + e];
        const w2 = weights[(mm + 2) * count + e];
        const w3 = weights[(mm + 3) * count + e];
        const i = op.blockInput[first + e];
        const end = rowStart[i + 1];
        for (let f = rowStart[i]; f < end; f++) {
          const v = values[f];
          const j = base + columns[f];
          t[j] += w0 * v;
          t[j + N] += w1 * v;
          t[j + 2 * N] += w2 * v;
          t[j + 3 * N] += w3 * v;
        }
      }
    }
    for (; mm < M; mm++) {
      const base = (b * M + mm) * N;
      for (let e = 0; e < count; e++) {
        const w = weights[mm * count + e];
        const i = op.blockInput[first + e];
        const end = rowStart[i + 1];
        for (let f = rowStart[i]; f < end; f++) t[base + columns[f]] += w * values[f];
      }
    }
  }
}

/**
 * T = A Gamma for a dense Gamma: per block and four columns j of Gamma at a time, the block's rows of
 * Gamma are gathered (four contiguous values each) and dotted with every channel's weights, so each
 * weight is loaded once per four products. Same terms in the same order as the sparse form.
 */
function multiplyByDenseGamma(op: TransformOperator, scratch: TransformScratch, gamma: Float64Array): void {
  const { t, blockActive, inputSize: N, gathered4: g, sums } = scratch;
  const M = op.channels;
  for (let b = 0; b < op.blocks; b++) {
    if (!blockActive[b]) continue;
    const first = op.blockStart[b];
    const count = op.blockCount[b];
    const weights = op.blockWeights[b];
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      for (let e = 0; e < count; e++) {
        const source = op.blockInput[first + e] * N + j;
        g[4 * e] = gamma[source];
        g[4 * e + 1] = gamma[source + 1];
        g[4 * e + 2] = gamma[source + 2];
        g[4 * e + 3] = gamma[source + 3];
      }
      dotFour(weights, count, M, 0, g, sums);
      for (let mm = 0; mm < M; mm++) {
        const base = (b * M + mm) * N + j;
        t[base] = sums[4 * mm];
        t[base + 1] = sums[4 * mm + 1];
        t[base + 2] = sums[4 * mm + 2];
        t[base + 3] = sums[4 * mm + 3];
      }
    }
    for (; j < N; j++) {
      for (let mm = 0; mm < M; mm++) {
        let sum = 0;
        for (let e = 0; e < count; e++) sum += weights[mm * count + e] * gamma[op.blockInput[first + e] * N + j];
        t[(b * M + mm) * N + j] = sum;
      }
    }
  }
}

/**
 * covariance += T A^T on the upper triangle (by output index; the caller mirrors it). Rows of T are
 * taken four at a time (channels of one block: T filled, possibly zero) so each weight is loaded once
 * per four products; an entry is written only by the row whose output index is the smaller.
 */
function multiplyByTransposeUpper(op: TransformOperator, scratch: TransformScratch, covariance: Float64Array, n: number): void {
  const { t, rowActive, blockActive, inputSize: N } = scratch;
  const M = op.channels;
  for (let b = 0; b < op.blocks; b++) {
    if (!blockActive[b]) continue;
    let mm = 0;
    for (; mm + 4 <= M; mm += 4) {
      const r = b * M + mm;
      if (rowActive[r] | rowActive[r + 1] | rowActive[r + 2] | rowActive[r + 3]) addFourRows(op, scratch, r, covariance, n);
    }
    for (; mm < M; mm++) if (rowActive[b * M + mm]) addRow(op, t, N, scratch.gathered, b * M + mm, covariance, n);
  }
}

/** First channel of block b whose output index is >= `out` (output indices increase with the channel). */
function firstChannelFrom(op: TransformOperator, b: number, out: number): number {
  const first = op.blockOut[b];
  return first >= out ? 0 : Math.ceil((out - first) / op.channelStride);
}

/** The upper-triangle entries of one row r of T A^T. */
function addRow(op: TransformOperator, t: Float64Array, N: number, gathered: Float64Array, r: number, covariance: Float64Array, n: number): void {
  const M = op.channels;
  const or = op.rowOut[r];
  const base = r * N;
  for (let b = 0; b < op.blocks; b++) {
    const start = firstChannelFrom(op, b, or);
    if (!op.scratch!.blockActive[b] || start >= M) continue;
    const count = op.blockCount[b];
    const inputs = op.blockStart[b];
    for (let e = 0; e < count; e++) gathered[e] = t[base + op.blockInput[inputs + e]];
    const weights = op.blockWeights[b];
    const first = op.blockOut[b];
    for (let mm = start; mm < M; mm++) {
      const wBase = mm * count;
      let sum = 0;
      for (let e = 0; e < count; e++) sum += weights[wBase + e] * gathered[e];
      covariance[or * n + first + mm * op.channelStride] += sum;
    }
  }
}

/** `addRow` for the rows r .. r + 3 (four channels of one block), sharing the weight loads. */
function addFourRows(op: TransformOperator, scratch: TransformScratch, r: number, covariance: Float64Array, n: number): void {
  const { t, inputSize: N, gathered4: g } = scratch;
  const M = op.channels;
  const stride = op.channelStride;
  const o0 = op.rowOut[r];
  const o1 = op.rowOut[r + 1];
  const o2 = op.rowOut[r + 2];
  const o3 = op.rowOut[r + 3];
  for (let b = 0; b < op.blocks; b++) {
    const start = firstChannelFrom(op, b, o0);
    if (!scratch.blockActive[b] || start >= M) continue;
    const count = op.blockCount[b];
    const inputs = op.blockStart[b];
    for (let e = 0; e < count; e++) {
      const j = op.blockInput[inputs + e];
      g[4 * e] = t[r * N + j];
      g[4 * e + 1] = t[(r + 1) * N + j];
      g[4 * e + 2] = t[(r + 2) * N + j];
      g[4 * e + 3] = t[(r + 3) * N + j];
    }
    const sums = scratch.sums;
    dotFour(op.blockWeights[b], count, M, start, g, sums);
    const first = op.blockOut[b];
    for (let mm = start; mm < M; mm++) {
      const oc = first + mm * stride;
      covariance[o0 * n + oc] += sums[4 * mm];
      if (oc >= o1) covariance[o1 * n + oc] += sums[4 * mm + 1];
      if (oc >= o2) covariance[o2 * n + oc] += sums[4 * mm + 2];
      if (oc >= o3) covariance[o3 * n + oc] += sums[4 * mm + 3];
    }
  }
}

/**
 * sums[4 mm + i] = sum_e weights[mm * count + e] g[4 e + i] for channels mm in [start, M) and the four
 * interleaved vectors i of g, e ascending. Two channels at a time (eight independent sums: the loop is
 * bound by the latency of the additions, not by their number).
 */
function dotFour(weights: Float64Array, count: number, M: number, start: number, g: Float64Array, sums: Float64Array): void {
  let mm = start;
  for (; mm + 2 <= M; mm += 2) {
    const a = mm * count;
    const b = a + count;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let e = 0; e < count; e++) {
      const x = weights[a + e];
      const y = weights[b + e];
      const g0 = g[4 * e];
      const g1 = g[4 * e + 1];
      const g2 = g[4 * e + 2];
      const g3 = g[4 * e + 3];
      s0 += x * g0;
      s1 += x * g1;
      s2 += x * g2;
      s3 += x * g3;
      s4 += y * g0;
      s5 += y * g1;
      s6 += y * g2;
      s7 += y * g3;
    }
    sums[4 * mm] = s0;
    sums[4 * mm + 1] = s1;
    sums[4 * mm + 2] = s2;
    sums[4 * mm + 3] = s3;
    sums[4 * mm + 4] = s4;
    sums[4 * mm + 5] = s5;
    sums[4 * mm + 6] = s6;
    sums[4 * mm + 7] = s7;
  }
  if (mm < M) {
    const a = mm * count;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let e = 0; e < count; e++) {
      const x = weights[a + e];
      s0 += x * g[4 * e];
      s1 += x * g[4 * e + 1];
      s2 += x * g[4 * e + 2];
      s3 += x * g[4 * e + 3];
    }
    sums[4 * mm] = s0;
    sums[4 * mm + 1] = s1;
    sums[4 * mm + 2] = s2;
    sums[4 * mm + 3] = s3;
  }
}

/** Tile edge of `mirrorUpper` (a 32 x 32 tile of doubles is 8 KiB). */
const MIRROR_TILE = 32;

/** Copies the upper triangle of a size x size row-major matrix onto its lower triangle, tile by tile (the column-wise writes stay in cache). */
function mirrorUpper(matrix: Float64Array, size: number): void {
  for (let a0 = 0; a0 < size; a0 += MIRROR_TILE) {
    const a1 = Math.min(size, a0 + MIRROR_TILE);
    for (let b0 = a0; b0 < size; b0 += MIRROR_TILE) {
      const b1 = Math.min(size, b0 + MIRROR_TILE);
      for (let b = b0; b < b1; b++) {
        const row = b * size;
        for (let a = a0; a < a1 && a < b; a++) matrix[row + a] = matrix[a * size + b];
      }
    }
  }
}

/** Offset scheme: covariance of different outputs of one column tile through the shared reference cells. */
function addReferenceCovariance(
  layout: PatchLayout,
  group: number,
  s: LayerStatistics,
  x: ActivationMoments,
  covariance: Float64Array,
  outIndex: (m: number, p: number) => number,
): void {
  const reference = s.reference!;
  const { positions, patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  const gamma = x.covariance!;
  const patchBase = group * positions * K;
  for (let p = 0; p < positions; p++) {
    for (let q = p; q < positions; q++) {
      // per column tile: sum_k Var(G_ref,k) E[x_pk x_qk] (read part only at p = q)
      const perTile = new Float64Array(reference.columnTiles);
      for (let tile = 0; tile < reference.columnTiles; tile++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const i = index[patchBase + p * K + k];
          const j = index[patchBase + q * K + k];
          if (i < 0 || j < 0) continue;
          const second = x.mean[i] * x.mean[j] + gamma[i * x.size + j];
          const v = reference.programVariance[tile * K + k] + (p === q ? reference.readVariance[tile * K + k] : 0);
          sum += v * second;
        }
        perTile[tile] = sum;
      }
      for (let mm = 0; mm < M; mm++) {
        for (let m2 = 0; m2 < M; m2++) {
          if (m2 === mm || reference.columnTile[mm] !== reference.columnTile[m2]) continue;
          const c = reference.gain[mm] * reference.gain[m2] * perTile[reference.columnTile[mm]];
          const a = outIndex(group * M + mm, p);
          const b = outIndex(group * M + m2, q);
          covariance[a * n + b] += c;
          if (p !== q) covariance[b * n + a] += c;
        }
      }
    }
  }
}
