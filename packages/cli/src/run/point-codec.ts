import type { Cell, PointResult } from '@xbar/session';

/** A cell as JSON: non-finite numbers (NaN, ±Infinity), which JSON cannot hold, as `{ nonFinite: "NaN" }`. */
type JsonCell = string | number | { readonly nonFinite: string };

interface EncodedTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly JsonCell[])[];
}

/** A point's results as a JSON value (for the sweep checkpoint). */
export type EncodedPointResult = readonly (EncodedTable & { readonly dac?: EncodedTable; readonly warnings?: readonly string[] })[];

/** The point's results as a JSON value that `decodePointResult` turns back into the same bits. */
export function encodePointResult(result: PointResult): EncodedPointResult {
  return result.map(({ columns, rows, dac, warnings }) => ({
    ...encodeTable(columns, rows),
    ...(dac ? { dac: encodeTable(dac.columns, dac.rows) } : {}),
    ...(warnings ? { warnings } : {}),
  }));
}

export function decodePointResult(encoded: EncodedPointResult): PointResult {
  return encoded.map(({ columns, rows, dac, warnings }) => ({
    ...decodeTable({ columns, rows }),
    ...(dac ? { dac: decodeTable(dac) } : {}),
    ...(warnings ? { warnings: [...warnings] } : {}),
  }));
}

function encodeTable(columns: readonly string[], rows: readonly (readonly Cell[])[]): EncodedTable {
  return { columns, rows: rows.map((row) => row.map((cell) => (typeof cell === 'number' && !Number.isFinite(cell) ? { nonFinite: String(cell) } : cell))) };
}

function decodeTable(encoded: EncodedTable): { columns: string[]; rows: Cell[][] } {
  return { columns: [...encoded.columns], rows: encoded.rows.map((row) => row.map((cell): Cell => (typeof cell === 'object' ? Number(cell.nonFinite) : cell))) };
}
