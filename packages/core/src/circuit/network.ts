import type { Amperes, Ohms, Siemens, Volts } from '../units.js';

/**
 * Which ends of each row wire are driven. `one-side`: the driver sits at the column-0 end of row i;
 * `both-sides`: the same voltage V_i is also applied at the column-(N-1) end (through its own source
 * resistance and first segment).
 */
export type RowDrive = 'one-side' | 'both-sides';

/** Wire and periphery resistances of a crossbar, in ohms (all >= 0; 0 means an ideal wire / source / virtual ground). */
export interface CrossbarResistances {
  /** One row wire segment (driver to cell (i,0), and between neighbouring cells of a row), in ohms. */
  readonly rowSegmentOhms: Ohms;
  /** One column wire segment (between neighbouring cells of a column, and below cell (M-1,j)), in ohms. */
  readonly columnSegmentOhms: Ohms;
  /** Series resistance of each row driver, in ohms. */
  readonly sourceOhms: Ohms;
  /** Input resistance of each column's sense amplifier, in ohms (0 = virtual ground). */
  readonly senseOhms: Ohms;
  /** Series resistance of each cell's access transistor (1T1R), in ohms; 0 or absent = none. */
  readonly accessOhms?: Ohms;
}

/** Resistances of an ideal array: every wire, source and sense amplifier is a short. */
export const IDEAL_RESISTANCES: CrossbarResistances = { rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 0, senseOhms: 0 };

/**
 * One programmed M x N crossbar as a circuit. Row i is an input line driven at its column-0 end by
 * V_i (through `sourceOhms`, then one `rowSegmentOhms` segment to cell (i,0)); column j is an output
 * line read at its row-(M-1) end (one `columnSegmentOhms` segment below cell (M-1,j), then
 * `senseOhms`) into a virtual ground. Cell (i,j) connects row node (i,j) to column node (i,j).
 * See docs/ir-drop.md for the drawing.
 */
export interface CrossbarNetwork {
  /** Rows M (input lines). */
  readonly rows: number;
  /** Columns N (output lines). */
  readonly cols: number;
  /** Cell conductances in siemens, row-major M x N: element i*N + j is cell (i,j). */
  readonly conductances: Float64Array;
  readonly resistances: CrossbarResistances;
  /** Driven ends of the row wires (default `one-side`). */
  readonly drive?: RowDrive;
}

/** A nonlinear cell I-V: the current through a cell of low-bias conductance g (siemens) under v volts. */
export type CellCurrent = (conductanceSiemens: Siemens, voltage: Volts) => Amperes;

/** Thrown for an inconsistent network or input (sizes, negative resistances, non-finite values). */
export class CircuitInputError extends Error {
  override readonly name = 'CircuitInputError';
}

/** Checks sizes and values of a network; throws `CircuitInputError` with a clear message. */
export function validateNetwork(network: CrossbarNetwork): void {
  const { rows, cols, conductances, resistances } = network;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new CircuitInputError(`array size must be positive integers, got ${rows} x ${cols}`);
  }
  if (conductances.length !== rows * cols) {
    throw new CircuitInputError(`conductances has ${conductances.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
  }
  for (let k = 0; k < conductances.length; k++) {
    const g = conductances[k];
    if (!(g >= 0) || !Number.isFinite(g)) {
      throw new CircuitInputError(`conductance of cell (${Math.floor(k / cols)},${k % cols}) is ${g}: conductances must be finite and >= 0 S`);
    }
  }
  const named: [string, number | undefined][] = [
    ['rowSegmentOhms', resistances.rowSegmentOhms],
    ['columnSegmentOhms', resistances.columnSegmentOhms],
    ['sourceOhms', resistances.sourceOhms],
    ['senseOhms', resistances.senseOhms],
    ['accessOhms', resistances.accessOhms],
  ];
  for (const [name, value] of named) {
    if (value === undefined && name === 'accessOhms') continue;
    if (value === undefined || !(value >= 0) || !Number.isFinite(value)) {
      throw new CircuitInputError(`${name} must be a finite resistance >= 0 ohm, got ${value}`);
    }
  }
}

/** Checks that `inputs` holds `batch` vectors of length `rows`; returns the batch size. */
export function inputBatchSize(network: CrossbarNetwork, inputs: Float64Array): number {
  if (inputs.length % network.rows !== 0 || inputs.length === 0) {
    throw new CircuitInputError(`inputs has ${inputs.length} values, not a multiple of the ${network.rows} rows`);
  }
  for (let k = 0; k < inputs.length; k++) {
    if (!Number.isFinite(inputs[k])) throw new CircuitInputError(`input ${k} is ${inputs[k]}: inputs must be finite volts`);
  }
  return inputs.length / network.rows;
}

/**
 * The effective linear conductance of each cell in siemens: the cell in series with its access
 * resistance, 1 / (1/G + r_access) (0 for an open cell).
 */
export function effectiveCellConductances(network: CrossbarNetwork): Float64Array {
  const access = network.resistances.accessOhms ?? 0;
  const out = new Float64Array(network.conductances.length);
  for (let k = 0; k < out.length; k++) {
    const g = network.conductances[k];
    out[k] = access > 0 && g > 0 ? g / (1 + g * access) : g;
  }
  return out;
}

/**
 * Ideal MVM, every resistance ignored: I_j = sum_i V_i G_ij for each of the `batch` input vectors
 * (B x M volts, row-major) into B x N amperes. Uses the raw cell conductances (no access resistance).
 */
export function idealColumnCurrents(network: CrossbarNetwork, inputs: Float64Array): Float64Array {
  const batch = inputBatchSize(network, inputs);
  const { rows, cols, conductances } = network;
  const out = new Float64Array(batch * cols);
  for (let b = 0; b < batch; b++) {
    const outOffset = b * cols;
    for (let i = 0; i < rows; i++) {
      const v = inputs[b * rows + i];
      if (v === 0) continue;
      const rowOffset = i * cols;
      for (let j = 0; j < cols; j++) out[outOffset + j] += v * conductances[rowOffset + j];
    }
  }
  return out;
}

/**
 * Differential or reference-column read-out from column currents: for each pair (plus, minus) the
 * current I_plus - I_minus, per batch row. Use pairs (2k, 2k+1) for differential columns, or
 * (j, ref) for a shared reference column.
 */
export function subtractColumns(
  currents: Float64Array,
  cols: number,
  pairs: readonly (readonly [number, number])[],
): Float64Array {
  const batch = currents.length / cols;
  const out = new Float64Array(batch * pairs.length);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < pairs.length; p++) {
      const [plus, minus] = pairs[p];
      out[b * pairs.length + p] = currents[b * cols + plus] - currents[b * cols + minus];
    }
  }
  return out;
}
