import { cellNodes } from './layout.js';
import { factorize, solveFactored } from './multifrontal.js';
import { type CellCurrent, type CrossbarNetwork, CircuitInputError, inputBatchSize } from './network.js';
import { type NodalSystem, assembleNodalSystem, columnCurrents, rightHandSides } from './nodal-system.js';
import { DEFAULT_RESIDUAL_TOLERANCE, factorCrossbar } from './solver.js';

/**
 * Nonlinear cells (an I-V from the device model, `DeviceInstance.current`) by Newton's method on
 * top of the linear solver: each iteration replaces every cell by its tangent conductance dI/dV
 * (central difference) at the present cell voltage, refactorizes the SPD Jacobian with the symbolic
 * analysis of the linear array (same sparsity), and takes a damped step (the step is halved until
 * the KCL residual decreases). It starts from the linear solution with the low-bias conductances.
 *
 * Converged when the KCL residual ||F(x)||_2 (amperes) is below `residualTolerance` times the norm
 * of the driver currents ||b||_2, the same relative measure as the linear solver.
 */
export interface NewtonOptions {
  /** Relative KCL residual to reach (default 1e-10). */
  readonly residualTolerance?: number;
  /** Most Newton iterations per input vector (default 50). */
  readonly maxIterations?: number;
}

export interface NewtonReport {
  /** Largest number of iterations over the batch. */
  readonly iterations: number;
  /** Whether every vector converged. */
  readonly converged: boolean;
  /** Largest final relative KCL residual over the batch. */
  readonly finalResidual: number;
}

export interface NonlinearSolution {
  /** Column currents, B x N amperes. */
  readonly currents: Float64Array;
  readonly report: NewtonReport;
}

function norm2(values: Float64Array): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k] * values[k];
  return Math.sqrt(s);
}

/** Column currents of an array of nonlinear cells (`current(g, v)`) for B input vectors (B x M volts). */
export function solveNonlinearCrossbar(
  network: CrossbarNetwork,
  current: CellCurrent,
  inputs: Float64Array,
  options: NewtonOptions = {},
): NonlinearSolution {
  if ((network.resistances.accessOhms ?? 0) > 0) {
    throw new CircuitInputError('nonlinear cells with an access resistance are not supported (the cell-transistor midpoint would be an extra node)');
  }
  const tolerance = options.residualTolerance ?? DEFAULT_RESIDUAL_TOLERANCE;
  const maxIterations = options.maxIterations ?? 50;
  const linear = factorCrossbar(network);
  const batch = inputBatchSize(network, inputs);
  const { rows: m, cols: n } = network;
  const layout = linear.layout;
  const cells = m * n;
  const { row: rowOf, col: colOf } = cellNodes(layout);
  // the wires alone (cells at 0 S): F(x) = A_wire x - b_wire + cell currents
  const wires: NodalSystem = assembleNodalSystem(network, layout, new Float64Array(cells));
  const size = wires.size;
  const cellCurrent = new Float64Array(cells);
  const cellSlope = new Float64Array(cells);
  const currents = new Float64Array(batch * n);
  let iterationsMax = 0;
  let allConverged = true;
  let worstResidual = 0;

  const cellVoltage = (x: Float64Array, v: Float64Array, c: number): number => {
    const i = Math.floor(c / n);
    const up = rowOf[c] >= 0 ? x[rowOf[c]] : v[i];
    const down = colOf[c] >= 0 ? x[colOf[c]] : 0;
    return up - down;
  };
  const evaluate = (x: Float64Array, v: Float64Array, bWire: Float64Array, f: Float64Array, withSlope: boolean): number => {
    // f = A_wire x - b_wire
    for (let a = 0; a < size; a++) {
      let s = wires.diagonal[a] * x[a] - bWire[a];
      for (let e = wires.rowStart[a]; e < wires.rowStart[a + 1]; e++) s += wires.offDiagonal[e] * x[wires.neighbour[e]];
      f[a] = s;
    }
    for (let c = 0; c < cells; c++) {
      const g = network.conductances[c];
      const vc = cellVoltage(x, v, c);
      const ic = current(g, vc);
      cellCurrent[c] = ic;
      if (withSlope) {
        const h = 1e-6 * Math.max(Math.abs(vc), 1e-3);
        cellSlope[c] = (current(g, vc + h) - current(g, vc - h)) / (2 * h);
      }
      if (rowOf[c] >= 0) f[rowOf[c]] += ic;
      if (colOf[c] >= 0) f[colOf[c]] -= ic;
    }
    return norm2(f);
  };

  for (let b = 0; b < batch; b++) {
    const v = inputs.subarray(b * m, (b + 1) * m);
    const x = linear.solveNodes(inputs, b, 1).voltages;
    const bWire = rightHandSides(wires, inputs, b, 1);
    // scale for the relative residual: the currents the drivers would inject into grounded rows
    const bLinear = rightHandSides(linear.system, inputs, b, 1);
    const scale = Math.max(norm2(bLinear), Number.MIN_VALUE);
    const f = new Float64Array(size);
    const trial = new Float64Array(size);
    const fTrial = new Float64Array(size);
    let residualNorm = evaluate(x, v, bWire, f, true);
    let iterations = 0;
    while (residualNorm > tolerance * scale && iterations < maxIterations) {
      iterations++;
      const jacobian = assembleNodalSystem(network, layout, cellSlope);
      const numeric = factorize(linear.symbolic, jacobian);
      const step = new Float64Array(size);
      for (let a = 0; a < size; a++) step[a] = -f[a];
      solveFactored(numeric, step, 1);
      let alpha = 1;
      let accepted = false;
      for (let halving = 0; halving < 30; halving++) {
        for (let a = 0; a < size; a++) trial[a] = x[a] + alpha * step[a];
        const trialNorm = evaluate(trial, v, bWire, fTrial, false);
        if (trialNorm < (1 - 1e-4 * alpha) * residualNorm || trialNorm <= tolerance * scale) {
          accepted = true;
          break;
        }
        alpha /= 2;
      }
      if (!accepted) break;
      x.set(trial);
      residualNorm = evaluate(x, v, bWire, f, true);
    }
    const relative = residualNorm / scale;
    const converged = relative <= tolerance;
    iterationsMax = Math.max(iterationsMax, iterations);
    allConverged &&= converged;
    worstResidual = Math.max(worstResidual, relative);
    // currents into the sense amplifiers: through the sense branch, plus cells on a grounded column
    columnCurrents(wires, x, inputs, b, 1, currents);
    if (layout.colMode === 'known') {
      for (let c = 0; c < cells; c++) currents[b * n + (c % n)] += cellCurrent[c];
    }
  }
  return { currents, report: { iterations: iterationsMax, converged: allConverged, finalResidual: worstResidual } };
}
