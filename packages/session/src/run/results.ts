import type { TileColumnCurrents } from '@xbar/core';
/** A cell of a result table: a number (SI units, or as the column name says) or text. */
export type Cell = string | number;

/** A small table beside a result: its columns and rows. */
export interface SubTable {
  readonly columns: readonly string[];
  readonly rows: Cell[][];
}

/** What one analysis card gives at one `.step` point: its columns and rows. */
export interface AnalysisRows {
  readonly columns: string[];
  readonly rows: Cell[][];
  /** `.mvm mode=ir`: a tile's column currents with and without IR drop, for the report (not a table column). */
  readonly columnCurrents?: TileColumnCurrents;
  /** Per weight layer of the workload: its DAC input range and the inputs the DAC clips (DAC_COLUMNS). */
  readonly dac?: SubTable;
  /** What the result leaves out of what the netlist asks for, or where the hardware saturates. */
  readonly warnings?: readonly string[];
}

/** The result of one analysis card (all `.step` points): named columns, one row per result. */
export interface ResultTable {
  /** The card kind: mvm, mc, mse, accuracy, optimize, compare. */
  readonly kind: string;
  /** Position of the card among the netlist's analyses (0-based), and its line. */
  readonly index: number;
  readonly line: number;
  /** One-line description of the card, e.g. ".accuracy net=mlp (line 12)". */
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: Cell[][];
  /** What the card estimates, to pair `.mse` with `.mc` in the report (see errorEstimateKey). */
  readonly estimateKey?: string;
  /** The card's workload, e.g. `net=mlp` or `array=tile weights=W` (to tell cards apart in shared plots). */
  readonly workload: string;
  /** Without `.step`: the card's column currents with and without IR drop (see AnalysisRows). */
  readonly columnCurrents?: TileColumnCurrents;
  /** The DAC of every weight layer (rows start with the `.step` values, as in `rows`). */
  readonly dac?: SubTable;
  /** Warnings of every point, each once (with the points it holds at, when not all). */
  readonly warnings: readonly string[];
}
