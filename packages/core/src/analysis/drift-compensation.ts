import type { MomentCache, ProgrammedCovarianceCache } from '../device/moment-cache.js';
import { normalCdf, normalPdf } from '../math/normal.js';
import type { PatchLayout } from '../hardware/patches.js';
import { DEFAULT_DRIFT_REFERENCE_SECONDS, type CrossbarLayer } from '../mvm/crossbar-layer.js';
import type { Seconds, Siemens } from '../units.js';
import { type ActivationMoments, CovariancePool } from './activation-moments.js';
import type { BatchMoments } from './batched-diagonal.js';
import { type CellTerms, cellTerms } from './cell-terms.js';
import type { ErrorSources } from './sources.js';

/**
 * The randomness of global drift compensation. The sampler reads a calibration vector (every input
 * at +inputRange r) once at the reference time and once at the read time, a_o and b_o, and scales
 * every output of the layer by F = sum_o |a_o| / sum_o |b_o|. To first order F = F0 (1 + eps),
 * eps = dA / A0 - dB / B0 with dA = sum_o sign(a_o) da_o (likewise dB), and
 * - Var(eps) from the programmed and read variance of every cell at both times, the DAC input noise
 *   (shared by the outputs of a row) and the output noise of the two calibration reads, and the
 *   covariance of the programmed part between the two times (`programmedCovariance` of the device,
 *   or sqrt(V(t_ref) V(t)) when it gives none);
 * - Cov(eps, P_oi), P_oi the programming error of weight oi at the read time, which every later MVM
 *   of this programmed array shares: s_o r (C_oi / A0 - V_oi / B0) (times F0 in compensated units).
 * An output y_o = F yhat_o then gains, over the programmings, Var(eps) E[y_o y_o'] + y_o d_o' + y_o' d_o
 * with d_o = sum_i coupling_oi E[x_i]: one random scale per programmed layer, shared by every output,
 * position and input. Its effect on the mean (second order) is neglected, as are the couplings through
 * an offset scheme's shared reference cell and the ADC rounding of the calibration reads.
 */
export interface CompensationNoise {
  /** E[F] to second order, the factor the mean weights are scaled by (from E|a_o| and E|b_o|). */
  readonly factor: number;
  /** Var(eps) (relative variance of the factor). */
  readonly variance: number;
  /** outputs x inputs: F0 Cov(eps, P_oi), in weight units. */
  readonly coupling: Float64Array;
}

/** The compensation factor F0 of the mean weights and, when anything is random, its noise. */
export interface DriftCompensation {
  readonly factor: number;
  readonly noise?: CompensationNoise;
}

/** Cov of the programmed part of a cell between the two read times (sqrt(V V') when the device gives none). */
function programmedCovariance(cache: ProgrammedCovarianceCache, target: Siemens, early: CellTerms, late: CellTerms): number {
  if (early.program === 0 || late.program === 0) return 0;
  return cache.available ? cache.get(target) : Math.sqrt(early.program * late.program);
}

/**
 * Drift compensation of `layer` as the sampler does it (CrossbarLayer's ProgrammedCrossbar.driftFactor),
 * with the error sources switched on: F0 from the mean weights at both times, and its noise.
 */
export function driftCompensation(layer: CrossbarLayer, sources: ErrorSources, cacheAt: (t: Seconds) => MomentCache): DriftCompensation {
  const { config, tiled } = layer;
  const outputs = layer.outputs;
  const inputs = layer.inputs;
  const then = cacheAt(config.driftReferenceSeconds ?? DEFAULT_DRIFT_REFERENCE_SECONDS);
  const now = cacheAt(config.readTimeSeconds);
  const a = new Float64Array(outputs);
  const b = new Float64Array(outputs);
  const varianceA = new Float64Array(outputs);
  const varianceB = new Float64Array(outputs);
  const crossTime = new Float64Array(outputs * inputs); // C_oi, weight units^2
  const programNow = new Float64Array(outputs * inputs); // V_oi(t), weight units^2
  const earlyMeans = new Float64Array(outputs * inputs); // W(t_ref) and W(t), for the input noise of the calibration reads
  const lateMeans = new Float64Array(outputs * inputs);
  const covariances = now.programmedCovariances(then.timeSeconds);
  const p1: CellTerms = { mean: 0, program: 0, read: 0 };
  const n1: CellTerms = { mean: 0, program: 0, read: 0 };
  const p2: CellTerms = { mean: 0, program: 0, read: 0 };
  const n2: CellTerms = { mean: 0, program: 0, read: 0 };
  const voltsPerInput = config.dac.readVoltage / config.dac.inputRange;
  const outputNoise = new Float64Array(outputs); // per output, of one calibration read (output units^2)
  tiled.tiles.forEach((tile, t) => {
    const noiseSigma = sources.outputNoise ? config.adc.noiseRelative * layer.adcRangeAmperes[t] : 0;
    for (let k = 0; k < tile.channelGain.length; k++) {
      const o = tile.channelOutput[k];
      const gain = tile.channelGain[k];
      const scale = gain / voltsPerInput;
      outputNoise[o] += scale * scale * noiseSigma * noiseSigma;
      let sumThen = 0;
      let sumNow = 0;
      for (let i = 0; i < tile.rowCount; i++) {
        const plus = tile.targets[i * tile.cols + tile.channelPositive[k]];
        const minus = tile.targets[i * tile.cols + tile.channelNegative[k]];
        cellTerms(then, plus, sources, p1);
        cellTerms(then, minus, sources, n1);
        cellTerms(now, plus, sources, p2);
        cellTerms(now, minus, sources, n2);
        sumThen += p1.mean;
        sumThen -= n1.mean;
        sumNow += p2.mean;
        sumNow -= n2.mean;
        const w = o * inputs + tile.rowStart + i;
        const g2 = gain * gain;
        earlyMeans[w] += gain * (p1.mean - n1.mean);
        lateMeans[w] += gain * (p2.mean - n2.mean);
        varianceA[o] += g2 * (p1.program + n1.program + p1.read + n1.read);
        varianceB[o] += g2 * (p2.program + n2.program + p2.read + n2.read);
        programNow[w] += g2 * (p2.program + n2.program);
        crossTime[w] += g2 * (programmedCovariance(covariances, plus, p1, p2) + programmedCovariance(covariances, minus, n1, n2));
      }
      a[o] += gain * sumThen;
      b[o] += gain * sumNow;
    }
  });
  const r = config.dac.inputRange;
  const inputSigma = sources.inputNoise ? config.dac.noiseRelative * r : 0;
  const inputVariance = inputSigma * inputSigma;
  // per output: |a_o| of a Gaussian a_o (folded normal), E[sign a_o] its Stein slope
  const foldedA = new Float64Array(outputs);
  const foldedB = new Float64Array(outputs);
  const slopeA = new Float64Array(outputs);
  const slopeB = new Float64Array(outputs);
  let sumA = 0;
  let sumB = 0;
  let dA = 0;
  let dB = 0;
  for (let o = 0; o < outputs; o++) {
    let ownInputA = 0;
    let ownInputB = 0;
    for (let i = 0; i < inputs; i++) {
      ownInputA += earlyMeans[o * inputs + i] ** 2;
      ownInputB += lateMeans[o * inputs + i] ** 2;
    }
    const varA = r * r * varianceA[o] + inputVariance * ownInputA + outputNoise[o];
    const varB = r * r * varianceB[o] + inputVariance * ownInputB + outputNoise[o];
    const fa = foldedNormal(r * a[o], varA);
    const fb = foldedNormal(r * b[o], varB);
    foldedA[o] = fa.mean;
    foldedB[o] = fb.mean;
    slopeA[o] = fa.slope;
    slopeB[o] = fb.slope;
    sumA += fa.mean;
    sumB += fb.mean;
    dA += fa.variance;
    dB += fb.variance;
  }
  if (!(sumA > 0 && sumB > 0)) return { factor: 1 };
  const ratio = sumA / sumB;
  let dAB = 0;
  for (let o = 0; o < outputs; o++) {
    let crossSum = 0;
    for (let i = 0; i < inputs; i++) crossSum += crossTime[o * inputs + i];
    dAB += r * r * slopeA[o] * slopeB[o] * crossSum;
  }
  if (inputVariance > 0) {
    // the DAC noise of a row is shared by every output of the calibration read: the cross-output part
    for (let i = 0; i < inputs; i++) {
      let early = 0;
      let late = 0;
      let earlyOwn = 0;
      let lateOwn = 0;
      for (let o = 0; o < outputs; o++) {
        const wa = slopeA[o] * earlyMeans[o * inputs + i];
        const wb = slopeB[o] * lateMeans[o * inputs + i];
        early += wa;
        late += wb;
        earlyOwn += wa * wa;
        lateOwn += wb * wb;
      }
      dA += inputVariance * (early * early - earlyOwn);
      dB += inputVariance * (late * late - lateOwn);
    }
  }
  const A0 = sumA;
  const B0 = sumB;
  const variance = Math.max(0, dA / (A0 * A0) + dB / (B0 * B0) - (2 * dAB) / (A0 * B0));
  if (variance === 0) return { factor: ratio };
  // E[A / B] to second order: A0 / B0 (1 + Var B / B0^2 - Cov(A, B) / (A0 B0))
  const factor = ratio * (1 + dB / (B0 * B0) - dAB / (A0 * B0));
  const coupling = new Float64Array(outputs * inputs);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      const w = o * inputs + i;
      coupling[w] = ratio * r * ((slopeA[o] * crossTime[w]) / A0 - (slopeB[o] * programNow[w]) / B0);
    }
  }
  return { factor, noise: { factor, variance, coupling } };
}

/**
 * Adds the compensation noise of one weight node to its output moments for one sample: `x` the
 * crossbar input (after the DAC), `y` the output (bias included: it is removed for the analog part).
 */
export function addCompensationNoise(
  x: ActivationMoments,
  y: ActivationMoments,
  layout: PatchLayout,
  noise: readonly (CompensationNoise | undefined)[],
  bias: Float64Array,
  pool: CovariancePool = new CovariancePool(),
): ActivationMoments {
  if (noise.every((n) => !n)) return y;
  const { positions, patchSize: K, channelsPerGroup: M, index, channelStride, positionStride, outputSize: n } = layout;
  const analog = new Float64Array(n); // y - bias
  const d = new Float64Array(n);
  const scale = new Float64Array(n); // Var(eps) of the element's group
  const group = new Int32Array(n);
  for (let g = 0; g < layout.groups; g++) {
    const terms = noise[g];
    for (let p = 0; p < positions; p++) {
      const row = (g * positions + p) * K;
      for (let m = 0; m < M; m++) {
        const channel = g * M + m;
        const o = channel * channelStride + p * positionStride;
        analog[o] = y.mean[o] - bias[channel];
        group[o] = g;
        if (!terms) continue;
        scale[o] = terms.variance;
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const j = index[row + k];
          if (j >= 0) sum += terms.coupling[m * K + k] * x.mean[j];
        }
        d[o] = sum;
      }
    }
  }
  const variance = new Float64Array(n);
  const mean = new Float64Array(n); // E[F yhat] = E[F] E[yhat] + Cov(F, yhat): the coupling shifts the mean too
  for (let o = 0; o < n; o++) {
    variance[o] = Math.max(0, y.variance[o] + scale[o] * (analog[o] * analog[o] + y.variance[o]) + 2 * analog[o] * d[o]);
    mean[o] = y.mean[o] + d[o];
  }
  if (!y.covariance) return { size: n, mean, variance };
  // in place on the node's own (freshly computed) covariance, the upper triangle mirrored; a shared
  // read-only zero matrix (an exact output) is replaced by a new one
  const covariance = y.variance.some((v) => v > 0) ? y.covariance : pool.take(n * n);
  for (let i = 0; i < n; i++) {
    const si = scale[i];
    const ai = analog[i];
    const di = d[i];
    const gi = group[i];
    const row = i * n;
    for (let j = i + 1; j < n; j++) {
      if (group[j] !== gi) continue;
      const c = covariance[row + j];
      const value = c + si * (ai * analog[j] + c) + ai * d[j] + analog[j] * di;
      covariance[row + j] = value;
      covariance[j * n + i] = value;
    }
    covariance[row + i] = variance[i];
  }
  return { size: n, mean, variance, covariance };
}

/** `addCompensationNoise` (variances only) for a whole batch, in place on `y`'s variances. */
export function addCompensationNoiseBatch(x: BatchMoments, y: BatchMoments, layout: PatchLayout, noise: readonly (CompensationNoise | undefined)[], bias: Float64Array): BatchMoments {
  if (noise.every((n) => !n)) return y;
  for (let b = 0; b < x.batch; b++) {
    const input = { size: x.size, mean: x.mean.subarray(b * x.size, (b + 1) * x.size), variance: x.variance.subarray(b * x.size, (b + 1) * x.size) };
    const output = { size: y.size, mean: y.mean.subarray(b * y.size, (b + 1) * y.size), variance: y.variance.subarray(b * y.size, (b + 1) * y.size) };
    const result = addCompensationNoise(input, output, layout, noise, bias);
    output.mean.set(result.mean);
    output.variance.set(result.variance);
  }
  return y;
}

/** E|a|, Var|a| and E[sign a] of a ~ N(mu, variance). */
function foldedNormal(mu: number, variance: number): { mean: number; variance: number; slope: number } {
  if (!(variance > 0)) return { mean: Math.abs(mu), variance: 0, slope: Math.sign(mu) };
  const sigma = Math.sqrt(variance);
  const m = mu / sigma;
  const mean = mu * (1 - 2 * normalCdf(-m)) + 2 * sigma * normalPdf(m);
  return { mean, variance: Math.max(0, mu * mu + variance - mean * mean), slope: 1 - 2 * normalCdf(-m) };
}
