import { type ConductanceMapping, REFERENCE_COLUMN } from '../map/conductance-mapping.js';

/** Largest array side accepted, to refuse absurd sizes before allocating. */
export const MAX_ARRAY_SIDE = 65536;

/**
 * One physical array holding a block of a mapped layer: input rows [rowStart, rowStart + rowCount)
 * and a group of whole channels (a channel's columns never straddle two tiles, since they are
 * subtracted in analog). Partial sums of tiles that share channels' outputs are added digitally.
 */
export interface Tile {
  /** First layer input (crossbar row) on this tile. */
  readonly rowStart: number;
  /** Rows used (<= array rows). */
  readonly rowCount: number;
  /** Columns used (<= array cols), including the reference column if any. */
  readonly cols: number;
  /** Target conductances in siemens, rowCount x cols, row-major. */
  readonly targets: Float64Array;
  /** Layer output of each channel on this tile. */
  readonly channelOutput: Int32Array;
  /** Local positive column of each channel. */
  readonly channelPositive: Int32Array;
  /** Local negative (or reference) column of each channel. */
  readonly channelNegative: Int32Array;
  /** Weight units per siemens, per channel. */
  readonly channelGain: Float64Array;
  /** Local index of the reference column, or -1. */
  readonly referenceColumn: number;
}

/** A mapped layer split over arrays of rows x cols. */
export interface TiledLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly arrayRows: number;
  readonly arrayCols: number;
  /** Row-block-major: tiles[r * columnTiles + c]. */
  readonly tiles: readonly Tile[];
  readonly rowTiles: number;
  readonly columnTiles: number;
}

/**
 * Splits a mapping over arrays of `arrayRows` x `arrayCols`: inputs in blocks of arrayRows (the last
 * block holds the remainder), channels packed whole into column blocks; with the offset scheme every
 * tile reserves one column for its reference.
 */
export function tileMapping(mapping: ConductanceMapping, arrayRows: number, arrayCols: number): TiledLayer {
  for (const [name, value] of [['rows', arrayRows], ['cols', arrayCols]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_ARRAY_SIDE) {
      throw new RangeError(`array ${name} must be a whole number in [1, ${MAX_ARRAY_SIDE}], got ${value}`);
    }
  }
  const usesReference = mapping.referenceSiemens !== undefined;
  const channelWidth = usesReference ? 1 : 2;
  const capacity = arrayCols - (usesReference ? 1 : 0);
  const channelsPerTile = Math.floor(capacity / channelWidth);
  if (channelsPerTile < 1) {
    throw new RangeError(
      `an array of ${arrayCols} columns cannot hold one channel of this mapping (needs ${channelWidth + (usesReference ? 1 : 0)} columns)`,
    );
  }
  const channelCount = mapping.channelGain.length;
  const rowTiles = Math.max(1, Math.ceil(mapping.inputs / arrayRows));
  const columnTiles = Math.max(1, Math.ceil(channelCount / channelsPerTile));
  const tiles: Tile[] = [];
  for (let r = 0; r < rowTiles; r++) {
    const rowStart = r * arrayRows;
    const rowCount = Math.min(arrayRows, mapping.inputs - rowStart);
    for (let t = 0; t < columnTiles; t++) {
      const first = t * channelsPerTile;
      const count = Math.min(channelsPerTile, channelCount - first);
      tiles.push(buildTile(mapping, rowStart, rowCount, first, count, channelWidth, usesReference));
    }
  }
  return { inputs: mapping.inputs, outputs: mapping.outputs, arrayRows, arrayCols, tiles, rowTiles, columnTiles };
}

function buildTile(
  mapping: ConductanceMapping,
  rowStart: number,
  rowCount: number,
  firstChannel: number,
  channelCount: number,
  channelWidth: number,
  usesReference: boolean,
): Tile {
  const cols = channelCount * channelWidth + (usesReference ? 1 : 0);
  const referenceColumn = usesReference ? cols - 1 : -1;
  const targets = new Float64Array(rowCount * cols);
  const channelOutput = new Int32Array(channelCount);
  const channelPositive = new Int32Array(channelCount);
  const channelNegative = new Int32Array(channelCount);
  const channelGain = new Float64Array(channelCount);
  for (let k = 0; k < channelCount; k++) {
    const c = firstChannel + k;
    channelOutput[k] = mapping.channelOutput[c];
    channelGain[k] = mapping.channelGain[c];
    channelPositive[k] = k * channelWidth;
    channelNegative[k] = mapping.channelNegative[c] === REFERENCE_COLUMN ? referenceColumn : k * channelWidth + 1;
    for (let i = 0; i < rowCount; i++) {
      const source = (rowStart + i) * mapping.columns;
      targets[i * cols + channelPositive[k]] = mapping.targets[source + mapping.channelPositive[c]];
      if (mapping.channelNegative[c] !== REFERENCE_COLUMN) {
        targets[i * cols + channelNegative[k]] = mapping.targets[source + mapping.channelNegative[c]];
      }
    }
  }
  if (usesReference) {
    for (let i = 0; i < rowCount; i++) targets[i * cols + referenceColumn] = mapping.referenceSiemens!;
  }
  return { rowStart, rowCount, cols, targets, channelOutput, channelPositive, channelNegative, channelGain, referenceColumn };
}
