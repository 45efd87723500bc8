import type { PointResult } from './run-netlist.js';
import type { Cell } from './results.js';

/** A cell as JSON: non-finite numbers (NaN, ±Infinity), which JSON cannot hold, as `{ nonFinite: "NaN" }`. */
type JsonCell = string | number | { readonly nonFinite: string };

/** A point's results as a JSON value (for the sweep checkpoint). */
export type EncodedPointResult = readonly { readonly columns: readonly string[]; readonly rows: readonly (readonly JsonCell[])[] }[];

/** The point's results as a JSON value that `decodePointResult` turns back into the same bits. */
export function encodePointResult(result: PointResult): EncodedPointResult {
  return result.map(({ columns, rows }) => ({
    columns,
    rows: rows.map((row) => row.map((cell) => (typeof cell === 'number' && !Number.isFinite(cell) ? { nonFinite: String(cell) } : cell))),
  }));
}

export function decodePointResult(encoded: EncodedPointResult): PointResult {
  return encoded.map(({ columns, rows }) => ({
    columns: [...columns],
    rows: rows.map((row) => row.map((cell): Cell => (typeof cell === 'object' ? Number(cell.nonFinite) : cell))),
  }));
}
