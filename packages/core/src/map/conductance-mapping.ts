import type { Matrix } from '../tensor/matrix.js';

/** `channelNegative` value meaning "the tile's reference column" (offset scheme). */
export const REFERENCE_COLUMN = -1;

/**
 * A weight matrix mapped to conductance targets on logical columns, before tiling.
 *
 * Every logical column belongs to one channel. A channel is one analog difference read by one ADC:
 * current(positive column) - current(negative column or reference column). The layer output is
 * y[o] = sum over the channels c of output o of gain[c] * (I_pos - I_neg) * (inputRange / readVoltage),
 * i.e. W[o, i] = sum_c gain[c] (G[i, pos_c] - G[i, neg_c]).
 */
export interface ConductanceMapping {
  /** Crossbar rows: the layer's inputs. */
  readonly inputs: number;
  /** The layer's outputs. */
  readonly outputs: number;
  /** Logical columns (reference columns not included; the tiler adds one per tile). */
  readonly columns: number;
  /** Target conductances in siemens, inputs x columns, row-major. */
  readonly targets: Float64Array;
  /** Output index of each channel. */
  readonly channelOutput: Int32Array;
  /** Positive column of each channel. */
  readonly channelPositive: Int32Array;
  /** Negative column of each channel, or REFERENCE_COLUMN. */
  readonly channelNegative: Int32Array;
  /** Weight units per siemens of column difference, per channel. */
  readonly channelGain: Float64Array;
  /** Conductance of the reference column in siemens (offset scheme), else undefined. */
  readonly referenceSiemens: number | undefined;
  /** The weight magnitude mapped to the full conductance window, per output (equal for a per-layer scale). */
  readonly weightScale: Float64Array;
  /** The weights as mapped (after clipping and, for N-ary, quantization): outputs x inputs. */
  readonly mappedWeights: Matrix;
}

/** Clips w to [-scale, scale]. */
export function clipWeight(w: number, scale: number): number {
  return w > scale ? scale : w < -scale ? -scale : w;
}
