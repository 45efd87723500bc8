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
import { LineBlockPcg } from './iterative.js';
import { type CircuitMemory, DEFAULT_CIRCUIT_MEMORY_BYTES, estimateCircuitMemory, formatBytes } from './memory.js';
import { type NodalSystem, assembleNodalSystem, columnCurrents, residual, rightHandSides } from './nodal-system.js';

/**
 * Exact IR-drop solver: two exact methods on the same SPD nodal system, chosen by `solveCrossbar`.
 *
 * The sparse direct factorization (this class): the nodal matrix is symmetric positive definite, so
 * Cholesky needs no pivoting and cannot fail for physical inputs (positive resistances and
 * conductances), whatever the wire resistance; its cost does not depend on how strong the IR drop
 * is. It is done once per programmed array and reused for every input vector, many at a time
 * (batched right-hand sides), which is what inference needs; but it costs O(n^3) up front.
 *
 * Preconditioned conjugate gradients (iterative.ts): O(n^2) per iteration with no set-up beyond
 * O(n^2), converges on any SPD system (unlike CrossSim's relaxation, which can diverge), with an
 * iteration count that grows with the strength of the IR drop. For one or a few vectors on a large
 * array it is several times faster than factorizing; `solveCrossbar`'s `auto` policy (below) uses it
 * there, with a budget and a fallback to the factorization. The fill-reducing order is a nested dissection that uses
 * the crossbar's geometry (see front-tree.ts): O(n^3) to factor and O(n^2 log n) per vector for an
 * n x n array.
 *
 * Only the column currents are wanted and the inputs enter only at the row drivers, so a solve visits
 * only the fronts on the paths between those nodes and the root (solveMask): about a tenth of the
 * factor. The wanted outputs get exactly the operations of a full solve.
 *
 * Residual check: the normwise backward error ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf)
 * (LAPACK's measure, scaled to the system: the smallest relative change of A and b that makes x
 * exact) must be below `residualTolerance` (default 1e-10; about 1e-16 is reached in practice). A
 * badly conditioned system (wires of 1e10 ohms beside cells of 1e4 ohms) solved as well as floating
 * point allows passes, though its residual relative to b alone may not. Every call to `solve` solves its first input
 * vector in full (all node voltages) and checks it; the other vectors go through the same
 * factorization with the same operations. If that check fails (it never did for physical inputs),
 * or with `verifyEveryVector`, every vector is solved in full, checked and iteratively refined.
 * The achieved value is reported.
 */
export const DEFAULT_RESIDUAL_TOLERANCE = 1e-10;

export interface CircuitSolveOptions {
  /** Largest accepted residual per input vector (default 1e-10): the direct solver's backward error, PCG's ||b - A x|| / ||b||. */
  readonly residualTolerance?: number;
  /** Most iterative-refinement steps before giving up with an error (default 3). */
  readonly maxRefinements?: number;
  /** Solve every vector in full and check its residual (slower; default: check the first vector of each call). */
  readonly verifyEveryVector?: boolean;
  /** Called as input vectors are solved, with how many are done (for progress; changes no result). */
  readonly onProgress?: (vectorsSolved: number) => void;
  /**
   * Most bytes the solve may use, by its estimate before anything is allocated (estimateCircuitMemory;
   * default DEFAULT_CIRCUIT_MEMORY_BYTES): a factorization over it is refused, and `auto` solves take
   * conjugate gradients instead; a solve whose every method is over it is refused, naming both.
   */
  readonly maxMemoryBytes?: number;
}

/**
 * How `solveCrossbar` solves: `direct` = sparse Cholesky factorization (`factorCrossbar`);
 * `iterative` = preconditioned conjugate gradients (iterative.ts), an error if it does not converge
 * within `maxIterations`; `auto` (default) = PCG for a few vectors on an array that is not tiny,
 * falling back to the factorization when PCG exceeds its budget, the factorization otherwise.
 */
export type CircuitSolveMethod = 'auto' | 'direct' | 'iterative';

/** Options of `solveCrossbar`: those of the factorization plus the choice of method. */
export interface CrossbarSolveOptions extends CircuitSolveOptions {
  /** Default `auto`. */
  readonly method?: CircuitSolveMethod;
  /**
   * PCG iterations allowed for the whole call (all its vectors together). Default for `auto`: the
   * cost of one factorization counted in PCG iterations (`autoIterationBudget`); for `iterative`:
   * 20 times that.
   */
  readonly maxIterations?: number;
}

export interface CircuitSolution {
  /** Column currents in amperes, B x N row-major: the current flowing into each column's sense amplifier. */
  readonly currents: Float64Array;
  readonly batch: number;
  /** Largest residual over the checked vectors: the direct solver's backward error (after refinement), PCG's ||b - A x|| / ||b||. */
  readonly maxRelativeResidual: number;
  /** Iterative-refinement steps taken by the direct solver (0 almost always). */
  readonly refinements: number;
  /** The method that produced the currents. */
  readonly method: 'direct' | 'iterative';
  /** PCG iterations spent, over all vectors (also when PCG gave up and the factorization took over); 0 if PCG did not run. */
  readonly iterations: number;
  /** True when PCG ran out of its budget and the factorization solved the vectors instead. */
  readonly fellBackToDirect: boolean;
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
  private readonly onProgress: ((vectorsSolved: number) => void) | undefined;
  /** ||A||_inf, for the backward error. */
  private readonly matrixNorm: number;

  /** `assembled`: the nodal system of `network` when the caller already has it (no second assembly). */
  constructor(network: CrossbarNetwork, options: CircuitSolveOptions = {}, assembled?: NodalSystem) {
    validateNetwork(network);
    const limit = options.maxMemoryBytes ?? DEFAULT_CIRCUIT_MEMORY_BYTES;
    const { directBytes } = estimateCircuitMemory(network.rows, network.cols);
    if (directBytes > limit) {
      throw new CircuitInputError(
        `factorizing the ${network.rows} x ${network.cols} array needs about ${formatBytes(directBytes)}, more than the limit of ${formatBytes(limit)}: use smaller tiles, or conjugate gradients`,
      );
    }
    this.network = network;
    this.tolerance = options.residualTolerance ?? DEFAULT_RESIDUAL_TOLERANCE;
    this.maxRefinements = options.maxRefinements ?? 3;
    this.verifyEveryVector = options.verifyEveryVector ?? false;
    this.onProgress = options.onProgress;
    this.system = assembled ?? assembleNodalSystem(network, nodalLayout(network), effectiveCellConductances(network));
    this.layout = this.system.layout;
    this.tree = buildFrontTree(this.layout);
    this.symbolic = analyse(this.system, this.tree);
    this.numeric = factorize(this.symbolic, this.system);
    this.outputMask = solveMask(this.symbolic, this.system.sourceNode, this.system.outputNode);
    this.matrixNorm = infinityNorm(this.system);
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
    this.onProgress?.(1);
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
      this.onProgress?.(first + count);
    }
    return { currents, batch, maxRelativeResidual, refinements, method: 'direct', iterations: 0, fellBackToDirect: false };
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
        throw new CircuitSolveError(`backward error ${worst.toExponential(2)} above the tolerance ${this.tolerance} after ${refinements} refinement steps`);
      }
      solveFactored(this.numeric, r, count);
      for (let e = 0; e < x.length; e++) x[e] += r[e];
      refinements++;
      worst = this.relativeResidual(x, b, count, r);
    }
    return { voltages: x, maxRelativeResidual: worst, refinements };
  }

  /**
   * Largest normwise backward error ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf) over the
   * vectors of a node-major block (LAPACK's measure: the relative change of A and b that makes x
   * exact, so a badly conditioned but correctly solved system passes); leaves b - A x in `r`.
   */
  private relativeResidual(x: Float64Array, b: Float64Array, count: number, r: Float64Array): number {
    residual(this.system, x, b, count, r);
    let worst = 0;
    for (let t = 0; t < count; t++) {
      let rMax = 0;
      let xMax = 0;
      let bMax = 0;
      for (let e = t; e < b.length; e += count) {
        rMax = Math.max(rMax, Math.abs(r[e]));
        xMax = Math.max(xMax, Math.abs(x[e]));
        bMax = Math.max(bMax, Math.abs(b[e]));
      }
      const scale = this.matrixNorm * xMax + bMax;
      const relative = scale > 0 ? rMax / scale : rMax;
      if (relative > worst || Number.isNaN(relative)) worst = Number.isNaN(relative) ? Infinity : relative;
    }
    return worst;
  }
}

/** ||A||_inf of a nodal system: its largest absolute row sum, in siemens. */
function infinityNorm(system: NodalSystem): number {
  let largest = 0;
  for (let v = 0; v < system.size; v++) {
    let sum = Math.abs(system.diagonal[v]);
    for (let e = system.rowStart[v]; e < system.rowStart[v + 1]; e++) sum += Math.abs(system.offDiagonal[e]);
    largest = Math.max(largest, sum);
  }
  return largest;
}

/**
 * Factorizes `network` (once per programmed array). Always the direct method: a factorization is what
 * pays off for batches (the MVM engine solves every input vector of a layer through it).
 */
export function factorCrossbar(network: CrossbarNetwork, options?: CircuitSolveOptions): CrossbarFactorization {
  return new CrossbarFactorization(network, options);
}

/**
 * The choice between PCG and the factorization (`method: 'auto'`), measured in docs/ir-drop.md.
 *
 * A factorization costs about 20 n^3 flops for an n x n array, then a cheap solve per vector; a PCG
 * iteration costs O(n^2) and a solve needs 5-70 iterations at 512 x 512 (more with stronger IR drop:
 * larger wire resistance, larger arrays). For one vector PCG is 3-10x faster from 128 x 128 up; for a
 * batch the factorization amortizes (one extra vector costs about one PCG iteration). So:
 * - tiny arrays (< AUTO_MIN_ITERATIVE_CELLS) and batches of more than AUTO_MAX_ITERATIVE_VECTORS
 *   vectors go straight to the factorization;
 * - otherwise PCG runs with a budget equal to the cost of one factorization counted in iterations;
 *   if the vectors are not all solved within it, the factorization solves them. Like renting before
 *   buying, this is never worse than about twice the direct time and usually much better.
 */
export const AUTO_MIN_ITERATIVE_CELLS = 64 * 64;
export const AUTO_MAX_ITERATIVE_VECTORS = 8;

/**
 * One factorization's cost in PCG iterations for an M x N array: measured ratio of the cold direct
 * time to the time of one iteration, about 0.2 sqrt(MN) (100 at 512 x 512, 200 at 1024 x 1024).
 */
export function autoIterationBudget(rows: number, cols: number): number {
  return Math.max(30, Math.ceil(0.2 * Math.sqrt(rows * cols)));
}

function chooseMethod(network: CrossbarNetwork, batch: number, method: CircuitSolveMethod, options: CircuitSolveOptions): 'direct' | 'iterative' {
  const memory = checkedMemory(network, options);
  if (method !== 'auto') return method;
  if (memory.directBytes > (options.maxMemoryBytes ?? DEFAULT_CIRCUIT_MEMORY_BYTES)) return 'iterative';
  const large = network.rows * network.cols >= AUTO_MIN_ITERATIVE_CELLS;
  return large && batch <= AUTO_MAX_ITERATIVE_VECTORS ? 'iterative' : 'direct';
}

/** The memory estimate of a solve; refused when even conjugate gradients would pass the limit. */
function checkedMemory(network: CrossbarNetwork, options: CircuitSolveOptions): CircuitMemory {
  const limit = options.maxMemoryBytes ?? DEFAULT_CIRCUIT_MEMORY_BYTES;
  const memory = estimateCircuitMemory(network.rows, network.cols);
  if (memory.iterativeBytes > limit) {
    throw new CircuitInputError(
      `solving the ${network.rows} x ${network.cols} array with its wires needs about ${formatBytes(memory.directBytes)} (factorization) or ` +
        `${formatBytes(memory.iterativeBytes)} (conjugate gradients), more than the limit of ${formatBytes(limit)}: use smaller tiles`,
    );
  }
  return memory;
}

/**
 * A reusable solver of one programmed array with its wires: its factorization when that fits the
 * memory limit (fast for every later vector), else conjugate gradients on the assembled system, each
 * vector within 20 times the usual budget (an error if one does not converge). Refused when neither fits.
 */
export function crossbarSolver(network: CrossbarNetwork, options: CrossbarSolveOptions = {}): { solve(inputs: Float64Array): CircuitSolution } {
  validateNetwork(network);
  if (chooseMethod(network, AUTO_MAX_ITERATIVE_VECTORS + 1, options.method ?? 'auto', options) === 'direct') return new CrossbarFactorization(network, options);
  const system = assembleNodalSystem(network, nodalLayout(network), effectiveCellConductances(network));
  const perVector = options.maxIterations ?? 20 * autoIterationBudget(network.rows, network.cols);
  return {
    solve(inputs) {
      const batch = inputBatchSize(network, inputs);
      const attempt = solveByPcg(system, inputs, batch, perVector * batch, options.residualTolerance ?? DEFAULT_RESIDUAL_TOLERANCE, options.onProgress);
      if (!attempt.solution) throw new CircuitSolveError(`conjugate gradients did not reach the residual tolerance within ${perVector} iterations per vector`);
      return attempt.solution;
    },
  };
}

/** Column currents with wire resistance for B input vectors (B x M volts) into B x N amperes. */
export function solveCrossbar(network: CrossbarNetwork, inputs: Float64Array, options: CrossbarSolveOptions = {}): CircuitSolution {
  if (inputs.length === 0) throw new CircuitInputError('no input vectors');
  validateNetwork(network);
  const batch = inputBatchSize(network, inputs);
  const requested = options.method ?? 'auto';
  const method = chooseMethod(network, batch, requested, options);
  if (method === 'direct') return factorCrossbar(network, options).solve(inputs);
  const directFits = estimateCircuitMemory(network.rows, network.cols).directBytes <= (options.maxMemoryBytes ?? DEFAULT_CIRCUIT_MEMORY_BYTES);

  const system = assembleNodalSystem(network, nodalLayout(network), effectiveCellConductances(network));
  const autoBudget = autoIterationBudget(network.rows, network.cols);
  const budget = options.maxIterations ?? (requested === 'iterative' ? 20 * autoBudget : directFits ? autoBudget : 20 * autoBudget * batch);
  const attempt = solveByPcg(system, inputs, batch, budget, options.residualTolerance ?? DEFAULT_RESIDUAL_TOLERANCE, options.onProgress);
  if (attempt.solution) return attempt.solution;
  if (requested === 'iterative' || !directFits) {
    throw new CircuitSolveError(`conjugate gradients did not reach the residual tolerance within ${budget} iterations`);
  }
  const direct = new CrossbarFactorization(network, options, system).solve(inputs);
  return { ...direct, iterations: attempt.iterations, fellBackToDirect: true };
}

/**
 * PCG for each input vector in turn, all together within `budget` iterations. Returns the solution,
 * or only the iterations spent when the budget ran out (or a vector missed the tolerance).
 */
function solveByPcg(
  system: NodalSystem,
  inputs: Float64Array,
  batch: number,
  budget: number,
  tolerance: number,
  onProgress: ((vectorsSolved: number) => void) | undefined,
): { solution?: CircuitSolution; iterations: number } {
  const pcg = new LineBlockPcg(system);
  const cols = system.layout.cols;
  const currents = new Float64Array(batch * cols);
  const voltages = new Float64Array(system.size);
  let iterations = 0;
  let maxRelativeResidual = 0;
  for (let t = 0; t < batch; t++) {
    const b = rightHandSides(system, inputs, t, 1);
    const result = pcg.solve(b, voltages, budget - iterations, tolerance);
    iterations += result.iterations;
    if (!result.converged) return { iterations };
    maxRelativeResidual = Math.max(maxRelativeResidual, result.relativeResidual);
    columnCurrents(system, voltages, inputs, t, 1, currents);
    onProgress?.(t + 1);
  }
  return { solution: { currents, batch, maxRelativeResidual, refinements: 0, method: 'iterative', iterations, fellBackToDirect: false }, iterations };
}

/**
 * The conductance map that an ohmic crossbar with its wires acts as: entry (i, j), in siemens, is the
 * current into column j's sense amplifier per volt on row i's driver, every other driver at 0 V. The
 * circuit is linear, so the column currents of any input vector V are V G_eff: one solve per row,
 * once per programmed tile, turns every later MVM into a matrix product with the circuit's answer
 * (agreeing with a solve per vector to rounding). Rows x cols, row-major.
 */
export function wiredConductanceMap(network: CrossbarNetwork, options: CrossbarSolveOptions = {}): Float64Array {
  const identity = new Float64Array(network.rows * network.rows);
  for (let i = 0; i < network.rows; i++) identity[i * network.rows + i] = 1;
  return crossbarSolver(network, options).solve(identity).currents;
}
