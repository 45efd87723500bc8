import { type LineMode, lineModes } from './layout.js';
import { type CrossbarNetwork, effectiveCellConductances, inputBatchSize, validateNetwork } from './network.js';

/**
 * Fast approximate IR-drop mode: alternating line relaxation, O(M N) per sweep and input vector,
 * no factorization.
 *
 * Each sweep first solves every row wire exactly (a tridiagonal chain) with the column wires held at
 * their current estimate (0 V at the start), then every column wire exactly with the row wires held.
 * This is block Gauss-Seidel on the SPD nodal system with whole wires as blocks, so unlike point
 * relaxation it converges monotonically in the energy norm and cannot diverge; what it leaves out is
 * the feedback between rows and columns beyond `sweeps` rounds. Its error against the exact solver
 * is measured in docs/ir-drop.md (and bounded in the tests).
 */
export interface ApproximateOptions {
  /** Row-then-column sweeps (default 2). */
  readonly sweeps?: number;
}

export const DEFAULT_APPROXIMATE_SWEEPS = 2;

/**
 * Solves one wire: nodes 0..len-1 joined by conductance gSegment; node k tied to a fixed potential
 * through cellG[k] (potential cellV[k]); end conductances gStart (to vStart at node 0) and gEnd
 * (to vEnd at node len-1). Thomas algorithm; result in out, scratch of length len.
 */
function solveWire(
  len: number,
  gSegment: number,
  cellG: Float64Array,
  cellV: Float64Array,
  gStart: number,
  vStart: number,
  gEnd: number,
  vEnd: number,
  out: Float64Array,
  scratch: Float64Array,
): void {
  // forward elimination: out holds the modified right-hand side, scratch the modified diagonal
  for (let k = 0; k < len; k++) {
    let diag = cellG[k] + (k > 0 ? gSegment : 0) + (k + 1 < len ? gSegment : 0);
    let rhs = cellG[k] * cellV[k];
    if (k === 0) {
      diag += gStart;
      rhs += gStart * vStart;
    }
    if (k === len - 1) {
      diag += gEnd;
      rhs += gEnd * vEnd;
    }
    if (k > 0) {
      const factor = gSegment / scratch[k - 1];
      diag -= factor * gSegment;
      rhs += factor * out[k - 1];
    }
    scratch[k] = diag;
    out[k] = rhs;
  }
  for (let k = len - 1; k >= 0; k--) {
    const next = k + 1 < len ? gSegment * out[k + 1] : 0;
    out[k] = (out[k] + next) / scratch[k];
  }
}

/** Voltage of a lumped wire (one node): sum of conductance-weighted potentials over total conductance. */
function lumped(len: number, cellG: Float64Array, cellV: Float64Array, gEnds: number, vEnds: number): number {
  let g = gEnds;
  let i = gEnds * vEnds;
  for (let k = 0; k < len; k++) {
    g += cellG[k];
    i += cellG[k] * cellV[k];
  }
  return i / g;
}

function setWire(mode: LineMode, len: number, solveChain: () => void, solveLumped: () => number, known: number, out: Float64Array): void {
  if (mode === 'chain') solveChain();
  else out.fill(mode === 'lumped' ? solveLumped() : known, 0, len);
}

/** Approximate column currents (B x N amperes) for B input vectors (B x M volts). */
export function approximateColumnCurrents(network: CrossbarNetwork, inputs: Float64Array, options: ApproximateOptions = {}): Float64Array {
  validateNetwork(network);
  const batch = inputBatchSize(network, inputs);
  const sweeps = options.sweeps ?? DEFAULT_APPROXIMATE_SWEEPS;
  const { rows: m, cols: n } = network;
  const r = network.resistances;
  const { rowMode, colMode } = lineModes(network);
  const g = effectiveCellConductances(network);
  const bothSides = network.drive === 'both-sides';
  const gRow = rowMode === 'chain' ? 1 / r.rowSegmentOhms : 0;
  const gDrive = rowMode === 'chain' ? 1 / (r.sourceOhms + r.rowSegmentOhms) : rowMode === 'lumped' ? 1 / r.sourceOhms : 0;
  const gCol = colMode === 'chain' ? 1 / r.columnSegmentOhms : 0;
  const gSense = colMode === 'chain' ? 1 / (r.columnSegmentOhms + r.senseOhms) : colMode === 'lumped' ? 1 / r.senseOhms : 0;

  const rowV = new Float64Array(m * n); // row-wire node voltages, row-major
  const colV = new Float64Array(m * n); // column-wire node voltages, row-major
  const lineG = new Float64Array(Math.max(m, n));
  const lineV = new Float64Array(Math.max(m, n));
  const lineOut = new Float64Array(Math.max(m, n));
  const scratch = new Float64Array(Math.max(m, n));
  const out = new Float64Array(batch * n);

  for (let b = 0; b < batch; b++) {
    colV.fill(0);
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let i = 0; i < m; i++) {
        const vi = inputs[b * m + i];
        for (let j = 0; j < n; j++) {
          lineG[j] = g[i * n + j];
          lineV[j] = colV[i * n + j];
        }
        setWire(
          rowMode,
          n,
          () => solveWire(n, gRow, lineG, lineV, gDrive, vi, bothSides ? gDrive : 0, vi, lineOut, scratch),
          () => lumped(n, lineG, lineV, (bothSides ? 2 : 1) * gDrive, vi),
          vi,
          lineOut,
        );
        for (let j = 0; j < n; j++) rowV[i * n + j] = lineOut[j];
      }
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < m; i++) {
          lineG[i] = g[i * n + j];
          lineV[i] = rowV[i * n + j];
        }
        // the column chain runs from row 0 (top) to row M-1, read at its row-(M-1) end
        setWire(
          colMode,
          m,
          () => solveWire(m, gCol, lineG, lineV, 0, 0, gSense, 0, lineOut, scratch),
          () => lumped(m, lineG, lineV, gSense, 0),
          0,
          lineOut,
        );
        for (let i = 0; i < m; i++) colV[i * n + j] = lineOut[i];
      }
    }
    for (let j = 0; j < n; j++) {
      if (colMode === 'known') {
        let s = 0;
        for (let i = 0; i < m; i++) s += g[i * n + j] * rowV[i * n + j];
        out[b * n + j] = s;
      } else {
        out[b * n + j] = gSense * colV[(m - 1) * n + j];
      }
    }
  }
  return out;
}
