import { NotPositiveDefiniteError, choleskyInPlace, solveLowerTransposedRows, subtractGramLower } from './dense-kernels.js';
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
 */
export interface SymbolicFront {
  readonly kind: 'dense' | 'chain';
  readonly own: Int32Array;
  /** Unknowns outside the front that its own unknowns are coupled to (after fill), all eliminated later. */
  readonly boundary: Int32Array;
  readonly children: Int32Array;
  /** For each child c, the position in this front (own first, then boundary) of each of c's boundary unknowns. */
  readonly childPositions: readonly Int32Array[];
  /** Chain fronts: couplings of chain node couplingNode[q] to boundary unknown couplingBoundary[q], entry couplingEntry[q] of A's rows. */
  readonly couplingNode: Int32Array;
  readonly couplingBoundary: Int32Array;
  readonly couplingEntry: Int32Array;
  /** Chain fronts: entry of A between own[k] and own[k+1]. */
  readonly chainEntry: Int32Array;
}

export interface SymbolicFactorization {
  readonly size: number;
  readonly fronts: readonly SymbolicFront[];
  /** Numbers stored by the numeric factor (a measure of fill). */
  readonly factorEntries: number;
  /** Offset of each front's numbers in the factor's single value array. */
  readonly frontOffset: Int32Array;
  /** Peak size of the stack of pending Schur-complement updates (numbers). */
  readonly stackEntries: number;
  /** Largest own block k*k and boundary block m*m of a dense front (workspace sizes). */
  readonly maxBoundarySquared: number;
}

/** Symbolic analysis of `system`'s structure along `tree`. */
export function analyse(system: NodalSystem, tree: FrontTree): SymbolicFactorization {
  const n = system.size;
  const eliminated = new Uint8Array(n);
  const position = new Int32Array(n).fill(-1);
  const mark = new Int32Array(n).fill(-1);
  const fronts: SymbolicFront[] = [];
  let factorEntries = 0;
  const frontOffset = new Int32Array(tree.fronts.length);
  let stackTop = 0;
  let stackEntries = 0;
  let maxBoundarySquared = 0;
  const boundaryBuffer = new Int32Array(n);
  const { rowStart, neighbour } = system;
  for (let f = 0; f < tree.fronts.length; f++) {
    const { kind, own, children } = tree.fronts[f];
    for (let p = 0; p < own.length; p++) mark[own[p]] = f;
    let boundaryCount = 0;
    for (let c = 0; c < children.length; c++) {
      const childBoundary = fronts[children[c]].boundary;
      for (let p = 0; p < childBoundary.length; p++) {
        const v = childBoundary[p];
        if (mark[v] !== f) {
          mark[v] = f;
          boundaryBuffer[boundaryCount++] = v;
        }
      }
      const cm = childBoundary.length;
      stackTop -= cm * cm;
    }
    for (let p = 0; p < own.length; p++) {
      const v = own[p];
      for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
        const w = neighbour[e];
        if (!eliminated[w] && mark[w] !== f) {
          mark[w] = f;
          boundaryBuffer[boundaryCount++] = w;
        }
      }
    }
    const boundaryArray = boundaryBuffer.slice(0, boundaryCount);
    const m = boundaryCount;
    frontOffset[f] = factorEntries;
    stackTop += m * m;
    if (stackTop > stackEntries) stackEntries = stackTop;
    if (m * m > maxBoundarySquared) maxBoundarySquared = m * m;
    for (let p = 0; p < own.length; p++) position[own[p]] = p;
    for (let p = 0; p < boundaryArray.length; p++) position[boundaryArray[p]] = own.length + p;
    const childPositions: Int32Array[] = [];
    for (let c = 0; c < children.length; c++) {
      const childBoundary = fronts[children[c]].boundary;
      const positions = new Int32Array(childBoundary.length);
      for (let p = 0; p < positions.length; p++) positions[p] = position[childBoundary[p]];
      childPositions.push(positions);
    }

    let couplingNode = new Int32Array(0);
    let couplingBoundary = new Int32Array(0);
    let couplingEntry = new Int32Array(0);
    let chainEntry = new Int32Array(0);
    if (kind === 'chain') {
      if (children.length > 0) throw new Error('a chain front cannot have children');
      const nodes: number[] = [];
      const bounds: number[] = [];
      const entries: number[] = [];
      chainEntry = new Int32Array(Math.max(own.length - 1, 0)).fill(-1);
      for (let k = 0; k < own.length; k++) {
        const v = own[k];
        for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
          const w = neighbour[e];
          const pw = position[w];
          if (pw >= own.length) {
            nodes.push(k);
            bounds.push(pw - own.length);
            entries.push(e);
          } else if (pw === k + 1) {
            chainEntry[k] = e;
          } else if (pw !== k - 1) {
            throw new Error('chain front is not a path');
          }
        }
      }
      couplingNode = Int32Array.from(nodes);
      couplingBoundary = Int32Array.from(bounds);
      couplingEntry = Int32Array.from(entries);
      factorEntries += 2 * own.length + nodes.length;
    } else {
      factorEntries += own.length * own.length + own.length * m;
    }
    for (let p = 0; p < own.length; p++) position[own[p]] = -1;
    for (let p = 0; p < boundaryArray.length; p++) position[boundaryArray[p]] = -1;
    for (let p = 0; p < own.length; p++) eliminated[own[p]] = 1;
    fronts.push({
      kind,
      own,
      boundary: boundaryArray,
      children,
      childPositions,
      couplingNode,
      couplingBoundary,
      couplingEntry,
      chainEntry,
    });
  }
  if (factorEntries > 2 ** 31 - 1 || stackEntries > 2 ** 31 - 1) {
    throw new RangeError(`the factor would hold ${factorEntries} numbers: array too large for this solver`);
  }
  return { size: n, fronts, factorEntries, frontOffset, stackEntries, maxBoundarySquared };
}

/**
 * Numeric factor: all fronts' numbers in one array (one allocation, no garbage per front).
 * Dense front at offset o: L11 (k x k, row-major lower) then L21 (m x k). Chain front: pivots (k),
 * multipliers (k-1), coupling values (one per coupling).
 */
export interface NumericFactorization {
  readonly symbolic: SymbolicFactorization;
  readonly values: Float64Array;
}

/** Adds a child's update (lower triangle of an mc x mc matrix at stack[base..]) into a front's blocks. */
function extendAdd(
  stack: Float64Array,
  base: number,
  positions: Int32Array,
  k: number,
  m: number,
  values: Float64Array,
  l11: number,
  l21: number,
  a22: Float64Array,
): void {
  const mc = positions.length;
  for (let a = 0; a < mc; a++) {
    const pa = positions[a];
    const row = base + a * mc;
    for (let b = 0; b <= a; b++) {
      const pb = positions[b];
      const value = stack[row + b];
      const hi = pa > pb ? pa : pb;
      const lo = pa > pb ? pb : pa;
      if (hi < k) values[l11 + hi * k + lo] += value;
      else if (lo < k) values[l21 + (hi - k) * k + lo] += value;
      else a22[(hi - k) * m + (lo - k)] += value;
    }
  }
}

/** Solves the tridiagonal system (LDL^T: pivots at values[d..], multipliers at values[l..]) in place, node-major `batch` columns. */
function solveChain(values: Float64Array, d: number, l: number, length: number, x: Float64Array, batch: number): void {
  for (let k = 1; k < length; k++) {
    const multiplier = values[l + k - 1];
    const base = k * batch;
    for (let t = 0; t < batch; t++) x[base + t] -= multiplier * x[base - batch + t];
  }
  for (let k = length - 1; k >= 0; k--) {
    const base = k * batch;
    const pivot = values[d + k];
    if (k + 1 < length) {
      const multiplier = values[l + k];
      for (let t = 0; t < batch; t++) x[base + t] = x[base + t] / pivot - multiplier * x[base + batch + t];
    } else {
      for (let t = 0; t < batch; t++) x[base + t] /= pivot;
    }
  }
}

/** Numeric factorization; throws NotPositiveDefiniteError for a non-physical (non-SPD) system. */
export function factorize(symbolic: SymbolicFactorization, system: NodalSystem): NumericFactorization {
  const { diagonal, rowStart, neighbour, offDiagonal } = system;
  const position = new Int32Array(symbolic.size).fill(-1);
  const values = new Float64Array(symbolic.factorEntries);
  const stack = new Float64Array(symbolic.stackEntries);
  const a22 = new Float64Array(symbolic.maxBoundarySquared);
  let stackTop = 0;
  let chainWork = new Float64Array(0);
  const fronts = symbolic.fronts;
  for (let f = 0; f < fronts.length; f++) {
    const front = fronts[f];
    const k = front.own.length;
    const m = front.boundary.length;
    const offset = symbolic.frontOffset[f];
    if (front.kind === 'chain') {
      const d = offset;
      const l = d + k;
      const c = l + k - 1;
      for (let p = 0; p < k; p++) values[d + p] = diagonal[front.own[p]];
      // LDL^T of the path: d_{p+1} = a_{p+1} - e_p^2 / d_p
      for (let p = 0; p + 1 < k; p++) {
        if (!(values[d + p] > 0)) throw new NotPositiveDefiniteError(`chain pivot ${p} is ${values[d + p]}`);
        const e = offDiagonal[front.chainEntry[p]];
        values[l + p] = e / values[d + p];
        values[d + p + 1] -= values[l + p] * e;
      }
      if (!(values[d + k - 1] > 0)) throw new NotPositiveDefiniteError(`chain pivot ${k - 1} is ${values[d + k - 1]}`);
      const couplings = front.couplingNode.length;
      for (let q = 0; q < couplings; q++) values[c + q] = offDiagonal[front.couplingEntry[q]];
      if (m > 0) {
        // update = -C^T T^{-1} C, column by column: w = T^{-1} (coupling q's column of C)
        const base = stackTop;
        stack.fill(0, base, base + m * m);
        if (chainWork.length < k) chainWork = new Float64Array(k);
        const w = chainWork;
        for (let q = 0; q < couplings; q++) {
          w.fill(0, 0, k);
          w[front.couplingNode[q]] = values[c + q];
          solveChain(values, d, l, k, w, 1);
          const bq = front.couplingBoundary[q];
          for (let p = 0; p < couplings; p++) {
            const bp = front.couplingBoundary[p];
            if (bp >= bq) stack[base + bp * m + bq] -= values[c + p] * w[front.couplingNode[p]];
          }
        }
        stackTop += m * m;
      }
      continue;
    }
    // dense front: assemble own rows of A and the children's updates
    const l11 = offset;
    const l21 = offset + k * k;
    values.fill(0, l11, l21 + m * k);
    a22.fill(0, 0, m * m);
    for (let p = 0; p < k; p++) position[front.own[p]] = p;
    for (let p = 0; p < m; p++) position[front.boundary[p]] = k + p;
    for (let p = 0; p < k; p++) {
      const v = front.own[p];
      values[l11 + p * k + p] += diagonal[v];
      for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
        const q = position[neighbour[e]];
        if (q < 0) continue; // eliminated earlier: its effect arrived through a child's update
        if (q < p) values[l11 + p * k + q] += offDiagonal[e];
        else if (q >= k) values[l21 + (q - k) * k + p] += offDiagonal[e];
      }
    }
    for (let p = 0; p < k; p++) position[front.own[p]] = -1;
    for (let p = 0; p < m; p++) position[front.boundary[p]] = -1;
    // the children's updates are on top of the stack, in order
    let childBase = stackTop;
    for (let c = front.children.length - 1; c >= 0; c--) {
      const mc = front.childPositions[c].length;
      childBase -= mc * mc;
    }
    let cursor = childBase;
    for (let c = 0; c < front.children.length; c++) {
      const positions = front.childPositions[c];
      extendAdd(stack, cursor, positions, k, m, values, l11, l21, a22);
      cursor += positions.length * positions.length;
    }
    stackTop = childBase;
    const l11View = values.subarray(l11, l11 + k * k);
    choleskyInPlace(l11View, k);
    if (m > 0) {
      const l21View = values.subarray(l21, l21 + m * k);
      solveLowerTransposedRows(l11View, k, l21View, m);
      subtractGramLower(l21View, m, k, a22);
      stack.set(a22.subarray(0, m * m), stackTop);
      stackTop += m * m;
    }
  }
  return { symbolic, values };
}

/** Copies rows `nodes` of the node-major x into the compact block `into`. */
function gather(x: Float64Array, nodes: Int32Array, into: Float64Array, batch: number): void {
  if (batch === 1) {
    for (let p = 0; p < nodes.length; p++) into[p] = x[nodes[p]];
    return;
  }
  for (let p = 0; p < nodes.length; p++) {
    const src = nodes[p] * batch;
    const dst = p * batch;
    for (let t = 0; t < batch; t++) into[dst + t] = x[src + t];
  }
}

/** Copies the compact block `from` back into rows `nodes` of x. */
function scatter(x: Float64Array, nodes: Int32Array, from: Float64Array, batch: number): void {
  if (batch === 1) {
    for (let p = 0; p < nodes.length; p++) x[nodes[p]] = from[p];
    return;
  }
  for (let p = 0; p < nodes.length; p++) {
    const dst = nodes[p] * batch;
    const src = p * batch;
    for (let t = 0; t < batch; t++) x[dst + t] = from[src + t];
  }
}

/** wb -= L21 wo (L21 m x k at values[l21..]), blocks of `batch` columns. */
function subtractL21(values: Float64Array, l21: number, m: number, k: number, wo: Float64Array, wb: Float64Array, batch: number): void {
  for (let a = 0; a < m; a++) {
    const ra = l21 + a * k;
    if (batch === 1) {
      let s = 0;
      for (let j = 0; j < k; j++) s += values[ra + j] * wo[j];
      wb[a] -= s;
      continue;
    }
    const ba = a * batch;
    for (let j = 0; j < k; j++) {
      const l = values[ra + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wb[ba + t] -= l * wo[bj + t];
    }
  }
}

/** wo -= L21^T xb. */
function subtractL21Transposed(values: Float64Array, l21: number, m: number, k: number, xb: Float64Array, wo: Float64Array, batch: number): void {
  for (let a = 0; a < m; a++) {
    const ra = l21 + a * k;
    if (batch === 1) {
      const xa = xb[a];
      for (let j = 0; j < k; j++) wo[j] -= values[ra + j] * xa;
      continue;
    }
    const ba = a * batch;
    for (let j = 0; j < k; j++) {
      const l = values[ra + j];
      const bj = j * batch;
      for (let t = 0; t < batch; t++) wo[bj + t] -= l * xb[ba + t];
    }
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
  const fronts = symbolic.fronts;
  const forward = new Uint8Array(fronts.length);
  const backward = new Uint8Array(fronts.length);
  for (let f = 0; f < fronts.length; f++) {
    const front = fronts[f];
    for (let p = 0; p < front.own.length; p++) {
      if (source[front.own[p]]) forward[f] = 1;
      if (wanted[front.own[p]]) backward[f] = 1;
    }
    for (let c = 0; c < front.children.length; c++) {
      if (forward[front.children[c]]) forward[f] = 1;
      if (backward[front.children[c]]) backward[f] = 1;
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
  const { symbolic, values } = factor;
  const fronts = symbolic.fronts;
  let maxOwn = 0;
  let maxBoundary = 0;
  for (const front of fronts) {
    if (front.own.length > maxOwn) maxOwn = front.own.length;
    if (front.boundary.length > maxBoundary) maxBoundary = front.boundary.length;
  }
  const wo = new Float64Array(maxOwn * batch);
  const wb = new Float64Array(maxBoundary * batch);

  // forward: y_own = L11^{-1} b_own, b_boundary -= L21 y_own
  for (let f = 0; f < fronts.length; f++) {
    if (mask && !mask.forward[f]) continue;
    const front = fronts[f];
    const offset = symbolic.frontOffset[f];
    const k = front.own.length;
    const m = front.boundary.length;
    gather(x, front.own, wo, batch);
    if (front.kind === 'chain') {
      const c = offset + 2 * k - 1;
      solveChain(values, offset, offset + k, k, wo, batch);
      scatter(x, front.own, wo, batch);
      for (let q = 0; q < front.couplingNode.length; q++) {
        const a = values[c + q];
        const src = front.couplingNode[q] * batch;
        const dst = front.boundary[front.couplingBoundary[q]] * batch;
        for (let t = 0; t < batch; t++) x[dst + t] -= a * wo[src + t];
      }
      continue;
    }
    const l11 = offset;
    for (let i = 0; i < k; i++) {
      const ri = l11 + i * k;
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
    scatter(x, front.own, wo, batch);
    if (m > 0) {
      gather(x, front.boundary, wb, batch);
      subtractL21(values, offset + k * k, m, k, wo, wb, batch);
      scatter(x, front.boundary, wb, batch);
    }
  }

  // backward: x_own = L11^{-T} (y_own - L21^T x_boundary)
  for (let f = fronts.length - 1; f >= 0; f--) {
    if (mask && !mask.backward[f]) continue;
    const front = fronts[f];
    const offset = symbolic.frontOffset[f];
    const k = front.own.length;
    const m = front.boundary.length;
    if (front.kind === 'chain') {
      // x = y - T^{-1} C x_boundary
      const c = offset + 2 * k - 1;
      wo.fill(0, 0, k * batch);
      for (let q = 0; q < front.couplingNode.length; q++) {
        const a = values[c + q];
        const dst = front.couplingNode[q] * batch;
        const src = front.boundary[front.couplingBoundary[q]] * batch;
        for (let t = 0; t < batch; t++) wo[dst + t] += a * x[src + t];
      }
      solveChain(values, offset, offset + k, k, wo, batch);
      for (let p = 0; p < k; p++) {
        const dst = front.own[p] * batch;
        const src = p * batch;
        for (let t = 0; t < batch; t++) x[dst + t] -= wo[src + t];
      }
      continue;
    }
    gather(x, front.own, wo, batch);
    if (m > 0) {
      gather(x, front.boundary, wb, batch);
      subtractL21Transposed(values, offset + k * k, m, k, wb, wo, batch);
    }
    const l11 = offset;
    for (let i = k - 1; i >= 0; i--) {
      const ri = l11 + i * k;
      const bi = i * batch;
      const d = values[ri + i];
      if (batch === 1) {
        const xi = wo[i] / d;
        wo[i] = xi;
        for (let j = 0; j < i; j++) wo[j] -= values[ri + j] * xi;
        continue;
      }
      for (let t = 0; t < batch; t++) wo[bi + t] /= d;
      for (let j = 0; j < i; j++) {
        const l = values[ri + j];
        const bj = j * batch;
        for (let t = 0; t < batch; t++) wo[bj + t] -= l * wo[bi + t];
      }
    }
    scatter(x, front.own, wo, batch);
  }
}
