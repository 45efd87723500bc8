import { MomentCache } from '../device/moment-cache.js';
import type { CrossbarLayer } from '../mvm/crossbar-layer.js';
import { adcStep } from '../periphery/adc.js';
import type { Matrix } from '../tensor/matrix.js';
import type { Seconds } from '../units.js';
import { type CellTerms, cellTerms } from './cell-terms.js';
import { type CompensationNoise, driftCompensation } from './drift-compensation.js';
import type { ErrorSources } from './sources.js';
import type { TiledAdc } from './tiled-adc.js';
import { type WiredNoise, wiredLayer } from './wired-noise.js';
import { quantizationOffsets } from '../hardware/with-sources.js';

/**
 * What the analytical engine needs of one CrossbarLayer (outputs x inputs, in weight units: the
 * layer computes y = sum_i w_oi x_i with the DAC's input x):
 * - meanWeights: E[W_hw] = sum_c gain_c (E[G_pos] - E[G_neg]) (times the drift compensation factor),
 * - programVariance / readVariance: per-weight variance fixed at programming / fresh at each read,
 *   sum_c gain_c^2 (Var G_pos + Var G_neg) (the reference cell's own variance included),
 * - referenceProgram / referenceRead (offset scheme): the reference cell of (row tile, column tile)
 *   is shared by every output of the column tile, so outputs o != o' of one column tile covary by
 *   gain_o gain_o' Var(G_ref,i) x_i^2, for its programming and its read noise alike (the sampler
 *   reads the reference column once per vector and subtracts it from every channel),
 * - outputVariance: per output, the output noise, in squared output units; inputVariance: the DAC
 *   noise per input, in squared input units;
 * - adc: how the ADC is modelled (AdcModel).
 */
export interface LayerStatistics {
  readonly inputs: number;
  readonly outputs: number;
  /** outputs x inputs, row-major. */
  readonly meanWeights: Float64Array;
  readonly programVariance: Float64Array;
  readonly readVariance: Float64Array;
  /** Offset scheme only: per output, its column tile; per column tile and input, Var of the reference cell times nothing (S^2). */
  readonly reference?: ReferenceTerms;
  readonly outputVariance: Float64Array;
  readonly inputNoiseVariance: number;
  readonly adc: AdcModel;
  /** With drift compensation: the randomness of its factor (see drift-compensation.ts). */
  readonly compensationNoise?: CompensationNoise;
  /**
   * With wire resistance modelled (the `wires` source, `options.wired`): the circuit's cell noise
   * (wired-noise.ts), which replaces programVariance, readVariance and reference (all 0 / absent
   * then); meanWeights is the circuit's effective map.
   */
  readonly wired?: WiredNoise;
}

/**
 * How the analysis models a layer's ADC:
 * - `none`: no quantizer (an ideal ADC, or the ADC source switched off);
 * - `channel`: every output is one channel on one tile (one row tile, one channel per output): each
 *   output's channel current is quantized exactly (Gaussian-approximated); per output, output units
 *   per ampere, code size and full scale (A);
 * - `parts`: several row tiles, or several channels per output (the N-ary digits): each (row tile,
 *   channel) partial current is quantized exactly on its own (tiled-adc.ts).
 */
export type AdcModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'channel'; readonly scale: Float64Array; readonly step: Float64Array; readonly range: Float64Array }
  | { readonly kind: 'parts'; readonly parts: TiledAdc };

/** The exact per-channel ADC of a layer, which the caller knows it has (`adc.kind === 'channel'`). */
export function channelAdc(s: LayerStatistics): Extract<AdcModel, { kind: 'channel' }> {
  if (s.adc.kind !== 'channel') throw new RangeError(`internal: the layer's ADC is modelled as '${s.adc.kind}', not per channel`);
  return s.adc;
}

/** The per-part ADC of a layer, which the caller knows it has (`adc.kind === 'parts'`). */
export function partsAdc(s: LayerStatistics): TiledAdc {
  if (s.adc.kind !== 'parts') throw new RangeError(`internal: the layer's ADC is modelled as '${s.adc.kind}', not per part`);
  return s.adc.parts;
}

/** Covariance terms of the shared reference column (offset scheme), in weight^2 units via gains. */
export interface ReferenceTerms {
  /** Column tile of every output. */
  readonly columnTile: Int32Array;
  /** gain * compensation of every output (weight units per siemens). */
  readonly gain: Float64Array;
  /** columnTiles x inputs: programmed variance of the reference cell of the input's row tile (S^2). */
  readonly programVariance: Float64Array;
  /** columnTiles x inputs: read variance of the reference cell, shared across the tile's channels (S^2). */
  readonly readVariance: Float64Array;
  readonly columnTiles: number;
}

/** Layer statistics of `layer` read at its configured time, with the given sources switched on. */
export function layerStatistics(
  layer: CrossbarLayer,
  sources: ErrorSources,
  options: { originalWeights?: Matrix; caches?: Map<Seconds, MomentCache>; tableNodes?: number; wired?: boolean } = {},
): LayerStatistics {
  const caches = options.caches;
  const { config, tiled, mapping } = layer;
  const inputs = layer.inputs;
  const outputs = layer.outputs;
  if (config.dac.bitSerial) throw new RangeError('the analytical MSE engine does not model bit-serial inputs');
  const time = config.readTimeSeconds;
  const cacheAt = (t: Seconds): MomentCache => {
    let found = caches?.get(t);
    if (!found || found.device !== config.device) {
      found = new MomentCache(config.device, t, options.tableNodes ?? 0);
      caches?.set(t, found);
    }
    return found;
  };
  const cache = cacheAt(time);
  const meanWeights = new Float64Array(outputs * inputs);
  const programVariance = new Float64Array(outputs * inputs);
  const readVariance = new Float64Array(outputs * inputs);
  const usesReference = mapping.referenceSiemens !== undefined;
  const columnTiles = tiled.columnTiles;
  const reference: ReferenceTerms | undefined = usesReference
    ? {
        columnTile: new Int32Array(outputs),
        gain: new Float64Array(outputs),
        programVariance: new Float64Array(columnTiles * inputs),
        readVariance: new Float64Array(columnTiles * inputs),
        columnTiles,
      }
    : undefined;
  const voltsPerInput = config.dac.readVoltage / config.dac.inputRange;
  const outputVariance = new Float64Array(outputs);
  const plusTerms: CellTerms = { mean: 0, program: 0, read: 0 };
  const minusTerms: CellTerms = { mean: 0, program: 0, read: 0 };
  // The ADC as exact quantizers: one channel per output on one row tile -> `adc`; otherwise (several
  // row tiles, or several channels per output) -> `tiledAdc`, one part per (row tile, channel).
  const rowTiles = tiled.rowTiles;
  const modelAdc = sources.adc && config.adc.bits > 0;
  const oneChannel = mapping.channelGain.length === outputs;
  const exactAdc = modelAdc && oneChannel && rowTiles === 1;
  const partAdc = modelAdc && !exactAdc;
  const channelOf = channelOrdinals(layer);
  const channelsPerOutput = channelOf.channels;
  // per channel of an output (N-ary digit): its own weights, when the ADC needs them apart
  const split = partAdc && channelsPerOutput > 1;
  const channelArrays = (): Float64Array[] => Array.from({ length: channelsPerOutput }, () => new Float64Array(outputs * inputs));
  const channelMean = split ? channelArrays() : [meanWeights];
  const channelProgram = split ? channelArrays() : [programVariance];
  const channelRead = split ? channelArrays() : [readVariance];
  /** Per channel of an output and output: its gain (weight units per siemens), to place the unquantized weights. */
  const channelGain = split ? new Float64Array(channelsPerOutput * outputs) : undefined;
  tiled.tiles.forEach((tile, t) => {
    const columnTile = t % columnTiles;
    const channels = tile.channelGain.length;
    const ordinal = channelOf.ordinal[columnTile];
    for (let k = 0; k < channels; k++) {
      const o = tile.channelOutput[k];
      const gain = tile.channelGain[k];
      const c = ordinal[k];
      if (channelGain) channelGain[c * outputs + o] = gain;
      const pos = tile.channelPositive[k];
      const neg = tile.channelNegative[k];
      const isReference = neg === tile.referenceColumn;
      if (reference) {
        reference.columnTile[o] = columnTile;
        reference.gain[o] = gain;
      }
      for (let i = 0; i < tile.rowCount; i++) {
        const j = tile.rowStart + i;
        const plus = cellTerms(cache, tile.targets[i * tile.cols + pos], sources, plusTerms);
        const minus = cellTerms(cache, tile.targets[i * tile.cols + neg], sources, minusTerms);
        const w = o * inputs + j;
        meanWeights[w] += gain * (plus.mean - minus.mean);
        programVariance[w] += gain * gain * (plus.program + minus.program);
        readVariance[w] += gain * gain * (plus.read + minus.read);
        if (split) {
          channelMean[c][w] = gain * (plus.mean - minus.mean);
          channelProgram[c][w] = gain * gain * (plus.program + minus.program);
          channelRead[c][w] = gain * gain * (plus.read + minus.read);
        }
        if (reference && isReference && k === 0) {
          reference.programVariance[columnTile * inputs + j] = minus.program;
          reference.readVariance[columnTile * inputs + j] = minus.read;
        }
      }
    }
  });
  const wired = options.wired ? wiredStatistics(layer, cache, sources, options.originalWeights) : undefined;
  if (wired) {
    meanWeights.set(wired.meanWeights);
    programVariance.fill(0);
    readVariance.fill(0);
  } else if (!sources.quantization) {
    // Without quantization the weights are the original float ones (unclipped, not N-ary quantized)
    // plus any device bias: replace the read-back targets by the original weights.
    const original = options.originalWeights ?? layer.mapping.mappedWeights;
    const mapped = layer.mappedWeights();
    for (let w = 0; w < meanWeights.length; w++) meanWeights[w] += original.data[w] - mapped.data[w];
    if (channelGain) {
      // Per channel, the difference goes onto the output's channel of largest gain (the most
      // significant digit; the first of equal gains), as `hardwareWithSources` places it on the cells
      // for the Monte-Carlo of the same sources.
      for (let o = 0; o < outputs; o++) {
        let best = 0;
        for (let c = 1; c < channelsPerOutput; c++) if (channelGain[c * outputs + o] > channelGain[best * outputs + o]) best = c;
        const W = channelMean[best];
        for (let w = o * inputs; w < (o + 1) * inputs; w++) W[w] += original.data[w] - mapped.data[w];
      }
    }
  }
  const range = layer.adcRangeAmperes;
  const adc = exactAdc ? { scale: new Float64Array(outputs), step: new Float64Array(outputs), range: new Float64Array(outputs) } : undefined;
  const parts = rowTiles * channelsPerOutput;
  const tiledAdc: TiledAdc | undefined = partAdc
    ? {
        parts,
        rowStart: new Int32Array(parts),
        rowCount: new Int32Array(parts),
        channel: new Int32Array(parts),
        meanWeights: channelMean,
        programVariance: channelProgram,
        readVariance: channelRead,
        scale: new Float64Array(parts * outputs),
        step: new Float64Array(parts * outputs),
        range: new Float64Array(parts * outputs),
        noiseVariance: new Float64Array(parts * outputs),
      }
    : undefined;
  tiled.tiles.forEach((tile, t) => {
    const step = adcStep(config.adc, range[t]);
    const ordinal = channelOf.ordinal[t % columnTiles];
    if (adc) {
      for (let k = 0; k < tile.channelGain.length; k++) {
        const o = tile.channelOutput[k];
        adc.scale[o] = tile.channelGain[k] / voltsPerInput;
        adc.step[o] = step;
        adc.range[o] = range[t];
      }
    }
    const noiseSigma = sources.outputNoise ? config.adc.noiseRelative * range[t] : 0;
    const rowTile = Math.floor(t / columnTiles);
    for (let k = 0; k < tile.channelGain.length; k++) {
      const scale = tile.channelGain[k] / voltsPerInput; // output units per ampere
      const o = tile.channelOutput[k];
      outputVariance[o] += scale * scale * noiseSigma * noiseSigma;
      if (tiledAdc) {
        const part = rowTile * channelsPerOutput + ordinal[k];
        tiledAdc.rowStart[part] = tile.rowStart;
        tiledAdc.rowCount[part] = tile.rowCount;
        tiledAdc.channel[part] = ordinal[k];
        const e = part * outputs + o;
        tiledAdc.scale[e] = scale;
        tiledAdc.step[e] = step;
        tiledAdc.range[e] = range[t];
        tiledAdc.noiseVariance[e] = scale * scale * noiseSigma * noiseSigma;
      }
    }
  });
  const compensation = config.driftCompensation ? driftCompensation(layer, sources, cacheAt) : undefined;
  const factor = compensation?.factor ?? 1;
  if (factor !== 1) {
    for (let w = 0; w < meanWeights.length; w++) {
      meanWeights[w] *= factor;
      programVariance[w] *= factor * factor;
      readVariance[w] *= factor * factor;
    }
    if (split) {
      for (let c = 0; c < channelsPerOutput; c++) {
        for (let w = 0; w < meanWeights.length; w++) {
          channelMean[c][w] *= factor;
          channelProgram[c][w] *= factor * factor;
          channelRead[c][w] *= factor * factor;
        }
      }
    }
    for (let o = 0; o < outputs; o++) outputVariance[o] *= factor * factor;
    if (adc) for (let o = 0; o < outputs; o++) adc.scale[o] *= factor;
    if (tiledAdc) {
      for (let e = 0; e < tiledAdc.scale.length; e++) {
        tiledAdc.scale[e] *= factor;
        tiledAdc.noiseVariance[e] *= factor * factor;
      }
    }
    if (reference) for (let o = 0; o < outputs; o++) reference.gain[o] *= factor;
  }
  const inputSigma = sources.inputNoise ? config.dac.noiseRelative * config.dac.inputRange : 0;
  const adcModel: AdcModel = adc ? { kind: 'channel', ...adc } : tiledAdc ? { kind: 'parts', parts: tiledAdc } : { kind: 'none' };
  return {
    inputs,
    outputs,
    meanWeights,
    programVariance,
    readVariance,
    reference: wired ? undefined : reference,
    outputVariance,
    inputNoiseVariance: inputSigma * inputSigma,
    adc: adcModel,
    compensationNoise: compensation?.noise,
    wired: wired?.noise,
  };
}

/** The wired model of a layer, with the quantization-free cells of error attribution when quantization is off (as hardwareWithSources places them). */
function wiredStatistics(layer: CrossbarLayer, cache: MomentCache, sources: ErrorSources, originalWeights: Matrix | undefined): ReturnType<typeof wiredLayer> {
  if (layer.config.driftCompensation) throw new RangeError('internal: the wired model does not cover drift compensation');
  const offsets = sources.quantization ? undefined : quantizationOffsets(layer, (originalWeights ?? layer.mapping.mappedWeights).data);
  return wiredLayer(layer, cache, sources, offsets ? (t) => offsets.get(layer.tiled.tiles[t].targets) : undefined);
}

/**
 * Rank of every tile channel among the channels of its output (the N-ary digit; 0 with one channel
 * per output), per column tile (every row tile has the same channels), and the largest channel count
 * of an output. Channels are laid out in mapping order, whole, over the column tiles.
 */
function channelOrdinals(layer: CrossbarLayer): { ordinal: Int32Array[]; channels: number } {
  const { tiled, mapping } = layer;
  const count = new Int32Array(mapping.outputs);
  const ordinal: Int32Array[] = [];
  let channels = 1;
  for (let t = 0; t < tiled.columnTiles; t++) {
    const tile = tiled.tiles[t];
    const ranks = new Int32Array(tile.channelGain.length);
    for (let k = 0; k < ranks.length; k++) {
      const o = tile.channelOutput[k];
      ranks[k] = count[o]++;
      channels = Math.max(channels, count[o]);
    }
    ordinal.push(ranks);
  }
  return { ordinal, channels };
}
