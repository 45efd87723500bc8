import type { NodalLayout } from './layout.js';
import type { NodalSystem } from './nodal-system.js';

/**
 * The unknowns of one side of the array (all row wires, or all column wires), grouped into lines.
 * Within a side the nodal matrix is block diagonal with one tridiagonal block per line: a row wire's
 * nodes are joined only to their neighbours on the same wire (the cells lead to the other side),
 * likewise a column wire's. A lumped (ideal) wire is a line of length 1.
 *
 * Local index (node - offset) of position k on line l: `l * length + k` when `alongLine` (the row
 * wires: consecutive nodes of a line are adjacent in memory), else `k * lines + l` (the column wires:
 * the lines are interleaved, so the Thomas recurrences run over all lines in lockstep, contiguously).
 */
export interface SideLines {
  /** First node index of the side in the nodal system. */
  readonly offset: number;
  readonly lines: number;
  /** Nodes per line. */
  readonly length: number;
  readonly alongLine: boolean;
  /** Unknowns of the side: lines * length. */
  readonly size: number;
}

/** Line structure of the row-wire side and the column-wire side of a layout. */
export function sideLines(layout: NodalLayout): { rows: SideLines; cols: SideLines } {
  const { rows: m, cols: n, rowMode, colMode, colOffset } = layout;
  const rowLength = rowMode === 'chain' ? n : 1;
  const rowLines = rowMode === 'known' ? 0 : m;
  const colLength = colMode === 'chain' ? m : 1;
  const colLines = colMode === 'known' ? 0 : n;
  return {
    rows: { offset: 0, lines: rowLines, length: rowLength, alongLine: true, size: rowLines * rowLength },
    cols: { offset: colOffset, lines: colLines, length: colLength, alongLine: false, size: colLines * colLength },
  };
}

/** Local index of the predecessor of `local` on its line (callers ensure position k >= 1). */
function previousOnLine(side: SideLines): number {
  return side.alongLine ? 1 : side.lines;
}

/** A[node][neighbour] from the compressed rows of the nodal system, 0 when they are not joined. */
function entry(system: NodalSystem, node: number, neighbour: number): number {
  for (let e = system.rowStart[node]; e < system.rowStart[node + 1]; e++) {
    if (system.neighbour[e] === neighbour) return system.offDiagonal[e];
  }
  return 0;
}

/**
 * The tridiagonal blocks of one side (the line blocks of the nodal matrix, taken from the assembled
 * system), with their LDL^T factors: multiply by them or solve with them in O(size), no allocation.
 */
export class TridiagonalLines {
  readonly side: SideLines;
  /** A[v][v] in siemens. */
  private readonly diagonal: Float64Array;
  /** A[v][previous on the line] in siemens (<= 0), 0 at the first node of a line. */
  private readonly lower: Float64Array;
  /** LDL^T factors: unit lower multiplier at v, and 1 / pivot. */
  private readonly multiplier: Float64Array;
  private readonly inversePivot: Float64Array;

  constructor(system: NodalSystem, side: SideLines) {
    this.side = side;
    this.diagonal = system.diagonal.slice(side.offset, side.offset + side.size);
    this.lower = new Float64Array(side.size);
    const step = previousOnLine(side);
    for (let l = 0; l < side.lines; l++) {
      for (let k = 1; k < side.length; k++) {
        const local = this.localIndex(l, k);
        this.lower[local] = entry(system, side.offset + local, side.offset + local - step);
      }
    }
    this.multiplier = new Float64Array(side.size);
    this.inversePivot = new Float64Array(side.size);
    this.factorize();
  }

  private localIndex(line: number, k: number): number {
    return this.side.alongLine ? line * this.side.length + k : k * this.side.lines + line;
  }

  /** Thomas / LDL^T of every line: pivot_k = d_k - lower_k^2 / pivot_(k-1). SPD, so no pivoting. */
  private factorize(): void {
    for (let l = 0; l < this.side.lines; l++) {
      let pivot = this.diagonal[this.localIndex(l, 0)];
      this.inversePivot[this.localIndex(l, 0)] = 1 / pivot;
      for (let k = 1; k < this.side.length; k++) {
        const v = this.localIndex(l, k);
        const m = this.lower[v] / pivot;
        pivot = this.diagonal[v] - m * this.lower[v];
        this.multiplier[v] = m;
        this.inversePivot[v] = 1 / pivot;
      }
    }
  }

  /** out = T x (local vectors of this side; out must not alias x). */
  multiply(x: Float64Array, out: Float64Array): void {
    const { diagonal, lower } = this;
    const { lines, length } = this.side;
    const step = previousOnLine(this.side);
    for (let v = 0; v < this.side.size; v++) out[v] = diagonal[v] * x[v];
    if (this.side.alongLine) {
      for (let l = 0; l < lines; l++) {
        const base = l * length;
        for (let v = base + 1; v < base + length; v++) {
          out[v] += lower[v] * x[v - 1];
          out[v - 1] += lower[v] * x[v];
        }
      }
    } else {
      for (let v = step; v < this.side.size; v++) {
        out[v] += lower[v] * x[v - step];
        out[v - step] += lower[v] * x[v];
      }
    }
  }

  /** Thomas solve of the lines starting at local indices a and b (b = -1: line a alone), in place. */
  private solveLinePair(x: Float64Array, a: number, b: number): void {
    const { multiplier: m, inversePivot: p } = this;
    const length = this.side.length;
    if (b < 0) {
      for (let k = 1; k < length; k++) x[a + k] -= m[a + k] * x[a + k - 1];
      x[a + length - 1] *= p[a + length - 1];
      for (let k = length - 2; k >= 0; k--) x[a + k] = x[a + k] * p[a + k] - m[a + k + 1] * x[a + k + 1];
      return;
    }
    for (let k = 1; k < length; k++) {
      x[a + k] -= m[a + k] * x[a + k - 1];
      x[b + k] -= m[b + k] * x[b + k - 1];
    }
    x[a + length - 1] *= p[a + length - 1];
    x[b + length - 1] *= p[b + length - 1];
    for (let k = length - 2; k >= 0; k--) {
      x[a + k] = x[a + k] * p[a + k] - m[a + k + 1] * x[a + k + 1];
      x[b + k] = x[b + k] * p[b + k] - m[b + k + 1] * x[b + k + 1];
    }
  }

  /** x = T^-1 x in place (forward substitution, diagonal scaling, back substitution). */
  solveInPlace(x: Float64Array): void {
    const { multiplier, inversePivot } = this;
    const { lines, length, size } = this.side;
    if (this.side.alongLine) {
      // two lines at a time: one line's recurrence is latency-bound, two interleaved ones overlap
      // (a lockstep over all lines strides by a whole line and was slower still)
      let l = 0;
      for (; l + 1 < lines; l += 2) this.solveLinePair(x, l * length, (l + 1) * length);
      if (l < lines) this.solveLinePair(x, l * length, -1);
    } else {
      const step = lines;
      for (let v = step; v < size; v++) x[v] -= multiplier[v] * x[v - step];
      for (let v = size - 1; v >= size - step && v >= 0; v--) x[v] *= inversePivot[v];
      for (let v = size - step - 1; v >= 0; v--) x[v] = x[v] * inversePivot[v] - multiplier[v + step] * x[v + step];
    }
  }
}

/**
 * The cell conductances between the two sides: the off-diagonal block A[from side][to side] in
 * compressed rows over local indices (one entry per node for two wire chains; a lumped wire has one
 * per cell of its line).
 */
export class SideCoupling {
  private readonly start: Int32Array;
  private readonly target: Int32Array;
  private readonly siemens: Float64Array;

  constructor(system: NodalSystem, from: SideLines, to: SideLines) {
    const inTo = (node: number) => node >= to.offset && node < to.offset + to.size;
    this.start = new Int32Array(from.size + 1);
    for (let v = 0; v < from.size; v++) {
      let count = 0;
      for (let e = system.rowStart[from.offset + v]; e < system.rowStart[from.offset + v + 1]; e++) if (inTo(system.neighbour[e])) count++;
      this.start[v + 1] = this.start[v] + count;
    }
    this.target = new Int32Array(this.start[from.size]);
    this.siemens = new Float64Array(this.start[from.size]);
    let fill = 0;
    for (let v = 0; v < from.size; v++) {
      for (let e = system.rowStart[from.offset + v]; e < system.rowStart[from.offset + v + 1]; e++) {
        const w = system.neighbour[e];
        if (!inTo(w)) continue;
        this.target[fill] = w - to.offset;
        this.siemens[fill++] = system.offDiagonal[e];
      }
    }
  }

  /** out = A[from][to] x (x over the `to` side, out over the `from` side). */
  multiply(x: Float64Array, out: Float64Array): void {
    const { start, target, siemens } = this;
    for (let v = 0; v + 1 < start.length; v++) {
      let s = 0;
      for (let e = start[v]; e < start[v + 1]; e++) s += siemens[e] * x[target[e]];
      out[v] = s;
    }
  }
}
