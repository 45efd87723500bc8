import { type NodalSystem, residual } from './nodal-system.js';
import { type SideLines, SideCoupling, TridiagonalLines, sideLines } from './wire-lines.js';

/**
 * Preconditioned conjugate gradients (PCG) on the SPD nodal system, with a line-block preconditioner.
 *
 * Why this preconditioner: ordered row-wire unknowns first, column-wire unknowns second, the nodal
 * matrix is
 *
 *     A = [ R   B ]      R: one tridiagonal block per row wire (segments, driver, cells on the diagonal)
 *         [ B^T C ]      C: one tridiagonal block per column wire; B: the cells, -G_ij (a diagonal for two wire chains)
 *
 * so both line families are solved exactly in O(MN) by the Thomas algorithm. Of the SPD line-block
 * preconditioners (block Jacobi diag(R, C); symmetric block Gauss-Seidel over the two families) the
 * symmetric block Gauss-Seidel one, M = [R 0; B^T C] diag(R, C)^-1 [R B; 0 C] = A + [0 0; 0 B^T R^-1 B],
 * converges fastest: its condition number is 1/(1 - mu^2) where block Jacobi's is (1 + mu)/(1 - mu)
 * (mu: the largest eigenvalue of the block-Jacobi coupling), up to 4x smaller when the coupling is
 * strong, i.e. half the iterations.
 *
 * It is run in its equivalent reduced form: started with the first block of the residual at zero
 * (x_R = R^-1 (b_R - B x_C)), PCG with M keeps that block at zero and is exactly CG on the Schur
 * complement S = C - B^T R^-1 B preconditioned by C. One iteration is then one R solve, one C solve,
 * one C product and two cell-coupling products, on vectors of half the length: O(MN), about half the
 * work of the full-length form, with the same iterates. The smaller side is the one iterated on
 * (the column wires when both are chains); a side of known voltages has no unknowns, and then the
 * method is exact at once.
 *
 * Convergence: CG on an SPD system always converges; the iteration count grows with the coupling
 * between the wire families, i.e. with the strength of the IR drop (r G n^2), see docs/ir-drop.md.
 * The stopping test is on the recurrence residual (equal to the full-system residual, since the
 * eliminated block is solved exactly), at half the tolerance; the true residual ||b - A x|| / ||b||
 * is then recomputed from the assembled system, and PCG restarts from it if rounding left it above
 * the tolerance.
 */
export interface PcgResult {
  readonly iterations: number;
  /** True relative residual ||b - A x||_2 / ||b||_2 of the returned voltages. */
  readonly relativeResidual: number;
  readonly converged: boolean;
}

/** Share of the tolerance the recurrence residual must reach before the true residual is checked. */
const RECURRENCE_SAFETY = 0.5;

/** One PCG solver per assembled system: the line factors and every work vector are made once. */
export class LineBlockPcg {
  private readonly system: NodalSystem;
  /** Side iterated on (the Schur complement lives there) and side eliminated exactly each iteration. */
  private readonly iterated: SideLines;
  private readonly eliminated: SideLines;
  private readonly iteratedLines: TridiagonalLines;
  private readonly eliminatedLines: TridiagonalLines;
  /** B^T (iterated <- eliminated) and B (eliminated <- iterated). */
  private readonly toIterated: SideCoupling;
  private readonly toEliminated: SideCoupling;
  // work vectors over the iterated side
  private readonly reducedRhs: Float64Array;
  private readonly r: Float64Array;
  private readonly z: Float64Array;
  private readonly p: Float64Array;
  private readonly q: Float64Array;
  private readonly coupled: Float64Array;
  // over the eliminated side, and the full system
  private readonly eliminatedWork: Float64Array;
  private readonly fullResidual: Float64Array;

  constructor(system: NodalSystem) {
    this.system = system;
    const { rows, cols } = sideLines(system.layout);
    [this.iterated, this.eliminated] = cols.size <= rows.size ? [cols, rows] : [rows, cols];
    this.iteratedLines = new TridiagonalLines(system, this.iterated);
    this.eliminatedLines = new TridiagonalLines(system, this.eliminated);
    this.toIterated = new SideCoupling(system, this.iterated, this.eliminated);
    this.toEliminated = new SideCoupling(system, this.eliminated, this.iterated);
    const size = this.iterated.size;
    this.reducedRhs = new Float64Array(size);
    this.r = new Float64Array(size);
    this.z = new Float64Array(size);
    this.p = new Float64Array(size);
    this.q = new Float64Array(size);
    this.coupled = new Float64Array(size);
    this.eliminatedWork = new Float64Array(this.eliminated.size);
    this.fullResidual = new Float64Array(system.size);
  }

  /**
   * Solves A x = b for one right-hand side (node voltages in volts into `x`, length n) within
   * `maxIterations` iterations; reports the true relative residual.
   */
  solve(b: Float64Array, x: Float64Array, maxIterations: number, tolerance: number): PcgResult {
    const bNorm = Math.sqrt(dot(b, b));
    const xIterated = this.view(x, this.iterated);
    this.reduceRightHandSide(b);
    xIterated.fill(0);
    this.r.set(this.reducedRhs);
    // on the scale of the currents entering the iterated wires (the column currents), not of the driver currents
    const target = RECURRENCE_SAFETY * tolerance * Math.min(bNorm, Math.sqrt(dot(this.reducedRhs, this.reducedRhs)));
    let iterations = 0;
    let previous = Infinity;
    for (;;) {
      iterations += this.iterate(xIterated, maxIterations - iterations, target);
      this.recoverEliminated(b, x);
      const relativeResidual = this.trueResidual(b, x, bNorm);
      const converged = relativeResidual <= tolerance;
      // restart from the true residual only while it helps and the budget lasts
      if (converged || iterations >= maxIterations || !(relativeResidual < previous)) {
        return { iterations, relativeResidual, converged };
      }
      previous = relativeResidual;
      this.r.set(this.view(this.fullResidual, this.iterated));
    }
  }

  private view(full: Float64Array, side: SideLines): Float64Array {
    return full.subarray(side.offset, side.offset + side.size);
  }

  /** g = b_I - B^T R^-1 b_E: the right-hand side of the Schur-complement system. */
  private reduceRightHandSide(b: Float64Array): void {
    const t = this.eliminatedWork;
    t.set(this.view(b, this.eliminated));
    this.eliminatedLines.solveInPlace(t);
    this.toIterated.multiply(t, this.reducedRhs);
    const bIterated = this.view(b, this.iterated);
    for (let v = 0; v < this.reducedRhs.length; v++) this.reducedRhs[v] = bIterated[v] - this.reducedRhs[v];
  }

  /** x_E = R^-1 (b_E - B x_I): the eliminated side, exact for the present x_I. */
  private recoverEliminated(b: Float64Array, x: Float64Array): void {
    const t = this.eliminatedWork;
    this.toEliminated.multiply(this.view(x, this.iterated), t);
    const bEliminated = this.view(b, this.eliminated);
    for (let v = 0; v < t.length; v++) t[v] = bEliminated[v] - t[v];
    this.eliminatedLines.solveInPlace(t);
    this.view(x, this.eliminated).set(t);
  }

  /** ||b - A x|| / ||b|| from the assembled system; leaves b - A x in fullResidual. */
  private trueResidual(b: Float64Array, x: Float64Array, bNorm: number): number {
    residual(this.system, x, b, 1, this.fullResidual);
    const rNorm = Math.sqrt(dot(this.fullResidual, this.fullResidual));
    const relative = bNorm > 0 ? rNorm / bNorm : rNorm;
    return Number.isNaN(relative) ? Infinity : relative;
  }

  /** q = S p = C p - B^T R^-1 B p. */
  private applySchur(p: Float64Array, q: Float64Array): void {
    const t = this.eliminatedWork;
    this.toEliminated.multiply(p, t);
    this.eliminatedLines.solveInPlace(t);
    this.toIterated.multiply(t, this.coupled);
    this.iteratedLines.multiply(p, q);
    for (let v = 0; v < q.length; v++) q[v] -= this.coupled[v];
  }

  /**
   * CG on S x_I = g preconditioned by the iterated side's line blocks, from the residual in `r`,
   * until ||r|| <= target or `budget` iterations; returns the iterations taken.
   */
  private iterate(x: Float64Array, budget: number, target: number): number {
    const { r, z, p, q } = this;
    let rNorm = Math.sqrt(dot(r, r));
    let rzOld = 0;
    let iterations = 0;
    while (rNorm > target && iterations < budget) {
      z.set(r);
      this.iteratedLines.solveInPlace(z);
      const rz = dot(r, z);
      const beta = iterations === 0 ? 0 : rz / rzOld;
      for (let v = 0; v < p.length; v++) p[v] = z[v] + beta * p[v];
      this.applySchur(p, q);
      const pq = dot(p, q);
      if (!(pq > 0) || !(rz > 0)) break; // exact solution reached, or lost to rounding
      const alpha = rz / pq;
      let rr = 0;
      for (let v = 0; v < p.length; v++) {
        x[v] += alpha * p[v];
        const next = r[v] - alpha * q[v];
        r[v] = next;
        rr += next * next;
      }
      rNorm = Math.sqrt(rr);
      rzOld = rz;
      iterations++;
    }
    return iterations;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let v = 0; v < a.length; v++) s += a[v] * b[v];
  return s;
}
