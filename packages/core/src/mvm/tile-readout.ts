import type { CellCurrent } from '../circuit/index.js';
import { convertCurrent } from '../periphery/adc.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import type { Tile, TiledLayer } from '../tile/tiling.js';
import { cellCurrentsOfVoltages, multiplyVoltagesByConductances } from './kernels.js';
import type { PhasedInputs } from './phases.js';

/**
 * What each tile's cells read as: mean conductances (S, rowCount x cols) and, for Gaussian reads, the
 * read variance per channel (S^2, rowCount x varianceColumns(tile)): column k holds
 * Var(G_pos) + Var(G_neg) of channel k's two cells on each row; for an offset tile, column k holds
 * Var(G_pos) alone and the last column the shared reference cell's variance. Summing per channel
 * before the product halves the variance MVM of differential pairs.
 */
export interface TileConductances {
  readonly mean: Float64Array;
  readonly channelVariance: Float64Array | undefined;
  /** With wire resistance: the tile as a solved circuit of `mean`; its column currents replace V G. */
  readonly circuit?: TileCircuit;
  /** Nonlinear cells on ideal wires: each cell's current(G, V) replaces G V. */
  readonly current?: CellCurrent;
}

/** A tile with its wires: column currents (B x cols, amperes) of B row-voltage vectors (B x rows, volts). */
export interface TileCircuit {
  solve(voltages: Float64Array): { readonly currents: Float64Array };
}

/** The ADC side of the readout; undefined fields are ideal. */
export interface TileReadout {
  /** ADC code size per tile in amperes (undefined: no quantization). */
  readonly adcSteps: Float64Array | undefined;
  /** ADC full scale per tile in amperes. */
  readonly adcRanges: Float64Array | undefined;
  /** Std of the output noise per tile in amperes (undefined: none). */
  readonly outputNoiseAmperes: Float64Array | undefined;
}

/**
 * Where the standard normals for the read and output noise of virtual vector v are:
 * `normals[v * stride + readOffset[t] + k]` for channel k of tile t's read noise (when the tile has a
 * variance; for an offset tile, index k = channels is its reference column's),
 * `normals[v * stride + outputOffset[t] + k]` for its output noise (when there is any).
 */
export interface NoiseLayout {
  readonly normals: Float64Array;
  readonly stride: number;
  readonly readOffset: Int32Array;
  readonly outputOffset: Int32Array;
}

/**
 * Runs every tile on the phase voltages: channel currents I_pos - I_neg (plus Gaussian read noise of
 * variance sum_i V_i^2 (s_pos,i^2 + s_neg,i^2) when channel variances are given), output noise, ADC, then the
 * digital side: gain per channel, partial sums over tiles, phases combined with their scales.
 * Returns vectors x outputs.
 */
export function readTiles(
  tiled: TiledLayer,
  phased: PhasedInputs,
  conductances: readonly TileConductances[],
  noise: NoiseLayout | undefined,
  readout: TileReadout,
): Matrix {
  const { inputs, outputs } = tiled;
  const virtualVectors = phased.vectors * phased.phases;
  const phaseOutputs = new Float64Array(virtualVectors * outputs);
  let squaredVoltages: Float64Array | undefined;
  tiled.tiles.forEach((tile, t) => {
    const { mean, channelVariance, circuit, current } = conductances[t];
    let currents: Float64Array;
    if (circuit) {
      currents = circuit.solve(gatherColumns(phased.voltages, inputs, tile.rowStart, tile.rowCount, virtualVectors)).currents;
    } else if (current) {
      currents = new Float64Array(virtualVectors * tile.cols);
      cellCurrentsOfVoltages(phased.voltages, inputs, tile.rowStart, virtualVectors, mean, tile.rowCount, tile.cols, current, currents);
    } else {
      currents = new Float64Array(virtualVectors * tile.cols);
      multiplyVoltagesByConductances(phased.voltages, inputs, tile.rowStart, virtualVectors, mean, tile.rowCount, tile.cols, currents);
    }
    const channels = tile.channelGain.length;
    const reference = tile.referenceColumn;
    const varianceCols = varianceColumns(tile);
    let currentVariance: Float64Array | undefined;
    if (channelVariance) {
      squaredVoltages ??= phased.voltages.map((v) => v * v);
      currentVariance = new Float64Array(virtualVectors * varianceCols);
      multiplyVoltagesByConductances(squaredVoltages, inputs, tile.rowStart, virtualVectors, channelVariance, tile.rowCount, varianceCols, currentVariance);
    }
    const step = readout.adcSteps ? readout.adcSteps[t] : 0;
    const range = readout.adcRanges ? readout.adcRanges[t] : 0;
    const outputSigma = readout.outputNoiseAmperes ? readout.outputNoiseAmperes[t] : 0;
    for (let v = 0; v < virtualVectors; v++) {
      const row = v * tile.cols;
      const varianceRow = v * varianceCols;
      const noiseBase = noise ? v * noise.stride : 0;
      // The reference column is one physical read shared by every channel of the tile: its noise is
      // drawn once per vector (normal index `channels`) and subtracted from every channel.
      const referenceNoise =
        currentVariance && reference >= 0 ? Math.sqrt(currentVariance[varianceRow + channels]) * noise!.normals[noiseBase + noise!.readOffset[t] + channels] : 0;
      for (let k = 0; k < channels; k++) {
        let current = currents[row + tile.channelPositive[k]] - currents[row + tile.channelNegative[k]];
        if (currentVariance) {
          current += Math.sqrt(currentVariance[varianceRow + k]) * noise!.normals[noiseBase + noise!.readOffset[t] + k] - referenceNoise;
        }
        if (outputSigma > 0) current += outputSigma * noise!.normals[noiseBase + noise!.outputOffset[t] + k];
        if (step > 0) current = convertCurrent(current, range, step);
        phaseOutputs[v * outputs + tile.channelOutput[k]] += tile.channelGain[k] * current;
      }
    }
  });
  const y = matrix(phased.vectors, outputs);
  for (let b = 0; b < phased.vectors; b++) {
    for (let p = 0; p < phased.phases; p++) {
      const scale = phased.scales[p];
      const source = (b * phased.phases + p) * outputs;
      for (let o = 0; o < outputs; o++) y.data[b * outputs + o] += scale * phaseOutputs[source + o];
    }
  }
  return y;
}

/** Columns of a tile's channel-variance matrix: one per channel, plus the reference column's. */
export function varianceColumns(tile: Tile): number {
  return tile.channelGain.length + (tile.referenceColumn >= 0 ? 1 : 0);
}

/**
 * Sums cell variances (rowCount x cols) into the channel-variance layout of `TileConductances`;
 * returns undefined when every variance is 0 (a noise-free read).
 */
export function channelVariances(tile: Tile, cellVariance: Float64Array): Float64Array | undefined {
  const channels = tile.channelGain.length;
  const width = varianceColumns(tile);
  const out = new Float64Array(tile.rowCount * width);
  let any = false;
  for (let i = 0; i < tile.rowCount; i++) {
    const cells = i * tile.cols;
    for (let k = 0; k < channels; k++) {
      const pos = cellVariance[cells + tile.channelPositive[k]];
      const value = tile.referenceColumn >= 0 ? pos : pos + cellVariance[cells + tile.channelNegative[k]];
      out[i * width + k] = value;
      if (value > 0) any = true;
    }
    if (tile.referenceColumn >= 0) {
      const value = cellVariance[cells + tile.referenceColumn];
      out[i * width + channels] = value;
      if (value > 0) any = true;
    }
  }
  return any ? out : undefined;
}

/** Columns [start, start + count) of a rows x stride row-major matrix, as a rows x count matrix. */
function gatherColumns(values: Float64Array, stride: number, start: number, count: number, rows: number): Float64Array {
  const out = new Float64Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * stride + start, r * stride + start + count), r * count);
  return out;
}
