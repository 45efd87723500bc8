import { cellNodes } from './layout.js';
import { solveFactored } from './multifrontal.js';
import { type CrossbarNetwork, validateNetwork } from './network.js';
import { columnCurrents } from './nodal-system.js';
import { CrossbarFactorization, type CircuitSolveOptions } from './solver.js';

/**
 * An ohmic crossbar with its wires, linearized around its conductances: what the analytical MSE needs
 * to carry the IR drop and the cells' noise through the circuit.
 *
 * The circuit is linear in the row voltages V, so each cell c sees a voltage dV_c = sum_i U_ci V_i,
 * and the column currents are I = V G_eff. A change dG_c of one cell's conductance changes column
 * j's current, to first order, by
 *   dI_j = A_jc dV_c dG_c,
 * where A_jc is the voltage across cell c in the adjoint circuit of output j (the nodal matrix is
 * symmetric, so it is the same factorization: A x = c_j, c_j the tap of column j's sense current),
 * times the access transistor's d G_eff / d G. Without wires U is the identity on the cell's row and
 * A_jc = 1 for the cells of column j, 0 elsewhere: dI_j = V_i dG_ij.
 *
 * Costs rows + cols solves through one factorization (all node voltages).
 */
export interface WireSensitivities {
  readonly rows: number;
  readonly cols: number;
  /** rows x cols, row-major, siemens: the current into column j per volt on row i (`wiredConductanceMap`). */
  readonly effective: Float64Array;
  /** cells x rows, cell-major (cell c = i * cols + j): volts across cell c per volt on row i's driver. */
  readonly cellVoltage: Float64Array;
  /** cols x cells: d I_j / d G_c per volt across cell c (dimensionless): d I_j = adjoint[j * cells + c] dV_c dG_c. */
  readonly adjoint: Float64Array;
}

/** Node-major entries per block of right-hand sides. */
const BLOCK_ENTRIES = 1 << 22;

export function wireSensitivities(network: CrossbarNetwork, options: CircuitSolveOptions = {}): WireSensitivities {
  validateNetwork(network);
  const { rows, cols } = network;
  const cells = rows * cols;
  const factorization = new CrossbarFactorization(network, options);
  const { system, layout, numeric } = factorization;
  const n = system.size;
  const chunk = Math.max(1, Math.floor(BLOCK_ENTRIES / Math.max(1, n)));
  const { row: rowNodes, col: colNodes } = cellNodes(layout);

  // Forward: every row driven alone at 1 V.
  const identity = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) identity[i * rows + i] = 1;
  const effective = new Float64Array(rows * cols);
  const cellVoltage = new Float64Array(cells * rows);
  for (let first = 0; first < rows; first += chunk) {
    const count = Math.min(chunk, rows - first);
    const { voltages } = factorization.solveNodes(identity, first, count);
    columnCurrents(system, voltages, identity, first, count, effective);
    for (let c = 0; c < cells; c++) {
      const a = rowNodes[c];
      const b = colNodes[c];
      const i = Math.floor(c / cols);
      for (let t = 0; t < count; t++) {
        const vRow = a >= 0 ? voltages[a * count + t] : first + t === i ? 1 : 0;
        const vCol = b >= 0 ? voltages[b * count + t] : 0;
        cellVoltage[c * rows + first + t] = vRow - vCol;
      }
    }
  }

  // Adjoint: per column, the potentials of A x = c_j (c_j: column j's sense-current taps); a known
  // column node of column j (ideal wire into a virtual ground) counts as potential 1, known row nodes 0.
  const adjoint = new Float64Array(cols * cells);
  const access = network.resistances.accessOhms ?? 0;
  for (let first = 0; first < cols; first += chunk) {
    const count = Math.min(chunk, cols - first);
    const x = new Float64Array(n * count);
    for (let s = 0; s < system.outputNode.length; s++) {
      const t = system.outputColumn[s] - first;
      if (t >= 0 && t < count) x[system.outputNode[s] * count + t] += system.outputSiemens[s];
    }
    solveFactored(numeric, x, count);
    for (let c = 0; c < cells; c++) {
      const a = rowNodes[c];
      const b = colNodes[c];
      const j = c % cols;
      const g = network.conductances[c];
      const chain = access > 0 ? 1 / ((1 + g * access) * (1 + g * access)) : 1;
      for (let t = 0; t < count; t++) {
        const potentialRow = a >= 0 ? x[a * count + t] : 0;
        const potentialCol = b >= 0 ? x[b * count + t] : first + t === j ? 1 : 0;
        adjoint[(first + t) * cells + c] = (potentialCol - potentialRow) * chain;
      }
    }
  }
  return { rows, cols, effective, cellVoltage, adjoint };
}
