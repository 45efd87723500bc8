import { NotPositiveDefiniteError, partialCholesky } from './dense-kernels.js';
import type { FrontTree } from './front-tree.js';
import type { NodalSystem } from './nodal-system.js';

/**
 * Multifrontal sparse Cholesky factorization A = L L^T of a nodal system, following a front tree.
 * Each front eliminates its own unknowns; what that leaves on the not-yet-eliminated unknowns it
 * touches (its boundary) is a dense Schur-complement update passed to the parent front.
 *
 * The symbolic analysis (boundaries, where each child's update lands in its parent) depends only on
 * the sparsity structure, so it is done once and reused for every refactorization with new
 * conductance values (Newton iterations) and every right-hand side.
 *
 * Everything per front is stored flat (as in FrontTree): front f's boundary is
 * `boundary[boundaryStart[f] .. boundaryStart[f+1])`. Each boundary is sorted by elimination rank,
 * so a child's boundary lands in its parent at increasing positions: the lower triangle of the
 * child's update goes to the lower triangle of the parent without any test per entry.
 */
export interface SymbolicFactorization {
  readonly size: number;
  readonly tree: FrontTree;
  /** Unknowns outside each front that its own unknowns are coupled to (after fill), all eliminated later. */
  readonly boundaryStart: Int32Array;
  readonly boundary: Int32Array;
  /** Aligned with `boundary`: the position of each boundary unknown in the parent front (own first, then boundary). */
  readonly parentPosition: Int32Array;
  /**
   * Aligned with `boundary`: end (exclusive, counted from the start of the front's boundary) of the
   * run of consecutive parent positions that the entry belongs to. Boundaries map onto their parent
   * mostly in long runs (stretches of one separator), so the extend-add copies runs.
   */
  readonly parentRunEnd: Int32Array;
  /** Chain fronts: couplings q of chain node couplingNode[q] (index along the chain) to boundary unknown couplingBoundary[q] (index in the boundary), entry couplingEntry[q] of A's rows; front f's are couplingStart[f] .. couplingStart[f+1]-1. */
  readonly couplingStart: Int32Array;
  readonly couplingNode: Int32Array;
  readonly couplingBoundary: Int32Array;
  readonly couplingEntry: Int32Array;
  /** Chain fronts, aligned with tree.own: entry of A between a chain node and the next one along the chain. */
  readonly chainEntry: Int32Array;
  /** Numbers stored by the numeric factor (a measure of fill). */
  readonly factorEntries: number;
  /** Offset of each front's numbers in the factor's single value array. */
  readonly frontOffset: Float64Array;
  /** Peak size of the stack of pending Schur-complement updates (packed lower triangles, numbers). */
  readonly stackEntries: number;
  /** Largest (own + boundary)^2 of a dense front: the front workspace. */
  readonly maxFrontSquared: number;
  readonly maxOwn: number;
  readonly maxBoundary: number;
}

/** Entries of the packed lower triangle of an m x m matrix (row a starts at triangle(a)). */
function triangle(m: number): number {
  return (m * (m + 1)) / 2;
}

/** Append-only list of int32 values with amortized doubling. */
class IntList {
  private data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Int32Array(Math.max(capacity, 2 * this.data.length));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  get buffer(): Int32Array {
    return this.data;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Sorts values[from .. to) ascending (insertion sort for the many short boundaries). */
function sortRange(values: Int32Array, from: number, to: number): void {
  if (to - from > 32) {
    values.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= from && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}

/** Scratch state of the symbolic analysis. */
interface AnalysisWork {
  readonly system: NodalSystem;
  readonly tree: FrontTree;
  /** Elimination rank of each node (its index in tree.own). */
  readonly rank: Int32Array;
  /** Last front that collected a node into its boundary (or owns it). */
  readonly mark: Int32Array;
  /** Position of a node in the current front, -1 elsewhere. */
  readonly position: Int32Array;
  readonly boundaryStart: Int32Array;
  readonly boundary: IntList;
  readonly parentPosition: IntList;
  readonly parentRunEnd: IntList;
}

/** Symbolic analysis of `system`'s structure along `tree`. */
export function analyse(system: NodalSystem, tree: FrontTree): SymbolicFactorization {
  const n = system.size;
  const { count, ownStart, own, childStart, children } = tree;
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[own[r]] = r;
  const work: AnalysisWork = {
    system,
    tree,
    rank,
    mark: new Int32Array(n).fill(-1),
    position: new Int32Array(n).fill(-1),
    boundaryStart: new Int32Array(count + 1),
    boundary: new IntList(),
    parentPosition: new IntList(),
    parentRunEnd: new IntList(),
  };
  const { boundaryStart, position } = work;
  const couplingStart = new Int32Array(count + 1);
  const couplingNode = new IntList();
  const couplingBoundary = new IntList();
  const couplingEntry = new IntList();
  const chainEntry = new Int32Array(n).fill(-1);
  const frontOffset = new Float64Array(count);
  let factorEntries = 0;
  let stackTop = 0;
  let stackEntries = 0;
  let maxFrontSquared = 0;
  let maxOwn = 0;
  let maxBoundary = 0;
  for (let f = 0; f < count; f++) {
    const o0 = ownStart[f];
    const k = ownStart[f + 1] - o0;
    collectBoundary(work, f);
    const b0 = boundaryStart[f];
    const m = boundaryStart[f + 1] - b0;
    for (let c = childStart[f]; c < childStart[f + 1]; c++) {
      const child = children[c];
      stackTop -= triangle(boundaryStart[child + 1] - boundaryStart[child]);
    }
    setPositions(work, f, k);
    mapChildBoundaries(work, f);
    frontOffset[f] = factorEntries;
    if (tree.chain[f]) {
      if (childStart[f + 1] > childStart[f]) throw new Error('a chain front cannot have children');
      analyseChain(system, own, o0, k, position, chainEntry, couplingNode, couplingBoundary, couplingEntry);
      factorEntries += 2 * k + (couplingNode.length - couplingStart[f]);
    } else {
      factorEntries += triangle(k) + k * m;
      if ((k + m) * (k + m) > maxFrontSquared) maxFrontSquared = (k + m) * (k + m);
    }
    couplingStart[f + 1] = couplingNode.length;
    clearPositions(work, f, k);
    stackTop += triangle(m);
    if (stackTop > stackEntries) stackEntries = stackTop;
    if (k > maxOwn) maxOwn = k;
    if (m > maxBoundary) maxBoundary = m;
  }
  if (factorEntries > 2 ** 31 - 1 || stackEntries > 2 ** 31 - 1 || maxFrontSquared > 2 ** 31 - 1) {
    throw new RangeError(`the factor would hold ${factorEntries} numbers: array too large for this solver`);
  }
  return {
    size: n,
    tree,
    boundaryStart,
    boundary: work.boundary.toArray(),
    parentPosition: work.parentPosition.toArray(),
    parentRunEnd: work.parentRunEnd.toArray(),
    couplingStart,
    couplingNode: couplingNode.toArray(),
    couplingBoundary: couplingBoundary.toArray(),
    couplingEntry: couplingEntry.toArray(),
    chainEntry,
    factorEntries,
    frontOffset,
    stackEntries,
    maxFrontSquared,
    maxOwn,
    maxBoundary,
  };
}

/**
 * Appends front f's boundary: the children's boundaries and the not yet eliminated neighbours of
 * its own unknowns, minus its own unknowns, sorted by elimination rank.
 */
function collectBoundary(work: AnalysisWork, f: number): void {
  const { tree, rank, mark, boundaryStart, boundary } = work;
  const { rowStart, neighbour } = work.system;
  const { ownStart, own, childStart, children } = tree;
  const o0 = ownStart[f];
  const o1 = ownStart[f + 1];
  const b0 = boundary.length;
  for (let p = o0; p < o1; p++) mark[own[p]] = f;
  for (let c = childStart[f]; c < childStart[f + 1]; c++) {
    const child = children[c];
    const nodes = boundary.buffer;
    for (let q = boundaryStart[child]; q < boundaryStart[child + 1]; q++) {
      const v = nodes[q];
      if (mark[v] !== f) {
        mark[v] = f;
        boundary.push(rank[v]);
      }
    }
  }
  for (let p = o0; p < o1; p++) {
    const v = own[p];
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
      const w = neighbour[e];
      // ranks below o1 are own or eliminated
      if (rank[w] >= o1 && mark[w] !== f) {
        mark[w] = f;
        boundary.push(rank[w]);
      }
    }
  }
  const b1 = boundary.length;
  const ranks = boundary.buffer;
  sortRange(ranks, b0, b1);
  for (let q = b0; q < b1; q++) ranks[q] = own[ranks[q]];
  boundaryStart[f + 1] = b1;
}

/** Positions in front f: own unknowns 0 .. k-1, then the boundary. */
function setPositions(work: AnalysisWork, f: number, k: number): void {
  const { tree, position, boundaryStart } = work;
  const nodes = work.boundary.buffer;
  const o0 = tree.ownStart[f];
  for (let p = 0; p < k; p++) position[tree.own[o0 + p]] = p;
  for (let q = boundaryStart[f]; q < boundaryStart[f + 1]; q++) position[nodes[q]] = k + q - boundaryStart[f];
}

function clearPositions(work: AnalysisWork, f: number, k: number): void {
  const { tree, position, boundaryStart } = work;
  const nodes = work.boundary.buffer;
  const o0 = tree.ownStart[f];
  for (let p = 0; p < k; p++) position[tree.own[o0 + p]] = -1;
  for (let q = boundaryStart[f]; q < boundaryStart[f + 1]; q++) position[nodes[q]] = -1;
}

/** Records where each child's boundary lands in front f (positions set), and its runs of consecutive positions. */
function mapChildBoundaries(work: AnalysisWork, f: number): void {
  const { tree, position, boundaryStart, parentPosition, parentRunEnd } = work;
  const { childStart, children } = tree;
  const nodes = work.boundary.buffer;
  parentPosition.grow(boundaryStart[f + 1]);
  parentRunEnd.grow(boundaryStart[f + 1]);
  const into = parentPosition.buffer;
  const runEnd = parentRunEnd.buffer;
  for (let c = childStart[f]; c < childStart[f + 1]; c++) {
    const child = children[c];
    const q0 = boundaryStart[child];
    const q1 = boundaryStart[child + 1];
    for (let q = q0; q < q1; q++) into[q] = position[nodes[q]];
    for (let q = q1 - 1; q >= q0; q--) runEnd[q] = q + 1 < q1 && into[q + 1] === into[q] + 1 ? runEnd[q + 1] : q + 1 - q0;
  }
  parentPosition.length = boundaryStart[f + 1];
  parentRunEnd.length = boundaryStart[f + 1];
}

/** Records a chain front's path entries and its couplings to the boundary (positions set for own and boundary). */
function analyseChain(
  system: NodalSystem,
  own: Int32Array,
  o0: number,
  k: number,
  position: Int32Array,
  chainEntry: Int32Array,
  couplingNode: IntList,
  couplingBoundary: IntList,
  couplingEntry: IntList,
): void {
  const { rowStart, neighbour } = system;
  for (let q = 0; q < k; q++) {
    const v = own[o0 + q];
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
      const pw = position[neighbour[e]];
      if (pw >= k) {
        couplingNode.push(q);
        couplingBoundary.push(pw - k);
        couplingEntry.push(e);
      } else if (pw === q + 1) {
        chainEntry[o0 + q] = e;
      } else if (pw !== q - 1) {
        throw new Error('chain front is not a path');
      }
    }
  }
}

/**
 * Numeric factor: all fronts' numbers in one array (one allocation, no garbage per front).
 * Dense front at offset o: L11 (k x k lower triangle, packed by rows: row i at o + i(i+1)/2) then
 * L21 (m x k, row-major). Chain front: pivots (k), multipliers (k-1), coupling values (one per
 * coupling).
 */
export interface NumericFactorization {
  readonly symbolic: SymbolicFactorization;
  readonly values: Float64Array;
}

/** Workspace of one numeric factorization. */
interface FactorWork {
  readonly symbolic: SymbolicFactorization;
  readonly system: NodalSystem;
  readonly values: Float64Array;
  /** Pending Schur-complement updates (packed lower triangles), children's on top. */
  readonly stack: Float64Array;
  stackTop: number;
  /** The dense front being factorized, (k + m) x (k + m) row-major. */
  readonly front: Float64Array;
  /** Position of a node in the current front, -1 elsewhere. */
  readonly position: Int32Array;
  chainWork: Float64Array;
}

/** Numeric factorization; throws NotPositiveDefiniteError for a non-physical (non-SPD) system. */
export function factorize(symbolic: SymbolicFactorization, system: NodalSystem): NumericFactorization {
  const work: FactorWork = {
    symbolic,
    system,
    values: new Float64Array(symbolic.factorEntries),
    stack: new Float64Array(symbolic.stackEntries),
    stackTop: 0,
    front: new Float64Array(symbolic.maxFrontSquared),
    position: new Int32Array(symbolic.size).fill(-1),
    chainWork: new Float64Array(symbolic.maxOwn),
  };
  const tree = symbolic.tree;
  for (let f = 0; f < tree.count; f++) {
    if (tree.chain[f]) factorChain(work, f);
    else factorDense(work, f);
  }
  return { symbolic, values: work.values };
}

/** Tridiagonal LDL^T of a chain front, and its update -C^T T^{-1} C onto the boundary, pushed on the stack. */
function factorChain(work: FactorWork, f: number): void {
  const { symbolic, values, stack } = work;
  const { diagonal, offDiagonal } = work.system;
  const { own, ownStart } = symbolic.tree;
  const o0 = ownStart[f];
  const k = ownStart[f + 1] - o0;
  const m = symbolic.boundaryStart[f + 1] - symbolic.boundaryStart[f];
  const d = symbolic.frontOffset[f];
  const l = d + k;
  const c = l + k - 1;
  for (let p = 0; p < k; p++) values[d + p] = diagonal[own[o0 + p]];
  // LDL^T of the path: d_{p+1} = a_{p+1} - e_p^2 / d_p
  for (let p = 0; p + 1 < k; p++) {
    if (!(values[d + p] > 0)) throw new NotPositiveDefiniteError(`chain pivot ${p} is ${values[d + p]}`);
    const e = offDiagonal[symbolic.chainEntry[o0 + p]];
    values[l + p] = e / values[d + p];
    values[d + p + 1] -= values[l + p] * e;
  }
  if (!(values[d + k - 1] > 0)) throw new NotPositiveDefiniteError(`chain pivot ${k - 1} is ${values[d + k - 1]}`);
  const q0 = symbolic.couplingStart[f];
  const q1 = symbolic.couplingStart[f + 1];
  for (let q = q0; q < q1; q++) values[c + q - q0] = offDiagonal[symbolic.couplingEntry[q]];
  if (m === 0) return;
  // update = -C^T T^{-1} C, column by column: w = T^{-1} (coupling q's column of C)
  const base = work.stackTop;
  stack.fill(0, base, base + triangle(m));
  const w = work.chainWork;
  const { couplingNode, couplingBoundary } = symbolic;
  for (let q = q0; q < q1; q++) {
    w.fill(0, 0, k);
    w[couplingNode[q]] = values[c + q - q0];
    solveChain(values, d, l, k, w, 0, 1);
    const bq = couplingBoundary[q];
    for (let p = q0; p < q1; p++) {
      const bp = couplingBoundary[p];
      if (bp >= bq) stack[base + triangle(bp) + bq] -= values[c + p - q0] * w[couplingNode[p]];
    }
  }
  work.stackTop += triangle(m);
}

/** Assembles a dense front (A's rows and the children's updates), factorizes it, stores L and pushes the update. */
function factorDense(work: FactorWork, f: number): void {
  const { symbolic, front } = work;
  const o0 = symbolic.tree.ownStart[f];
  const k = symbolic.tree.ownStart[f + 1] - o0;
  const m = symbolic.boundaryStart[f + 1] - symbolic.boundaryStart[f];
  const s = k + m;
  // only the lower triangle is ever read
  for (let r = 0; r < s; r++) front.fill(0, r * s, r * s + r + 1);
  assembleOwnRows(work, f, k, s);
  extendAddChildren(work, f, s);
  partialCholesky(front, s, k, s);
  storeFactor(work, f, k, m, s);
  if (m > 0) pushUpdate(work, k, m, s);
}

/** Adds the rows of A of the front's own unknowns into the lower triangle of the front. */
function assembleOwnRows(work: FactorWork, f: number, k: number, s: number): void {
  const { symbolic, front, position } = work;
  const { diagonal, rowStart, neighbour, offDiagonal } = work.system;
  const own = symbolic.tree.own;
  const o0 = symbolic.tree.ownStart[f];
  const b0 = symbolic.boundaryStart[f];
  const m = s - k;
  for (let p = 0; p < k; p++) position[own[o0 + p]] = p;
  for (let q = 0; q < m; q++) position[symbolic.boundary[b0 + q]] = k + q;
  for (let p = 0; p < k; p++) {
    const v = own[o0 + p];
    front[p * s + p] += diagonal[v];
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
      const q = position[neighbour[e]];
      if (q < 0) continue; // eliminated earlier: its effect arrived through a child's update
      if (q < p) front[p * s + q] += offDiagonal[e];
      else if (q >= k) front[q * s + p] += offDiagonal[e];
    }
  }
  for (let p = 0; p < k; p++) position[own[o0 + p]] = -1;
  for (let q = 0; q < m; q++) position[symbolic.boundary[b0 + q]] = -1;
}

/**
 * Adds the children's updates (on top of the stack, in child order) into the front and pops them.
 * Positions increase along a child's boundary, so its packed lower triangle maps onto the lower
 * triangle of the front entry by entry.
 */
function extendAddChildren(work: FactorWork, f: number, s: number): void {
  const { symbolic, stack, front } = work;
  const { childStart, children } = symbolic.tree;
  const { boundaryStart, parentPosition, parentRunEnd } = symbolic;
  let base = work.stackTop;
  for (let c = childStart[f]; c < childStart[f + 1]; c++) {
    const child = children[c];
    base -= triangle(boundaryStart[child + 1] - boundaryStart[child]);
  }
  work.stackTop = base;
  for (let c = childStart[f]; c < childStart[f + 1]; c++) {
    const child = children[c];
    const q0 = boundaryStart[child];
    const mc = boundaryStart[child + 1] - q0;
    for (let a = 0; a < mc; a++) {
      const row = parentPosition[q0 + a] * s;
      const from = base + triangle(a);
      // entries b = 0 .. a of the packed row, run by run of consecutive positions
      for (let b = 0; b <= a; ) {
        const end = Math.min(parentRunEnd[q0 + b], a + 1);
        const to = row + parentPosition[q0 + b] - b;
        for (let t = b; t < end; t++) front[to + t] += stack[from + t];
        b = end;
      }
    }
    base += triangle(mc);
  }
}

/** Copies L11 (packed lower) and L21 from the factorized front into the factor. */
function storeFactor(work: FactorWork, f: number, k: number, m: number, s: number): void {
  const { values, front } = work;
  const offset = work.symbolic.frontOffset[f];
  for (let i = 0; i < k; i++) {
    const to = offset + triangle(i);
    const from = i * s;
    for (let j = 0; j <= i; j++) values[to + j] = front[from + j];
  }
  const l21 = offset + triangle(k);
  for (let a = 0; a < m; a++) {
    const to = l21 + a * k;
    const from = (k + a) * s;
    for (let j = 0; j < k; j++) values[to + j] = front[from + j];
  }
}

/** Pushes the Schur complement (packed lower triangle) for the parent. */
function pushUpdate(work: FactorWork, k: number, m: number, s: number): void {
  const { stack, front } = work;
  const base = work.stackTop;
  for (let a = 0; a < m; a++) {
    const to = base + triangle(a);
    const from = (k + a) * s + k;
    for (let b = 0; b <= a; b++) stack[to + b] = front[from + b];
  }
  work.stackTop += triangle(m);
}

/**
 * Solves the tridiagonal system (LDL^T: pivots at values[d..], multipliers at values[l..]) in place
 * on x[x0 + p * batch + t] (node-major, `batch` columns).
 */
function solveChain(values: Float64Array, d: number, l: number, length: number, x: Float64Array, x0: number, batch: number): void {
  for (let k = 1; k < length; k++) {
    const multiplier = values[l + k - 1];
    const base = x0 + k * batch;
    for (let t = 0; t < batch; t++) x[base + t] -= multiplier * x[base - batch + t];
  }
  for (let k = length - 1; k >= 0; k--) {
    const base = x0 + k * batch;
    const pivot = values[d + k];
    if (k + 1 < length) {
      const multiplier = values[l + k];
      for (let t = 0; t < batch; t++) x[base + t] = x[base + t] / pivot - multiplier * x[base + batch + t];
    } else {
      for (let t = 0; t < batch; t++) x[base + t] /= pivot;
    }
  }
}

/** Copies rows nodes[from .. from+count) of the node-major x into the compact block `into`. */
function gather(x: Float64Array, nodes: Int32Array, from: number, count: number, into: Float64Array, batch: number): void {
  if (batch === 1) {
    for (let p = 0; p < count; p++) into[p] = x[nodes[from + p]];
    return;
  }
  for (let p = 0; p < count; p++) {
    const src = nodes[from + p] * batch;
    const dst = p * batch;
    for (let t = 0; t < batch; t++) into[dst + t] = x[src + t];
  }
}

/** Copies the compact block `block` back into rows nodes[from .. from+count) of x. */
function scatter(x: Float64Array, nodes: Int32Array, from: number, count: number, block: Float64Array, batch: number): void {
  if (batch === 1) {
    for (let p = 0; p < count; p++) x[nodes[from + p]] = block[p];
    return;
  }
  for (let p = 0; p < count; p++) {
    const dst = nodes[from + p] * batch;
    const src = p * batch;
    for (let t = 0; t < batch; t++) x[dst + t] = block[src + t];
  }
}

/** wb -= L21 wo (L21 m x k at values[l21..]), blocks of `batch` columns. */
function subtractL21(values: Float64Array, l21: number, m: number, k: number, wo: Float64Array, wb: Float64Array, batch: number): void {
  if (batch === 1) {
    subtractL21Single(values, l21, m, k, wo, wb);
    return;
  }
  for (let a = 0; a < m; a++) {
    const ra = l21 + a * k;
    const ba = a * batch;
    for (let j = 0; j < k; j++) {
      const l = values[ra + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wb[ba + t] -= l * wo[bj + t];
    }
  }
}

/** subtractL21 for one vector: four dot products (rows of L21) per pass over wo. */
function subtractL21Single(values: Float64Array, l21: number, m: number, k: number, wo: Float64Array, wb: Float64Array): void {
  let a = 0;
  for (; a + 3 < m; a += 4) {
    const r0 = l21 + a * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < k; j++) {
      const w = wo[j];
      s0 += values[r0 + j] * w;
      s1 += values[r1 + j] * w;
      s2 += values[r2 + j] * w;
      s3 += values[r3 + j] * w;
    }
    wb[a] -= s0;
    wb[a + 1] -= s1;
    wb[a + 2] -= s2;
    wb[a + 3] -= s3;
  }
  for (; a < m; a++) {
    const ra = l21 + a * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += values[ra + j] * wo[j];
    wb[a] -= s;
  }
}

/** wo -= L21^T xb. */
function subtractL21Transposed(values: Float64Array, l21: number, m: number, k: number, xb: Float64Array, wo: Float64Array, batch: number): void {
  if (batch === 1) {
    subtractL21TransposedSingle(values, l21, m, k, xb, wo);
    return;
  }
  for (let a = 0; a < m; a++) {
    const ra = l21 + a * k;
    const ba = a * batch;
    for (let j = 0; j < k; j++) {
      const l = values[ra + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wo[bj + t] -= l * xb[ba + t];
    }
  }
}

/** subtractL21Transposed for one vector: four rows of L21 per pass over wo (a quarter of the loads and stores of wo). */
function subtractL21TransposedSingle(values: Float64Array, l21: number, m: number, k: number, xb: Float64Array, wo: Float64Array): void {
  let a = 0;
  for (; a + 3 < m; a += 4) {
    const r0 = l21 + a * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    const x0 = xb[a];
    const x1 = xb[a + 1];
    const x2 = xb[a + 2];
    const x3 = xb[a + 3];
    for (let j = 0; j < k; j++) wo[j] -= values[r0 + j] * x0 + values[r1 + j] * x1 + values[r2 + j] * x2 + values[r3 + j] * x3;
  }
  for (; a < m; a++) {
    const ra = l21 + a * k;
    const xa = xb[a];
    for (let j = 0; j < k; j++) wo[j] -= values[ra + j] * xa;
  }
}

/** wo = L11^{-1} wo (L11 packed lower at values[l11..]). */
function forwardL11(values: Float64Array, l11: number, k: number, wo: Float64Array, batch: number): void {
  for (let i = 0; i < k; i++) {
    const ri = l11 + triangle(i);
    const bi = i * batch;
    if (batch === 1) {
      let s = wo[i];
      for (let j = 0; j < i; j++) s -= values[ri + j] * wo[j];
      wo[i] = s / values[ri + i];
      continue;
    }
    for (let j = 0; j < i; j++) {
      const l = values[ri + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wo[bi + t] -= l * wo[bj + t];
    }
    const d = values[ri + i];
    for (let t = 0; t < batch; t++) wo[bi + t] /= d;
  }
}

/** wo = L11^{-T} wo. */
function backwardL11(values: Float64Array, l11: number, k: number, wo: Float64Array, batch: number): void {
  if (batch === 1) {
    backwardL11Single(values, l11, k, wo);
    return;
  }
  for (let i = k - 1; i >= 0; i--) {
    const ri = l11 + triangle(i);
    const bi = i * batch;
    const d = values[ri + i];
    for (let t = 0; t < batch; t++) wo[bi + t] /= d;
    for (let j = 0; j < i; j++) {
      const l = values[ri + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wo[bj + t] -= l * wo[bi + t];
    }
  }
}

/**
 * backwardL11 for one vector, four rows of L11 (columns of L11^T) per pass over wo: the four
 * unknowns are finished among themselves first, then subtracted together from the ones before.
 */
function backwardL11Single(values: Float64Array, l11: number, k: number, wo: Float64Array): void {
  let i = k - 1;
  for (; i >= 3; i -= 4) {
    const r0 = l11 + triangle(i);
    const r1 = l11 + triangle(i - 1);
    const r2 = l11 + triangle(i - 2);
    const r3 = l11 + triangle(i - 3);
    const x0 = wo[i] / values[r0 + i];
    const x1 = (wo[i - 1] - values[r0 + i - 1] * x0) / values[r1 + i - 1];
    const x2 = (wo[i - 2] - values[r0 + i - 2] * x0 - values[r1 + i - 2] * x1) / values[r2 + i - 2];
    const x3 = (wo[i - 3] - values[r0 + i - 3] * x0 - values[r1 + i - 3] * x1 - values[r2 + i - 3] * x2) / values[r3 + i - 3];
    wo[i] = x0;
    wo[i - 1] = x1;
    wo[i - 2] = x2;
    wo[i - 3] = x3;
    for (let j = 0; j < i - 3; j++) wo[j] -= values[r0 + j] * x0 + values[r1 + j] * x1 + values[r2 + j] * x2 + values[r3 + j] * x3;
  }
  for (; i >= 0; i--) {
    const ri = l11 + triangle(i);
    const xi = wo[i] / values[ri + i];
    wo[i] = xi;
    for (let j = 0; j < i; j++) wo[j] -= values[ri + j] * xi;
  }
}

/**
 * Which fronts a solve must visit when the right-hand side is non-zero only at `sourceNodes` and
 * only the voltages at `wantedNodes` are needed: forward elimination only changes fronts whose
 * subtree holds a source; back substitution for a node needs only its front and that front's
 * ancestors. For a crossbar (sources on the row drivers, outputs at the column ends) this skips
 * about 90% of the factor.
 */
export interface SolveMask {
  readonly forward: Uint8Array;
  readonly backward: Uint8Array;
}

export function solveMask(symbolic: SymbolicFactorization, sourceNodes: Int32Array, wantedNodes: Int32Array): SolveMask {
  const source = new Uint8Array(symbolic.size);
  const wanted = new Uint8Array(symbolic.size);
  for (let s = 0; s < sourceNodes.length; s++) source[sourceNodes[s]] = 1;
  for (let s = 0; s < wantedNodes.length; s++) wanted[wantedNodes[s]] = 1;
  const { count, ownStart, own, childStart, children } = symbolic.tree;
  const forward = new Uint8Array(count);
  const backward = new Uint8Array(count);
  for (let f = 0; f < count; f++) {
    for (let p = ownStart[f]; p < ownStart[f + 1]; p++) {
      if (source[own[p]]) forward[f] = 1;
      if (wanted[own[p]]) backward[f] = 1;
    }
    for (let c = childStart[f]; c < childStart[f + 1]; c++) {
      if (forward[children[c]]) forward[f] = 1;
      if (backward[children[c]]) backward[f] = 1;
    }
  }
  return { forward, backward };
}

/**
 * Solves A x = b in place for `batch` right-hand sides stored node-major (x[v * batch + t]):
 * forward elimination up the tree, back substitution down it. With a `mask`, only the fronts it
 * marks are visited: x is then exact at the wanted nodes (bit for bit as without the mask) and
 * meaningless elsewhere.
 */
export function solveFactored(factor: NumericFactorization, x: Float64Array, batch: number, mask?: SolveMask): void {
  const { symbolic } = factor;
  const wo = new Float64Array(symbolic.maxOwn * batch);
  const wb = new Float64Array(symbolic.maxBoundary * batch);
  const count = symbolic.tree.count;
  for (let f = 0; f < count; f++) {
    if (!mask || mask.forward[f]) forwardFront(factor, f, x, batch, wo, wb);
  }
  for (let f = count - 1; f >= 0; f--) {
    if (!mask || mask.backward[f]) backwardFront(factor, f, x, batch, wo, wb);
  }
}

/** Forward elimination of one front: y_own = L11^{-1} b_own, b_boundary -= L21 y_own. */
function forwardFront(factor: NumericFactorization, f: number, x: Float64Array, batch: number, wo: Float64Array, wb: Float64Array): void {
  const { symbolic, values } = factor;
  const { own, ownStart } = symbolic.tree;
  const { boundary, boundaryStart } = symbolic;
  const offset = symbolic.frontOffset[f];
  const o0 = ownStart[f];
  const k = ownStart[f + 1] - o0;
  const b0 = boundaryStart[f];
  const m = boundaryStart[f + 1] - b0;
  gather(x, own, o0, k, wo, batch);
  if (symbolic.tree.chain[f]) {
    const c = offset + 2 * k - 1;
    solveChain(values, offset, offset + k, k, wo, 0, batch);
    scatter(x, own, o0, k, wo, batch);
    const q0 = symbolic.couplingStart[f];
    for (let q = q0; q < symbolic.couplingStart[f + 1]; q++) {
      const a = values[c + q - q0];
      const src = symbolic.couplingNode[q] * batch;
      const dst = boundary[b0 + symbolic.couplingBoundary[q]] * batch;
      for (let t = 0; t < batch; t++) x[dst + t] -= a * wo[src + t];
    }
    return;
  }
  forwardL11(values, offset, k, wo, batch);
  scatter(x, own, o0, k, wo, batch);
  if (m > 0) {
    gather(x, boundary, b0, m, wb, batch);
    subtractL21(values, offset + triangle(k), m, k, wo, wb, batch);
    scatter(x, boundary, b0, m, wb, batch);
  }
}

/** Back substitution of one front: x_own = L11^{-T} (y_own - L21^T x_boundary). */
function backwardFront(factor: NumericFactorization, f: number, x: Float64Array, batch: number, wo: Float64Array, wb: Float64Array): void {
  const { symbolic, values } = factor;
  const { own, ownStart } = symbolic.tree;
  const { boundary, boundaryStart } = symbolic;
  const offset = symbolic.frontOffset[f];
  const o0 = ownStart[f];
  const k = ownStart[f + 1] - o0;
  const b0 = boundaryStart[f];
  const m = boundaryStart[f + 1] - b0;
  if (symbolic.tree.chain[f]) {
    // x = y - T^{-1} C x_boundary
    const c = offset + 2 * k - 1;
    wo.fill(0, 0, k * batch);
    const q0 = symbolic.couplingStart[f];
    for (let q = q0; q < symbolic.couplingStart[f + 1]; q++) {
      const a = values[c + q - q0];
      const dst = symbolic.couplingNode[q] * batch;
      const src = boundary[b0 + symbolic.couplingBoundary[q]] * batch;
      for (let t = 0; t < batch; t++) wo[dst + t] += a * x[src + t];
    }
    solveChain(values, offset, offset + k, k, wo, 0, batch);
    for (let p = 0; p < k; p++) {
      const dst = own[o0 + p] * batch;
      const src = p * batch;
      for (let t = 0; t < batch; t++) x[dst + t] -= wo[src + t];
    }
    return;
  }
  gather(x, own, o0, k, wo, batch);
  if (m > 0) {
    gather(x, boundary, b0, m, wb, batch);
    subtractL21Transposed(values, offset + triangle(k), m, k, wb, wo, batch);
  }
  backwardL11(values, offset, k, wo, batch);
  scatter(x, own, o0, k, wo, batch);
}
