import type { PatchLayout } from '../hardware/patches.js';
import type { BatchMoments } from './batched-diagonal.js';
import { type ElementwiseOut, HERMITE_ORDER, quantizerMoments } from './elementwise-moments.js';
import type { LayerStatistics } from './layer-statistics.js';

/**
 * The ADC of a layer whose outputs are summed digitally over several row tiles (more inputs than
 * array rows): every tile's channel current (the partial sum over its rows) is digitized on its own,
 * y_o = sum_r scale_r,o Q_r(I_r,o). Per row tile r and output o: output units per ampere, the ADC code
 * size and full scale (A), and the output noise variance added before that ADC (output units^2).
 * Arrays are rowTiles x outputs.
 */
export interface TiledAdc {
  readonly rowTiles: number;
  /** First crossbar row (input of the layer) and row count of every row tile. */
  readonly rowStart: Int32Array;
  readonly rowCount: Int32Array;
  readonly scale: Float64Array;
  readonly step: Float64Array;
  readonly range: Float64Array;
  readonly noiseVariance: Float64Array;
}

const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };

/**
 * Replaces the analog moments of a weight node's outputs (one sample: `mean`, `variance` and, in full
 * mode, `covariance`, before the bias) by those after the per-tile ADCs. Each partial current is
 * Gaussian-approximated from the crossbar input's moments (x after the DAC: mean, variance, covariance
 * when given) and quantized exactly (clip + round: exact bin sums, so a deterministic partial sum gives
 * its exact rounding error). The tiles' partial currents of one output are independent given the
 * input except through the input's covariance: that cross-tile part (total variance minus the
 * tiles' own variances) and the covariance between outputs are carried through the quantizers by
 * their Stein slopes a_r = E[Q_r'] (variance-weighted mean over the tiles of an output), which is
 * exact to first order and vanishes with the covariance itself when the partial sums are deterministic.
 */
export function applyTiledAdc(
  x: { readonly mean: Float64Array; readonly variance: Float64Array; readonly covariance?: Float64Array; readonly size: number },
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
    const adc = s.tiledAdc!;
    const W = s.meanWeights;
    const patchBase = g * positions * K;
    for (let p = 0; p < positions; p++) {
      const row = patchBase + p * K;
      for (let mm = 0; mm < M; mm++) {
        const o = (g * M + mm) * layout.channelStride + p * layout.positionStride;
        const wBase = mm * K;
        let mean = 0;
        let varianceSelf = 0;
        let ownVariance = 0;
        let weightedSlope = 0;
        for (let r = 0; r < adc.rowTiles; r++) {
          const first = adc.rowStart[r];
          const last = first + adc.rowCount[r];
          const e = r * M + mm;
          let mu = 0;
          let v = adc.noiseVariance[e];
          for (let k = first; k < last; k++) {
            const w = W[wBase + k];
            const noise = s.programVariance[wBase + k] + s.readVariance[wBase + k];
            v += s.inputNoiseVariance * (w * w + noise);
            const j = index[row + k];
            if (j < 0) continue;
            const mj = x.mean[j];
            mu += w * mj;
            v += noise * (mj * mj + x.variance[j]);
            if (!gamma) v += w * w * x.variance[j];
          }
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
          const scale = adc.scale[e];
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

/** `applyTiledAdc` (diagonal) for a whole batch: x the crossbar inputs, y the analog outputs, both batch-major. */
export function tiledAdcBatch(x: BatchMoments, layout: PatchLayout, stats: readonly LayerStatistics[], y: BatchMoments): BatchMoments {
  for (let b = 0; b < x.batch; b++) {
    const input = { size: x.size, mean: x.mean.subarray(b * x.size, (b + 1) * x.size), variance: x.variance.subarray(b * x.size, (b + 1) * x.size) };
    applyTiledAdc(input, layout, stats, { mean: y.mean.subarray(b * y.size, (b + 1) * y.size), variance: y.variance.subarray(b * y.size, (b + 1) * y.size) });
  }
  return y;
}
