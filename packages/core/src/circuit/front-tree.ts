import { type NodalLayout, colNode, rowNode } from './layout.js';

/**
 * One front of the elimination tree: a set of unknowns eliminated together.
 * - `dense`: eliminated by a dense partial Cholesky factorization (separators, small leaf blocks).
 * - `chain`: a path of unknowns (a stretch of one wire) coupled only to its neighbours along the
 *   path and to later fronts; eliminated by a tridiagonal factorization in O(length) per solve.
 *   `own` lists the chain in path order. A chain front has no children.
 */
export interface TreeFront {
  readonly kind: 'dense' | 'chain';
  readonly own: Int32Array;
  readonly children: Int32Array;
}

/** Fronts in post-order (children before parents); fronts without a parent are roots. */
export interface FrontTree {
  readonly fronts: readonly TreeFront[];
}

/** Leaf regions of at most this many cells are eliminated as one dense block (2 unknowns per cell). */
const LEAF_CELLS = 16;

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
  const fronts: TreeFront[] = [];
  const push = (kind: 'dense' | 'chain', own: number[], children: number[]): number => {
    fronts.push({ kind, own: Int32Array.from(own), children: Int32Array.from(children.filter((c) => c >= 0)) });
    return fronts.length - 1;
  };
  const { rows: m, cols: n, rowMode, colMode } = layout;

  if (rowMode === 'chain' && colMode === 'chain') {
    const region = (i0: number, i1: number, j0: number, j1: number): number => {
      const height = i1 - i0;
      const width = j1 - j0;
      if (height <= 0 || width <= 0) return -1;
      if (height * width <= LEAF_CELLS) {
        const own: number[] = [];
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) own.push(rowNode(layout, i, j), colNode(layout, i, j));
        }
        return push('dense', own, []);
      }
      if (width >= height) {
        const s = (j0 + j1) >> 1;
        const left = region(i0, i1, j0, s);
        const right = region(i0, i1, s + 1, j1);
        const chain: number[] = [];
        const separator: number[] = [];
        for (let i = i0; i < i1; i++) {
          chain.push(colNode(layout, i, s));
          separator.push(rowNode(layout, i, s));
        }
        const chainFront = push('chain', chain, []);
        return push('dense', separator, [left, right, chainFront]);
      }
      const s = (i0 + i1) >> 1;
      const top = region(i0, s, j0, j1);
      const bottom = region(s + 1, i1, j0, j1);
      const chain: number[] = [];
      const separator: number[] = [];
      for (let j = j0; j < j1; j++) {
        chain.push(rowNode(layout, s, j));
        separator.push(colNode(layout, s, j));
      }
      const chainFront = push('chain', chain, []);
      return push('dense', separator, [top, bottom, chainFront]);
    };
    region(0, m, 0, n);
    return { fronts };
  }

  // Flat trees: chains of one side, lumped nodes of the other side in one dense root.
  const rowLines = (): number[][] => {
    const lines: number[][] = [];
    for (let i = 0; i < m; i++) {
      if (rowMode === 'chain') lines.push(Array.from({ length: n }, (_, j) => rowNode(layout, i, j)));
      else lines.push([rowNode(layout, i, 0)]);
    }
    return lines;
  };
  const colLines = (): number[][] => {
    const lines: number[][] = [];
    for (let j = 0; j < n; j++) {
      if (colMode === 'chain') lines.push(Array.from({ length: m }, (_, i) => colNode(layout, i, j)));
      else lines.push([colNode(layout, 0, j)]);
    }
    return lines;
  };
  let chains: number[][] = [];
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
  const children = chains.map((line) => push('chain', line, []));
  if (root.length > 0) push('dense', root, children);
  return { fronts };
}
