import type { CrossbarNetwork } from './network.js';

/**
 * How one side of the array (the rows, or the columns) enters the nodal system:
 * - `chain`: the wire has resistance; every cell has its own node on it (M x N nodes per side).
 * - `lumped`: the wire is ideal (0 ohm segments) but its end is not (source or sense resistance):
 *   the whole wire is one node.
 * - `known`: wire and end are ideal: every node of the wire is at a known voltage (V_i on row i,
 *   0 V on every column) and is not an unknown at all.
 * Zero resistances are handled exactly by this node merging, never by tiny resistors.
 */
export type LineMode = 'chain' | 'lumped' | 'known';

/** Numbering of the unknown node voltages of a network. */
export interface NodalLayout {
  readonly rows: number;
  readonly cols: number;
  readonly rowMode: LineMode;
  readonly colMode: LineMode;
  /** Number of unknowns. */
  readonly unknowns: number;
  /** First index of the column-side unknowns (row-side unknowns are 0 .. colOffset-1). */
  readonly colOffset: number;
}

export function lineModes(network: CrossbarNetwork): { rowMode: LineMode; colMode: LineMode } {
  const r = network.resistances;
  const rowMode: LineMode = r.rowSegmentOhms > 0 ? 'chain' : r.sourceOhms > 0 ? 'lumped' : 'known';
  const colMode: LineMode = r.columnSegmentOhms > 0 ? 'chain' : r.senseOhms > 0 ? 'lumped' : 'known';
  return { rowMode, colMode };
}

function sideCount(mode: LineMode, lines: number, cellsPerLine: number): number {
  return mode === 'chain' ? lines * cellsPerLine : mode === 'lumped' ? lines : 0;
}

export function nodalLayout(network: CrossbarNetwork): NodalLayout {
  const { rows, cols } = network;
  const { rowMode, colMode } = lineModes(network);
  const colOffset = sideCount(rowMode, rows, cols);
  return { rows, cols, rowMode, colMode, colOffset, unknowns: colOffset + sideCount(colMode, cols, rows) };
}

/** Unknown index of the row-wire node at cell (i,j), or -1 when it is at the known voltage V_i. */
export function rowNode(layout: NodalLayout, i: number, j: number): number {
  return layout.rowMode === 'chain' ? i * layout.cols + j : layout.rowMode === 'lumped' ? i : -1;
}

/** Unknown index of the column-wire node at cell (i,j), or -1 when it is at 0 V (virtual ground). */
export function colNode(layout: NodalLayout, i: number, j: number): number {
  return layout.colMode === 'chain'
    ? layout.colOffset + i * layout.cols + j
    : layout.colMode === 'lumped'
      ? layout.colOffset + j
      : -1;
}

/** Per cell c = i * cols + j: the unknown index of its row-wire node and of its column-wire node (-1 when known). */
export function cellNodes(layout: NodalLayout): { readonly row: Int32Array; readonly col: Int32Array } {
  const { rows, cols } = layout;
  const row = new Int32Array(rows * cols);
  const col = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      row[i * cols + j] = rowNode(layout, i, j);
      col[i * cols + j] = colNode(layout, i, j);
    }
  }
  return { row, col };
}
