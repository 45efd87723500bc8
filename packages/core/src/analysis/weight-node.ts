import type { PatchLayout } from '../hardware/patches.js';
import { type ActivationMoments, type CovarianceMode, applyElementwise } from './activation-moments.js';
import { quantizerMoments } from './elementwise-moments.js';
import type { LayerStatistics } from './layer-statistics.js';
import { applyTiledAdc } from './tiled-adc.js';

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
): ActivationMoments {
  const { positions, patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const full = mode === 'full' && x.covariance !== undefined;
  const covariance = full ? new Float64Array(n * n) : undefined;
  const xm = x.mean;
  const xv = x.variance;
  const gamma = x.covariance;
  const inputExact = xv.every((v) => v === 0);
  const outIndex = (m: number, p: number) => m * layout.channelStride + p * layout.positionStride;
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const W = s.meanWeights;
    const totalNoise = noiseVariance(s);
    const inputNoise = s.inputNoiseVariance;
    const patchBase = g * positions * K;
    // means and the diagonal
    for (let p = 0; p < positions; p++) {
      const row = patchBase + p * K;
      for (let mm = 0; mm < M; mm++) {
        const m = g * M + mm;
        const wBase = mm * K;
        let mu = 0;
        let v = s.outputVariance[mm];
        for (let k = 0; k < K; k++) {
          const w = W[wBase + k];
          const noise = totalNoise[wBase + k];
          if (inputNoise !== 0) v += inputNoise * (w * w + noise);
          const j = index[row + k];
          if (j < 0) continue;
          const mj = xm[j];
          mu += w * mj;
          v += noise * (mj * mj + xv[j]) + (full ? 0 : w * w * xv[j]);
        }
        const o = outIndex(m, p);
        mean[o] = mu;
        variance[o] = v;
      }
    }
  }
  if (!covariance || !gamma) {
    if (stats[0].tiledAdc) applyTiledAdc(x, layout, stats, { mean, variance });
    return finishOutputs({ size: n, mean, variance }, layout, stats, bias);
  }
  // A Gamma A^T (skipped when the input is exact)
  if (!inputExact) addTransformedCovariance(layout, stats, gamma, x.size, covariance, outIndex);
  for (let o = 0; o < n; o++) covariance[o * n + o] += variance[o];
  for (let g = 0; g < layout.groups; g++) {
    const s = stats[g];
    const patchBase = g * positions * K;
    // shared kernel: same channel, different positions
    for (let mm = 0; mm < M; mm++) {
      const m = g * M + mm;
      const wBase = mm * K;
      for (let p = 0; p < positions; p++) {
        for (let q = p + 1; q < positions; q++) {
          let sum = 0;
          for (let k = 0; k < K; k++) {
            const sp = s.programVariance[wBase + k];
            if (sp === 0) continue;
            const i = index[patchBase + p * K + k];
            const j = index[patchBase + q * K + k];
            if (i < 0 || j < 0) continue;
            sum += sp * (xm[i] * xm[j] + gamma[i * x.size + j]);
          }
          if (sum === 0) continue;
          const a = outIndex(m, p);
          const b = outIndex(m, q);
          covariance[a * n + b] += sum;
          covariance[b * n + a] += sum;
        }
      }
    }
    // DAC noise: same position, different channels
    if (s.inputNoiseVariance > 0) {
      for (let mm = 0; mm < M; mm++) {
        for (let m2 = mm + 1; m2 < M; m2++) {
          let dot = 0;
          for (let k = 0; k < K; k++) dot += s.meanWeights[mm * K + k] * s.meanWeights[m2 * K + k];
          const c = s.inputNoiseVariance * dot;
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
  }
  for (let o = 0; o < n; o++) variance[o] = covariance[o * n + o];
  if (stats[0].tiledAdc) applyTiledAdc(x, layout, stats, { mean, variance, covariance });
  return finishOutputs({ size: n, mean, variance, covariance }, layout, stats, bias);
}

const noiseVariances = new WeakMap<LayerStatistics, Float64Array>();

/** programVariance + readVariance of every weight, computed once per layer statistics. */
function noiseVariance(s: LayerStatistics): Float64Array {
  let found = noiseVariances.get(s);
  if (!found) {
    found = new Float64Array(s.programVariance.length);
    for (let w = 0; w < found.length; w++) found[w] = s.programVariance[w] + s.readVariance[w];
    noiseVariances.set(s, found);
  }
  return found;
}

/**
 * The digital side after the analog sums: the ADC as an exact quantizer of each channel current
 * (when the layer statistics allow it; otherwise its Delta^2 / 12 is already in the variance), then
 * the bias.
 */
function finishOutputs(y: ActivationMoments, layout: PatchLayout, stats: readonly LayerStatistics[], bias: Float64Array): ActivationMoments {
  const M = layout.channelsPerGroup;
  const channelOf = (o: number) => Math.floor(o / layout.channelStride) % (M * layout.groups);
  let result = y;
  if (stats[0].adc) {
    result = applyElementwise(y, (mu, sigma, out, o) => {
      const m = layout.channelStride === 1 ? o % (M * layout.groups) : channelOf(o);
      const adc = stats[Math.floor(m / M)].adc!;
      const mm = m % M;
      const scale = adc.scale[mm];
      quantizerMoments(mu / scale, sigma / scale, adc.range[mm], adc.step[mm], out);
      out.mean *= scale;
      out.variance *= scale * scale;
      for (let k = 1; k < out.hermite.length; k++) out.hermite[k] *= scale;
    });
  }
  const mean = result === y ? y.mean : result.mean;
  for (let o = 0; o < result.size; o++) {
    const m = layout.channelStride === 1 ? o % (M * layout.groups) : channelOf(o);
    mean[o] += bias[m];
  }
  return result;
}

/** covariance += A Gamma A^T for the node's linear map A (mean weights over the patches). */
function addTransformedCovariance(
  layout: PatchLayout,
  stats: readonly LayerStatistics[],
  gamma: Float64Array,
  inputSize: number,
  covariance: Float64Array,
  outIndex: (m: number, p: number) => number,
): void {
  const { positions, patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  if (positions === 1) {
    denseTransformedCovariance(layout, stats, gamma, inputSize, covariance, outIndex);
    return;
  }
  // rows of A as (output index, patch row base, weight base, group)
  const rows: { o: number; patch: number; weights: Float64Array; wBase: number }[] = [];
  for (let g = 0; g < layout.groups; g++) {
    for (let p = 0; p < positions; p++) {
      for (let mm = 0; mm < M; mm++) rows.push({ o: outIndex(g * M + mm, p), patch: (g * positions + p) * K, weights: stats[g].meanWeights, wBase: mm * K });
    }
  }
  const t = new Float64Array(inputSize);
  for (const r of rows) {
    // t = (A Gamma)[r, :]
    t.fill(0);
    for (let k = 0; k < K; k++) {
      const i = index[r.patch + k];
      const w = r.weights[r.wBase + k];
      if (i < 0 || w === 0) continue;
      const base = i * inputSize;
      for (let j = 0; j < inputSize; j++) t[j] += w * gamma[base + j];
    }
    for (const c of rows) {
      if (c.o < r.o) continue;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const j = index[c.patch + k];
        if (j >= 0) sum += c.weights[c.wBase + k] * t[j];
      }
      covariance[r.o * n + c.o] += sum;
      if (c.o !== r.o) covariance[c.o * n + r.o] += sum;
    }
  }
}

/**
 * `addTransformedCovariance` for one position per group (dense layers): A (outputs x inputs) is
 * gathered once into a flat matrix, then T = A Gamma row by row and A Gamma A^T = T A^T on the upper
 * triangle, all on typed arrays (same sums, same order of the k terms per row of T).
 */
function denseTransformedCovariance(
  layout: PatchLayout,
  stats: readonly LayerStatistics[],
  gamma: Float64Array,
  inputSize: number,
  covariance: Float64Array,
  outIndex: (m: number, p: number) => number,
): void {
  const { patchSize: K, channelsPerGroup: M, index } = layout;
  const n = layout.outputSize;
  const rows = layout.groups * M;
  const a = new Float64Array(rows * inputSize);
  const out = new Int32Array(rows);
  for (let g = 0; g < layout.groups; g++) {
    const W = stats[g].meanWeights;
    const patch = g * K;
    for (let mm = 0; mm < M; mm++) {
      const r = g * M + mm;
      out[r] = outIndex(r, 0);
      for (let k = 0; k < K; k++) {
        const i = index[patch + k];
        if (i >= 0) a[r * inputSize + i] += W[mm * K + k];
      }
    }
  }
  const t = new Float64Array(inputSize);
  for (let r = 0; r < rows; r++) {
    t.fill(0);
    const aBase = r * inputSize;
    for (let i = 0; i < inputSize; i++) {
      const w = a[aBase + i];
      if (w === 0) continue;
      const base = i * inputSize;
      for (let j = 0; j < inputSize; j++) t[j] += w * gamma[base + j];
    }
    const or = out[r];
    for (let c = 0; c < rows; c++) {
      const oc = out[c];
      if (oc < or) continue;
      const cBase = c * inputSize;
      let sum = 0;
      for (let j = 0; j < inputSize; j++) sum += a[cBase + j] * t[j];
      covariance[or * n + oc] += sum;
      if (oc !== or) covariance[oc * n + or] += sum;
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
