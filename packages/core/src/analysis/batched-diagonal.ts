import type { PatchLayout } from '../hardware/patches.js';
import { type ElementwiseOut, HERMITE_ORDER } from './elementwise-moments.js';
import type { LayerStatistics } from './layer-statistics.js';
import { type WiredNoise, addWiredVariance, cellVoltageSecondMoments, cellVoltages } from './wired-noise.js';

/**
 * Diagonal-mode moments of one value for a whole batch: mean and variance of every element of every
 * sample, batch-major (`mean[b * size + i]`), the layout of the ideal network's tensors.
 */
export interface BatchMoments {
  readonly batch: number;
  readonly size: number;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/** Exact values (variance 0) for a batch. */
export function exactBatch(values: Float64Array, batch: number): BatchMoments {
  const size = values.length / Math.max(1, batch);
  return { batch, size, mean: Float64Array.from(values), variance: new Float64Array(values.length) };
}

/**
 * The three matrices of the diagonal propagation of one crossbar group (outputs x inputs, row-major):
 * mean weights W, their squares W^2, the total cell variance S^2 = programming + read (weight units),
 * and per output the input-independent variance c_m = ADC / output noise + s_in^2 sum_k (W^2 + S^2)_mk
 * (DAC noise drawn on every row, padded rows included).
 */
export interface DiagonalKernel {
  readonly outputs: number;
  readonly inputs: number;
  readonly weights: Float64Array;
  readonly weightsSquared: Float64Array;
  readonly noiseVariance: Float64Array;
  readonly constantVariance: Float64Array;
  /** A layer with its wires modelled: the cells' noise through the circuit (noiseVariance is 0 then), and the DAC noise it sees. */
  readonly wired?: { readonly noise: WiredNoise; readonly inputNoiseVariance: number };
}

export function diagonalKernel(s: LayerStatistics): DiagonalKernel {
  const { outputs, inputs } = s;
  const weightsSquared = new Float64Array(outputs * inputs);
  const noiseVariance = new Float64Array(outputs * inputs);
  const constantVariance = new Float64Array(outputs);
  for (let m = 0; m < outputs; m++) {
    let sum = 0;
    for (let k = 0; k < inputs; k++) {
      const e = m * inputs + k;
      const w = s.meanWeights[e];
      weightsSquared[e] = w * w;
      noiseVariance[e] = s.programVariance[e] + s.readVariance[e];
      sum += weightsSquared[e] + noiseVariance[e];
    }
    constantVariance[m] = s.outputVariance[m] + s.inputNoiseVariance * sum;
  }
  const wired = s.wired ? { noise: s.wired, inputNoiseVariance: s.inputNoiseVariance } : undefined;
  return { outputs, inputs, weights: s.meanWeights, weightsSquared, noiseVariance, constantVariance, ...(wired ? { wired } : {}) };
}

/**
 * Diagonal moments of a weight node's analog outputs (before the ADC quantizer and the bias) for a
 * whole batch, as three matrix products per MVM row r = (sample, position) with the gathered patch
 * (mean x, variance v):
 *   E[y_m] = sum_k W_mk x_k,   Var[y_m] = c_m + sum_k S^2_mk (x_k^2 + v_k) + sum_k W^2_mk v_k
 * (a wired layer's cell noise through its circuit instead of the S^2 term: wired-noise.ts).
 * The last product is skipped when the input is exact (the network input). Padded entries are 0.
 */
export function weightNodeBatch(x: BatchMoments, layout: PatchLayout, kernels: readonly DiagonalKernel[]): BatchMoments {
  const { positions, patchSize: K, channelsPerGroup: M, index, channelStride, positionStride, outputSize } = layout;
  const batch = x.batch;
  const mean = new Float64Array(batch * outputSize);
  const variance = new Float64Array(batch * outputSize);
  let exact = true;
  for (let i = 0; i < x.variance.length && exact; i++) exact = x.variance[i] === 0;
  const patchMean = new Float64Array(K);
  const patchSecond = new Float64Array(K);
  const patchVariance = new Float64Array(K);
  for (let g = 0; g < layout.groups; g++) {
    const { weights, weightsSquared, noiseVariance, constantVariance, wired } = kernels[g];
    // scratch of the wired cells, per MVM: voltages, spreads, second moments
    const cellScratch = wired ? Array.from({ length: 3 }, () => new Float64Array(wired.noise.cells)) : undefined;
    for (let b = 0; b < batch; b++) {
      const sampleIn = b * x.size;
      const sampleOut = b * outputSize;
      for (let p = 0; p < positions; p++) {
        const row = (g * positions + p) * K;
        for (let k = 0; k < K; k++) {
          const j = index[row + k];
          const mu = j < 0 ? 0 : x.mean[sampleIn + j];
          const v = j < 0 ? 0 : x.variance[sampleIn + j];
          patchMean[k] = mu;
          patchVariance[k] = v;
          patchSecond[k] = mu * mu + v;
        }
        for (let mm = 0; mm < M; mm++) {
          const base = mm * K;
          let mu = 0;
          let v = constantVariance[mm];
          for (let k = 0; k < K; k++) {
            mu += weights[base + k] * patchMean[k];
            v += noiseVariance[base + k] * patchSecond[k];
          }
          if (!exact) for (let k = 0; k < K; k++) v += weightsSquared[base + k] * patchVariance[k];
          const o = sampleOut + (g * M + mm) * channelStride + p * positionStride;
          mean[o] = mu;
          variance[o] = v;
        }
        if (wired && cellScratch) {
          const [voltage, spread, second] = cellScratch;
          cellVoltages(wired.noise, patchMean, patchVariance, wired.inputNoiseVariance, voltage, spread);
          cellVoltageSecondMoments(voltage, spread, second);
          addWiredVariance(wired.noise, second, M, variance, sampleOut + g * M * channelStride + p * positionStride, channelStride);
        }
      }
    }
  }
  return { batch, size: outputSize, mean, variance };
}

/** Element-wise Gaussian moments (mean and variance only) applied to every element of a batch; `fn` sees the element index within the sample. */
export function elementwiseBatch(x: BatchMoments, fn: (mu: number, sigma: number, out: ElementwiseOut, index: number) => void): BatchMoments {
  const mean = new Float64Array(x.mean.length);
  const variance = new Float64Array(x.mean.length);
  const out: ElementwiseOut = { mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) };
  for (let e = 0; e < x.mean.length; e++) {
    fn(x.mean[e], Math.sqrt(Math.max(0, x.variance[e])), out, e % x.size);
    mean[e] = out.mean;
    variance[e] = out.variance;
  }
  return { batch: x.batch, size: x.size, mean, variance };
}
