import type { CrossbarFactorization } from '../circuit/index.js';
import { convertCurrent } from '../periphery/adc.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import type { TiledLayer } from '../tile/tiling.js';
import { multiplyVoltagesByConductances } from './kernels.js';
import type { PhasedInputs } from './phases.js';

/** What each tile's cells read as: mean conductances and, for Gaussian reads, their variances (S, S^2). */
export interface TileConductances {
  readonly mean: Float64Array;
  readonly variance: Float64Array | undefined;
  /** With wire resistance: the tile as a factorized circuit of `mean`; its currents replace V G. */
  readonly circuit?: CrossbarFactorization;
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
 * variance sum_i V_i^2 (s_pos,i^2 + s_neg,i^2) when variances are given), output noise, ADC, then the
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
    const { mean, variance, circuit } = conductances[t];
    let currents: Float64Array;
    if (circuit) {
      currents = circuit.solve(gatherColumns(phased.voltages, inputs, tile.rowStart, tile.rowCount, virtualVectors)).currents;
    } else {
      currents = new Float64Array(virtualVectors * tile.cols);
      multiplyVoltagesByConductances(phased.voltages, inputs, tile.rowStart, virtualVectors, mean, tile.rowCount, tile.cols, currents);
    }
    let currentVariance: Float64Array | undefined;
    if (variance) {
      squaredVoltages ??= phased.voltages.map((v) => v * v);
      currentVariance = new Float64Array(virtualVectors * tile.cols);
      multiplyVoltagesByConductances(squaredVoltages, inputs, tile.rowStart, virtualVectors, variance, tile.rowCount, tile.cols, currentVariance);
    }
    const step = readout.adcSteps ? readout.adcSteps[t] : 0;
    const range = readout.adcRanges ? readout.adcRanges[t] : 0;
    const outputSigma = readout.outputNoiseAmperes ? readout.outputNoiseAmperes[t] : 0;
    const channels = tile.channelGain.length;
    const reference = tile.referenceColumn;
    for (let v = 0; v < virtualVectors; v++) {
      const row = v * tile.cols;
      const noiseBase = noise ? v * noise.stride : 0;
      // The reference column is one physical read shared by every channel of the tile: its noise is
      // drawn once per vector (normal index `channels`) and subtracted from every channel.
      const referenceNoise =
        currentVariance && reference >= 0 ? Math.sqrt(currentVariance[row + reference]) * noise!.normals[noiseBase + noise!.readOffset[t] + channels] : 0;
      for (let k = 0; k < channels; k++) {
        const pos = row + tile.channelPositive[k];
        const neg = row + tile.channelNegative[k];
        let current = currents[pos] - currents[neg];
        if (currentVariance) {
          const z = noise!.normals[noiseBase + noise!.readOffset[t] + k];
          current += reference >= 0 ? Math.sqrt(currentVariance[pos]) * z - referenceNoise : Math.sqrt(currentVariance[pos] + currentVariance[neg]) * z;
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

/** Columns [start, start + count) of a rows x stride row-major matrix, as a rows x count matrix. */
function gatherColumns(values: Float64Array, stride: number, start: number, count: number, rows: number): Float64Array {
  const out = new Float64Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * stride + start, r * stride + start + count), r * count);
  return out;
}
