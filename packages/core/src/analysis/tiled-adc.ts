import type { PatchLayout } from '../hardware/patches.js';
import type { BatchMoments } from './batched-diagonal.js';
import { type ElementwiseOut, HERMITE_ORDER, quantizerMoments } from './elementwise-moments.js';
import { type LayerStatistics, partsAdc } from './layer-statistics.js';

/**
 * The ADC of a layer whose outputs are digitized in several parts and summed digitally: every
 * (row tile, channel) partial current of an output is converted by its own ADC,
 * y_o = sum_p scale_p,o Q_p(I_p,o). A part is one channel of the output (its only column pair or
 * offset column with the differential and offset schemes, one digit with the N-ary scheme) on one row
 * tile (the rows of the layer input it sums). Arrays indexed by part are parts x outputs, row-major;
 * the weight arrays are per channel of an output.
 */
export interface TiledAdc {
  /** Parts per output: row tiles x channels per output (part = rowTile * channels + channel). */
  readonly parts: number;
  /** Per part: first crossbar row (layer input) and row count of its row tile. */
  readonly rowStart: Int32Array;
  readonly rowCount: Int32Array;
  /** Per part: its channel of the output (0 .. channels - 1: the N-ary digit; 0 with one channel per output). */
  readonly channel: Int32Array;
  /**
   * Per channel of an output: outputs x inputs, row-major, the mean weights in weight units
   * (gain (E G+ - E G-)) and the programmed and read variances of its cells in weight units^2
   * (gain^2 (Var G+ + Var G-)). With one channel per output these are the layer's own meanWeights,
   * programVariance and readVariance (the same arrays).
   */
  readonly meanWeights: readonly Float64Array[];
  readonly programVariance: readonly Float64Array[];
  readonly readVariance: readonly Float64Array[];
  /** Per part and output: output units per ampere (gain / volts per input unit); 0: the output has no such part. */
  readonly scale: Float64Array;
  /** Per part and output: ADC code size (A). */
  readonly step: Float64Array;
  /** Per part and output: ADC full scale +-range (A). */
  readonly range: Float64Array;
  /** Per part and output: output noise variance added before that ADC (output units^2). */
  readonly noiseVariance: Float64Array;
}

/** The input moments `applyTiledAdc` reads: after the DAC, in input units (covariance: full mode). */
interface CrossbarInput {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly covariance?: Float64Array;
  readonly size: number;
}

const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };

/**
 * Replaces the analog moments of a weight node's outputs (one sample: `mean`, `variance` and, in full
 * mode, `covariance`, before the bias) by those after the per-part ADCs. Each partial current is
 * Gaussian-approximated from the crossbar input's moments (x after the DAC: mean, variance, covariance
 * when given) and its part's own weights and cell variances, and quantized exactly (clip + round:
 * exact bin sums, so a deterministic partial current gives its exact rounding error).
 *
 * The parts of one output covary through the input: its covariance (parts on different row tiles,
 * and the channels of one row tile) and, for the channels of one row tile, the DAC noise they share
 * (the N-ary digits of one weight read the same inputs, so they are strongly correlated).
 * - One channel per output (row tiles of one weight matrix): that cross-part covariance (the output's
 *   total analog variance minus the parts' own variances) passes the quantizers with one Stein slope
 *   a = E[Q'] per output (variance-weighted mean over its parts); exact to first order. In diagonal
 *   mode the row tiles share no input and the term is 0, so it is skipped.
 * - Several channels per output (N-ary): pair by pair, Cov(Q_p, Q_q) = sum_n rho^n / n! h_n,p h_n,q
 *   (Mehler's expansion to HERMITE_ORDER, first term Stein's a_p a_q C_pq) from the exact cross-part
 *   covariance C_pq, in both modes: exact for jointly Gaussian partial currents up to the truncation.
 * The covariance between outputs (full mode) passes the quantizers by the output's Stein slope a.
 */
export function applyTiledAdc(
  x: CrossbarInput,
  layout: PatchLayout,
  stats: readonly LayerStatistics[],
  y: { readonly mean: Float64Array; readonly variance: Float64Array; readonly covariance?: Float64Array },
): void {
  const { positions, patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  const gamma = x.covariance;
  let exactInput = true;
  for (let i = 0; i < x.size && exactInput; i++) exactInput = x.variance[i] === 0;
  const covariance = y.covariance;
  const slope = covariance ? new Float64Array(n) : undefined;
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const adc = partsAdc(s);
    const patchBase = g * positions * K;
    if (adc.meanWeights.length > 1) {
      const scratch = new PartScratch(adc.parts, K);
      for (let p = 0; p < positions; p++) {
        for (let mm = 0; mm < M; mm++) {
          const o = (g * M + mm) * layout.channelStride + p * layout.positionStride;
          const a = quantizeChannelParts(x, gamma && !exactInput ? gamma : undefined, s, index, patchBase + p * K, mm, K, M, y, o, scratch);
          if (slope) slope[o] = a;
        }
      }
      continue;
    }
    const W = s.meanWeights;
    for (let p = 0; p < positions; p++) {
      const row = patchBase + p * K;
      for (let mm = 0; mm < M; mm++) {
        const o = (g * M + mm) * layout.channelStride + p * layout.positionStride;
        const wBase = mm * K;
        let mean = 0;
        let varianceSelf = 0;
        let ownVariance = 0;
        let weightedSlope = 0;
        for (let r = 0; r < adc.parts; r++) {
          const e = r * M + mm;
          const scale = adc.scale[e];
          if (scale === 0) continue;
          const first = adc.rowStart[r];
          const last = first + adc.rowCount[r];
          partialCurrent(x, gamma, index, row, W, s.programVariance, s.readVariance, wBase, first, last, s.inputNoiseVariance, adc.noiseVariance[e], current);
          const mu = current.mean;
          let v = current.variance;
          if (gamma && !exactInput) {
            // W_r Gamma_rr W_r^T over the tile's rows
            for (let k = first; k < last; k++) {
              const j = index[row + k];
              const w = W[wBase + k];
              if (j < 0 || w === 0) continue;
              let sum = 0;
              for (let l = first; l < last; l++) {
                const i = index[row + l];
                if (i >= 0) sum += W[wBase + l] * gamma[j * x.size + i];
              }
              v += w * sum;
            }
          }
          const sigma = Math.sqrt(Math.max(0, v)) / scale;
          quantizerMoments(mu / scale, sigma, adc.range[e], adc.step[e], out, !covariance);
          mean += scale * out.mean;
          varianceSelf += scale * scale * out.variance;
          ownVariance += v;
          if (slope && sigma > 0) weightedSlope += (out.hermite[1] / sigma) * v;
        }
        y.mean[o] = mean;
        if (covariance && slope) {
          const a = ownVariance > 0 ? weightedSlope / ownVariance : 0;
          slope[o] = a;
          const cross = covariance[o * n + o] - ownVariance;
          y.variance[o] = Math.max(0, varianceSelf + a * a * cross);
        } else {
          y.variance[o] = varianceSelf;
        }
      }
    }
  }
  if (!covariance || !slope) return;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) covariance[a * n + b] = a === b ? y.variance[a] : covariance[a * n + b] * slope[a] * slope[b];
  }
}

/** Working arrays of the parts of one output, sized for a layer's parts and patch (one set per applyTiledAdc call). */
class PartScratch {
  /** Per part of the current output: sigma (output units), scale (output units per A), Hermite coefficients (A). */
  readonly sigma: Float64Array;
  readonly scale: Float64Array;
  readonly hermite: Float64Array;
  /** parts x parts: cross-part covariance C_pq of the analog partial sums (output units^2), p < q. */
  readonly covariance: Float64Array;
  /** parts x patch: (Gamma W_q^T)_k for every patch row k, per part q (input units x weight units = output units). */
  readonly gammaWeights: Float64Array;

  constructor(parts: number, patch: number) {
    this.sigma = new Float64Array(parts);
    this.scale = new Float64Array(parts);
    this.hermite = new Float64Array(parts * (HERMITE_ORDER + 1));
    this.covariance = new Float64Array(parts * parts);
    this.gammaWeights = new Float64Array(parts * patch);
  }
}

/**
 * One output (patch rows from `row`, channel `mm` of the group) of a layer with several channels per
 * output: quantizes every (row tile, channel) part on its own and adds the cross-part covariances by
 * Mehler's expansion. Writes y.mean[o], y.variance[o]; returns the output's Stein slope (the parts'
 * E[Q'] weighted by their analog variances) for the covariance between outputs. `gamma`: the input
 * covariance when the input is random (full mode), else undefined (diagonal mode uses x.variance).
 */
function quantizeChannelParts(
  x: CrossbarInput,
  gamma: Float64Array | undefined,
  s: LayerStatistics,
  index: Int32Array,
  row: number,
  mm: number,
  K: number,
  M: number,
  y: { readonly mean: Float64Array; readonly variance: Float64Array },
  o: number,
  scratch: PartScratch,
): number {
  const adc = partsAdc(s);
  const parts = adc.parts;
  const { sigma: partSigma, scale: partScale, hermite: partHermite, covariance: partCovariance, gammaWeights } = scratch;
  const H = HERMITE_ORDER + 1;
  const wBase = mm * K;
  const inputNoise = s.inputNoiseVariance;
  let mean = 0;
  let varianceSelf = 0;
  let ownVariance = 0;
  let weightedSlope = 0;
  for (let q = 0; q < parts; q++) {
    const e = q * M + mm;
    const scale = adc.scale[e];
    partScale[q] = scale;
    partSigma[q] = 0;
    if (scale === 0) continue;
    const first = adc.rowStart[q];
    const last = first + adc.rowCount[q];
    const c = adc.channel[q];
    const W = adc.meanWeights[c];
    const programVariance = adc.programVariance[c];
    const readVariance = adc.readVariance[c];
    partialCurrent(x, gamma, index, row, W, programVariance, readVariance, wBase, first, last, inputNoise, adc.noiseVariance[e], current);
    const mu = current.mean;
    let v = current.variance;
    // cross-part covariances with the earlier parts p < q: input covariance, shared DAC noise
    for (let p = 0; p < q; p++) {
      let cpq = 0;
      if (partScale[p] !== 0) {
        const Wp = adc.meanWeights[adc.channel[p]];
        const sameRows = adc.rowStart[p] === first;
        if (gamma) {
          // W_q (Gamma W_p^T) over the rows of q, from part p's row sums (written at p < q)
          const u = p * K;
          for (let k = first; k < last; k++) cpq += W[wBase + k] * gammaWeights[u + k];
        }
        if (sameRows) {
          for (let k = first; k < last; k++) {
            const j = index[row + k];
            cpq += Wp[wBase + k] * W[wBase + k] * (inputNoise + (!gamma && j >= 0 ? x.variance[j] : 0));
          }
        }
      }
      partCovariance[p * parts + q] = cpq;
    }
    if (gamma) {
      // (Gamma W_q^T)_k for every patch row k (kept for the later parts), then W_q Gamma W_q^T
      const u = q * K;
      for (let k = 0; k < K; k++) {
        const j = index[row + k];
        let sum = 0;
        if (j >= 0) {
          const base = j * x.size;
          for (let l = first; l < last; l++) {
            const i = index[row + l];
            if (i >= 0) sum += gamma[base + i] * W[wBase + l];
          }
        }
        gammaWeights[u + k] = sum;
      }
      for (let k = first; k < last; k++) v += W[wBase + k] * gammaWeights[u + k];
    }
    v = Math.max(0, v);
    const sigma = Math.sqrt(v) / scale;
    quantizerMoments(mu / scale, sigma, adc.range[e], adc.step[e], out);
    mean += scale * out.mean;
    varianceSelf += scale * scale * out.variance;
    ownVariance += v;
    partSigma[q] = Math.sqrt(v);
    for (let h = 0; h < H; h++) partHermite[q * H + h] = sigma > 0 ? out.hermite[h] : 0;
    if (sigma > 0) weightedSlope += (out.hermite[1] / sigma) * v;
  }
  let cross = 0;
  for (let q = 1; q < parts; q++) {
    const sq = partSigma[q];
    if (!(sq > 0)) continue;
    for (let p = 0; p < q; p++) {
      const sp = partSigma[p];
      if (!(sp > 0)) continue;
      const rho = Math.max(-1, Math.min(1, partCovariance[p * parts + q] / (sp * sq)));
      if (rho === 0) continue;
      let power = 1;
      let factorial = 1;
      let sum = 0;
      for (let h = 1; h < H; h++) {
        power *= rho;
        factorial *= h;
        sum += (power / factorial) * partHermite[p * H + h] * partHermite[q * H + h];
      }
      cross += 2 * partScale[p] * partScale[q] * sum;
    }
  }
  y.mean[o] = mean;
  y.variance[o] = Math.max(0, varianceSelf + cross);
  return ownVariance > 0 ? weightedSlope / ownVariance : 0;
}

/** `applyTiledAdc` (diagonal) for a whole batch: x the crossbar inputs, y the analog outputs, both batch-major. */
export function tiledAdcBatch(x: BatchMoments, layout: PatchLayout, stats: readonly LayerStatistics[], y: BatchMoments): BatchMoments {
  for (let b = 0; b < x.batch; b++) {
    const input = { size: x.size, mean: x.mean.subarray(b * x.size, (b + 1) * x.size), variance: x.variance.subarray(b * x.size, (b + 1) * x.size) };
    applyTiledAdc(input, layout, stats, { mean: y.mean.subarray(b * y.size, (b + 1) * y.size), variance: y.variance.subarray(b * y.size, (b + 1) * y.size) });
  }
  return y;
}

const current = { mean: 0, variance: 0 };

/**
 * Mean and own variance of one partial current (rows first .. last - 1 of a patch, weights W from
 * wBase) in output units: the input's means and variances (its covariance only when `gamma` is
 * absent, i.e. diagonal mode; full mode adds W Gamma W^T itself), the cells' programmed and read
 * variances, the DAC noise of every row and the ADC input's own noise `noiseVariance`.
 */
function partialCurrent(
  x: { readonly mean: Float64Array; readonly variance: Float64Array },
  gamma: Float64Array | undefined,
  index: Int32Array,
  row: number,
  W: Float64Array,
  programVariance: Float64Array,
  readVariance: Float64Array,
  wBase: number,
  first: number,
  last: number,
  inputNoise: number,
  noiseVariance: number,
  out: { mean: number; variance: number },
): void {
  let mu = 0;
  let v = noiseVariance;
  for (let k = first; k < last; k++) {
    const w = W[wBase + k];
    const noise = programVariance[wBase + k] + readVariance[wBase + k];
    v += inputNoise * (w * w + noise);
    const j = index[row + k];
    if (j < 0) continue;
    const mj = x.mean[j];
    mu += w * mj;
    v += noise * (mj * mj + x.variance[j]);
    if (!gamma) v += w * w * x.variance[j];
  }
  out.mean = mu;
  out.variance = v;
}
