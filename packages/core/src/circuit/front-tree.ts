import { type NodalLayout, colNode, rowNode } from './layout.js';

/**
 * Elimination tree of dense and chain fronts, stored flat (one typed array per field for all
 * fronts, sliced by start offsets): a 1024 x 1024 array has ~200 000 fronts, and one small typed
 * array per front and field costs more time (allocation, garbage collection) than the arithmetic
 * of the small fronts.
 *
 * Front f:
 * - `chain[f]` 0: a dense front, eliminated by a dense partial Cholesky factorization (separators,
 *   small leaf blocks); 1: a chain front, a path of unknowns (a stretch of one wire) coupled only to
 *   its neighbours along the path and to later fronts, eliminated by a tridiagonal factorization in
 *   O(length) per solve. A chain front has no children.
 * - its own unknowns are `own[ownStart[f] .. ownStart[f+1])` (path order for a chain),
 * - its children are `children[childStart[f] .. childStart[f+1])`.
 * Fronts are in post-order (children before parents); fronts without a parent are roots. Every
 * unknown is owned by exactly one front, so `own` is the elimination order (the position of an
 * unknown in `own` is its rank).
 */
export interface FrontTree {
  readonly count: number;
  readonly chain: Uint8Array;
  readonly ownStart: Int32Array;
  readonly own: Int32Array;
  readonly childStart: Int32Array;
  readonly children: Int32Array;
}

/**
 * Leaf regions of at most this many cells are eliminated as one dense block (2 unknowns per cell).
 * Smaller leaves mean more, cheaper fronts; measured at 512 x 512, 4, 8 and 16 cells are within a few
 * per cent of each other (8 the fastest), 32 is slower (dense leaf blocks waste operations).
 */
const LEAF_CELLS = 8;

/** Appends fronts in post-order; own unknowns are written straight into the final array. */
class FrontTreeBuilder {
  private readonly chainFlags: number[] = [];
  private readonly ownStarts: number[] = [0];
  private readonly childStarts: number[] = [0];
  private readonly childList: number[] = [];
  private readonly ownNodes: Int32Array;
  private ownCount = 0;

  constructor(unknowns: number) {
    this.ownNodes = new Int32Array(unknowns);
  }

  /** Records an own unknown of the front being built (call before `close`). */
  addOwn(node: number): void {
    this.ownNodes[this.ownCount++] = node;
  }

  /** Closes the front whose own unknowns were just added; returns its index. Negative children are skipped. */
  close(chain: boolean, children: readonly number[]): number {
    for (const c of children) if (c >= 0) this.childList.push(c);
    this.chainFlags.push(chain ? 1 : 0);
    this.ownStarts.push(this.ownCount);
    this.childStarts.push(this.childList.length);
    return this.chainFlags.length - 1;
  }

  finish(): FrontTree {
    if (this.ownCount !== this.ownNodes.length) throw new Error('front tree does not own every unknown once');
    return {
      count: this.chainFlags.length,
      chain: Uint8Array.from(this.chainFlags),
      ownStart: Int32Array.from(this.ownStarts),
      own: this.ownNodes,
      childStart: Int32Array.from(this.childStarts),
      children: Int32Array.from(this.childList),
    };
  }
}

/**
 * Elimination tree of a crossbar's nodal system: the fill-reducing order of the sparse Cholesky
 * factorization. Row wires couple only along rows and column wires only along columns, so:
 * - a vertical line of row-wire nodes r(., s) alone separates the cells left of column s from those
 *   right of it; the column wire c(., s) under that line is then a free chain that only touches the
 *   separator (and two outer column nodes). Likewise a horizontal line of column-wire nodes c(s, .)
 *   separates the rows above and below row s, leaving the row wire r(s, .) as a chain.
 * - nested dissection applies this recursively (cutting the longer side of each rectangle), down to
 *   blocks of LEAF_CELLS cells. Separators have one unknown per cell of the cut line, so the top
 *   separator of an n x n array is an n x n dense block: factorization costs O(n^3) and the factor
 *   holds O(n^2 log n) numbers, as for nested dissection of a 2-D grid.
 * Arrays with an ideal wire side (lumped or known nodes) use a flat tree instead: every wire of the
 * other side is a chain, under one dense root holding the lumped nodes (if any).
 */
export function buildFrontTree(layout: NodalLayout): FrontTree {
  const builder = new FrontTreeBuilder(layout.unknowns);
  if (layout.rowMode === 'chain' && layout.colMode === 'chain') dissect(builder, layout, 0, layout.rows, 0, layout.cols);
  else flatTree(builder, layout);
  return builder.finish();
}

/** Nested dissection of the cells [i0, i1) x [j0, j1); returns the front of the region's top separator (or -1 if empty). */
function dissect(builder: FrontTreeBuilder, layout: NodalLayout, i0: number, i1: number, j0: number, j1: number): number {
  const height = i1 - i0;
  const width = j1 - j0;
  if (height <= 0 || width <= 0) return -1;
  if (height * width <= LEAF_CELLS) {
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        builder.addOwn(rowNode(layout, i, j));
        builder.addOwn(colNode(layout, i, j));
      }
    }
    return builder.close(false, []);
  }
  if (width >= height) {
    // vertical cut at column s: separator r(., s), chain c(., s)
    const s = (j0 + j1) >> 1;
    const left = dissect(builder, layout, i0, i1, j0, s);
    const right = dissect(builder, layout, i0, i1, s + 1, j1);
    for (let i = i0; i < i1; i++) builder.addOwn(colNode(layout, i, s));
    const chain = builder.close(true, []);
    for (let i = i0; i < i1; i++) builder.addOwn(rowNode(layout, i, s));
    return builder.close(false, [left, right, chain]);
  }
  // horizontal cut at row s: separator c(s, .), chain r(s, .)
  const s = (i0 + i1) >> 1;
  const top = dissect(builder, layout, i0, s, j0, j1);
  const bottom = dissect(builder, layout, s + 1, i1, j0, j1);
  for (let j = j0; j < j1; j++) builder.addOwn(rowNode(layout, s, j));
  const chain = builder.close(true, []);
  for (let j = j0; j < j1; j++) builder.addOwn(colNode(layout, s, j));
  return builder.close(false, [top, bottom, chain]);
}

/** Flat tree for an ideal side: chains of one side, lumped nodes of the other side in one dense root. */
function flatTree(builder: FrontTreeBuilder, layout: NodalLayout): void {
  const { rows: m, cols: n, rowMode, colMode } = layout;
  // each line: the wire's nodes (chain mode) or its single lumped node
  const rowLine = (i: number): number[] =>
    rowMode === 'chain' ? Array.from({ length: n }, (_, j) => rowNode(layout, i, j)) : [rowNode(layout, i, 0)];
  const colLine = (j: number): number[] =>
    colMode === 'chain' ? Array.from({ length: m }, (_, i) => colNode(layout, i, j)) : [colNode(layout, 0, j)];
  const rowLines = (): number[][] => Array.from({ length: m }, (_, i) => rowLine(i));
  const colLines = (): number[][] => Array.from({ length: n }, (_, j) => colLine(j));
  let chains: number[][];
  let root: number[] = [];
  if (rowMode === 'known') chains = colMode === 'known' ? [] : colLines();
  else if (colMode === 'known') chains = rowLines();
  else if (rowMode === 'lumped' && colMode === 'lumped') {
    // the smaller side in the dense root, the other side's single nodes as 1-node chains
    if (m <= n) {
      root = rowLines().map((line) => line[0]);
      chains = colLines();
    } else {
      root = colLines().map((line) => line[0]);
      chains = rowLines();
    }
  } else if (rowMode === 'lumped') {
    root = rowLines().map((line) => line[0]);
    chains = colLines();
  } else {
    root = colLines().map((line) => line[0]);
    chains = rowLines();
  }
  const children = chains.map((line) => {
    for (const node of line) builder.addOwn(node);
    return builder.close(true, []);
  });
  if (root.length > 0) {
    for (const node of root) builder.addOwn(node);
    builder.close(false, children);
  }
}
