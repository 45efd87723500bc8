import { type FrontTree, buildFrontTree } from './front-tree.js';
import { type NodalLayout, nodalLayout } from './layout.js';
import {
  type NumericFactorization,
  type SolveMask,
  type SymbolicFactorization,
  analyse,
  factorize,
  solveFactored,
  solveMask,
} from './multifrontal.js';
import {
  type CrossbarNetwork,
  CircuitInputError,
  effectiveCellConductances,
  inputBatchSize,
  validateNetwork,
} from './network.js';
import { type NodalSystem, assembleNodalSystem, columnCurrents, residual, rightHandSides } from './nodal-system.js';

/**
 * Exact IR-drop solver.
 *
 * Why a sparse direct factorization: the nodal matrix is symmetric positive definite, so Cholesky
 * needs no pivoting and cannot fail for physical inputs (positive resistances and conductances),
 * whatever the wire resistance; its cost does not depend on how strong the IR drop is. Iterative
 * solvers (CrossSim's relaxation, or conjugate gradients) slow down or stall exactly when the wire
 * resistance is large compared with the cells, the case users care about. The factorization is done
 * once per programmed array and reused for every input vector, many at a time (batched right-hand
 * sides), which is what inference needs. The fill-reducing order is a nested dissection that uses
 * the crossbar's geometry (see front-tree.ts): O(n^3) to factor and O(n^2 log n) per vector for an
 * n x n array.
 *
 * Only the column currents are wanted and the inputs enter only at the row drivers, so a solve visits
 * only the fronts on the paths between those nodes and the root (solveMask): about a tenth of the
 * factor. The wanted outputs get exactly the operations of a full solve.
 *
 * Residual check: the relative residual ||b - A x||_2 / ||b||_2 must be below `residualTolerance`
 * (default 1e-10; about 1e-15 is reached in practice). Every call to `solve` solves its first input
 * vector in full (all node voltages) and checks it; the other vectors go through the same
 * factorization with the same operations. If that check fails (it never did for physical inputs),
 * or with `verifyEveryVector`, every vector is solved in full, checked and iteratively refined.
 * The achieved value is reported.
 */
export const DEFAULT_RESIDUAL_TOLERANCE = 1e-10;

export interface CircuitSolveOptions {
  /** Largest accepted relative residual ||b - A x|| / ||b|| per input vector (default 1e-10). */
  readonly residualTolerance?: number;
  /** Most iterative-refinement steps before giving up with an error (default 3). */
  readonly maxRefinements?: number;
  /** Solve every vector in full and check its residual (slower; default: check the first vector of each call). */
  readonly verifyEveryVector?: boolean;
}

export interface CircuitSolution {
  /** Column currents in amperes, B x N row-major: the current flowing into each column's sense amplifier. */
  readonly currents: Float64Array;
  readonly batch: number;
  /** Largest relative residual over the checked vectors, after refinement. */
  readonly maxRelativeResidual: number;
  /** Iterative-refinement steps taken (0 almost always). */
  readonly refinements: number;
}

/** Thrown when the residual tolerance cannot be met (should not happen for physical inputs). */
export class CircuitSolveError extends Error {
  override readonly name = 'CircuitSolveError';
}

/** Bytes of right-hand-side block per batch chunk (node-major blocks of several vectors). */
const CHUNK_ENTRIES = 1 << 23;

/** A programmed array, factorized once; solve any number of input vectors with it. */
export class CrossbarFactorization {
  readonly network: CrossbarNetwork;
  readonly layout: NodalLayout;
  readonly system: NodalSystem;
  readonly tree: FrontTree;
  readonly symbolic: SymbolicFactorization;
  readonly numeric: NumericFactorization;
  /** Fronts visited when only the column currents are wanted. */
  readonly outputMask: SolveMask;
  private readonly tolerance: number;
  private readonly maxRefinements: number;
  private readonly verifyEveryVector: boolean;

  constructor(network: CrossbarNetwork, options: CircuitSolveOptions = {}) {
    validateNetwork(network);
    this.network = network;
    this.tolerance = options.residualTolerance ?? DEFAULT_RESIDUAL_TOLERANCE;
    this.maxRefinements = options.maxRefinements ?? 3;
    this.verifyEveryVector = options.verifyEveryVector ?? false;
    this.layout = nodalLayout(network);
    this.system = assembleNodalSystem(network, this.layout, effectiveCellConductances(network));
    this.tree = buildFrontTree(this.layout);
    this.symbolic = analyse(this.system, this.tree);
    this.numeric = factorize(this.symbolic, this.system);
    this.outputMask = solveMask(this.symbolic, this.system.sourceNode, this.system.outputNode);
  }

  /** Column currents for B input vectors (B x M volts, row-major) into B x N amperes. */
  solve(inputs: Float64Array): CircuitSolution {
    const batch = inputBatchSize(this.network, inputs);
    const currents = new Float64Array(batch * this.network.cols);
    const n = this.system.size;
    // the first vector in full, with the residual check
    const probe = this.solveNodes(inputs, 0, 1);
    let maxRelativeResidual = probe.maxRelativeResidual;
    let refinements = probe.refinements;
    const full = this.verifyEveryVector || refinements > 0;
    columnCurrents(this.system, probe.voltages, inputs, 0, 1, currents);
    const chunk = Math.max(1, Math.min(batch, Math.floor(CHUNK_ENTRIES / Math.max(n, 1))));
    for (let first = 1; first < batch; first += chunk) {
      const count = Math.min(chunk, batch - first);
      if (full) {
        const result = this.solveNodes(inputs, first, count);
        maxRelativeResidual = Math.max(maxRelativeResidual, result.maxRelativeResidual);
        refinements = Math.max(refinements, result.refinements);
        columnCurrents(this.system, result.voltages, inputs, first, count, currents);
      } else {
        const x = rightHandSides(this.system, inputs, first, count);
        solveFactored(this.numeric, x, count, this.outputMask);
        columnCurrents(this.system, x, inputs, first, count, currents);
      }
    }
    return { currents, batch, maxRelativeResidual, refinements };
  }

  /**
   * Node voltages (volts, node-major: x[v * count + t]) for input vectors first .. first+count-1,
   * with the residual check and refinement.
   */
  solveNodes(inputs: Float64Array, first: number, count: number): { voltages: Float64Array; maxRelativeResidual: number; refinements: number } {
    const b = rightHandSides(this.system, inputs, first, count);
    const x = b.slice();
    solveFactored(this.numeric, x, count);
    const r = new Float64Array(b.length);
    let refinements = 0;
    let worst = this.relativeResidual(x, b, count, r);
    while (worst > this.tolerance) {
      if (refinements >= this.maxRefinements) {
        throw new CircuitSolveError(`relative residual ${worst.toExponential(2)} above the tolerance ${this.tolerance} after ${refinements} refinement steps`);
      }
      solveFactored(this.numeric, r, count);
      for (let e = 0; e < x.length; e++) x[e] += r[e];
      refinements++;
      worst = this.relativeResidual(x, b, count, r);
    }
    return { voltages: x, maxRelativeResidual: worst, refinements };
  }

  /** Largest ||b - A x|| / ||b|| over the vectors of a node-major block; leaves b - A x in `r`. */
  private relativeResidual(x: Float64Array, b: Float64Array, count: number, r: Float64Array): number {
    residual(this.system, x, b, count, r);
    let worst = 0;
    for (let t = 0; t < count; t++) {
      let rr = 0;
      let bb = 0;
      for (let e = t; e < b.length; e += count) {
        rr += r[e] * r[e];
        bb += b[e] * b[e];
      }
      const relative = bb > 0 ? Math.sqrt(rr / bb) : Math.sqrt(rr);
      if (relative > worst || Number.isNaN(relative)) worst = Number.isNaN(relative) ? Infinity : relative;
    }
    return worst;
  }
}

/** Factorizes `network` (once per programmed array). */
export function factorCrossbar(network: CrossbarNetwork, options?: CircuitSolveOptions): CrossbarFactorization {
  return new CrossbarFactorization(network, options);
}

/** Column currents with wire resistance for B input vectors (B x M volts) into B x N amperes. */
export function solveCrossbar(network: CrossbarNetwork, inputs: Float64Array, options?: CircuitSolveOptions): CircuitSolution {
  if (inputs.length === 0) throw new CircuitInputError('no input vectors');
  return factorCrossbar(network, options).solve(inputs);
}
