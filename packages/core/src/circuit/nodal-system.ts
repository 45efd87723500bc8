import { type NodalLayout, colNode, rowNode } from './layout.js';
import type { CrossbarNetwork } from './network.js';

/**
 * The nodal equations A x = b of a crossbar: A is the symmetric positive definite conductance
 * matrix over the unknown node voltages (siemens), b collects the currents injected by the row
 * drivers (amperes). b and the column currents are linear in the inputs, so they are stored as taps.
 */
export interface NodalSystem {
  readonly layout: NodalLayout;
  /** Unknowns n. */
  readonly size: number;
  /** Diagonal of A: the total conductance at each node, in siemens. */
  readonly diagonal: Float64Array;
  /** Off-diagonal entries of A in compressed rows (both triangles): row v is rowStart[v] .. rowStart[v+1]-1. */
  readonly rowStart: Int32Array;
  readonly neighbour: Int32Array;
  /** A[v][neighbour] = -(conductance between the two nodes), in siemens. */
  readonly offDiagonal: Float64Array;
  /** b[sourceNode[t]] += sourceSiemens[t] * V[sourceInput[t]]. */
  readonly sourceNode: Int32Array;
  readonly sourceSiemens: Float64Array;
  readonly sourceInput: Int32Array;
  /** I[outputColumn[t]] += outputSiemens[t] * x[outputNode[t]] (current into the sense amplifier). */
  readonly outputNode: Int32Array;
  readonly outputSiemens: Float64Array;
  readonly outputColumn: Int32Array;
  /** I[directColumn[t]] += directSiemens[t] * V[directInput[t]] (cells between two known nodes). */
  readonly directInput: Int32Array;
  readonly directSiemens: Float64Array;
  readonly directColumn: Int32Array;
}

/** Fixed-capacity lists of (node or input, siemens, input or column) taps. */
class Taps {
  readonly first: Int32Array;
  readonly siemens: Float64Array;
  readonly third: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.first = new Int32Array(capacity);
    this.siemens = new Float64Array(capacity);
    this.third = new Int32Array(capacity);
  }
  add(first: number, siemens: number, third: number): void {
    this.first[this.length] = first;
    this.siemens[this.length] = siemens;
    this.third[this.length++] = third;
  }
}

/** The edges (two-terminal conductances between two unknowns) of the network, in typed arrays. */
class Edges {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly siemens: Float64Array;
  length = 0;
  constructor(
    capacity: number,
    readonly degree: Int32Array,
    readonly diagonal: Float64Array,
  ) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.siemens = new Float64Array(capacity);
  }
  add(a: number, b: number, g: number): void {
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.siemens[this.length++] = g;
    this.degree[a]++;
    this.degree[b]++;
    this.diagonal[a] += g;
    this.diagonal[b] += g;
  }
}

/**
 * Assembles the nodal system of `network` with the given per-cell conductances (siemens, M x N;
 * normally the effective linear conductances, or the Newton linearization of nonlinear cells).
 * Every cell is an entry of A even when its conductance is 0, so the sparsity structure depends only
 * on the layout and one symbolic analysis serves every assembly.
 */
export function assembleNodalSystem(network: CrossbarNetwork, layout: NodalLayout, cellSiemens: Float64Array): NodalSystem {
  const { rows: m, cols: n } = layout;
  const r = network.resistances;
  const size = layout.unknowns;
  const diagonal = new Float64Array(size);
  const edges = new Edges(m * n + m * Math.max(n - 1, 0) + n * Math.max(m - 1, 0), new Int32Array(size), diagonal);
  const sides = network.drive === 'both-sides' ? 2 : 1;
  // cells with one known end become taps instead of edges: size the lists for that only when needed
  const { rowMode, colMode } = layout;
  const sources = new Taps(sides * m + (rowMode === 'known' && colMode !== 'known' ? m * n : 0));
  const outputs = new Taps(n + (colMode === 'known' && rowMode !== 'known' ? m * n : 0));
  const direct = new Taps(rowMode === 'known' && colMode === 'known' ? m * n : 0);

  // Row wires and drivers.
  if (layout.rowMode === 'chain') {
    const gSegment = 1 / r.rowSegmentOhms;
    const gDrive = 1 / (r.sourceOhms + r.rowSegmentOhms);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j + 1 < n; j++) edges.add(rowNode(layout, i, j), rowNode(layout, i, j + 1), gSegment);
      const ends = sides === 2 ? [0, n - 1] : [0];
      for (const j of ends) {
        const node = rowNode(layout, i, j);
        diagonal[node] += gDrive;
        sources.add(node, gDrive, i);
      }
    }
  } else if (layout.rowMode === 'lumped') {
    const gDrive = 1 / r.sourceOhms;
    for (let i = 0; i < m; i++) {
      diagonal[i] += sides * gDrive;
      sources.add(i, sides * gDrive, i);
    }
  }

  // Column wires and sense amplifiers.
  if (layout.colMode === 'chain') {
    const gSegment = 1 / r.columnSegmentOhms;
    const gSense = 1 / (r.columnSegmentOhms + r.senseOhms);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i + 1 < m; i++) edges.add(colNode(layout, i, j), colNode(layout, i + 1, j), gSegment);
      const node = colNode(layout, m - 1, j);
      diagonal[node] += gSense;
      outputs.add(node, gSense, j);
    }
  } else if (layout.colMode === 'lumped') {
    const gSense = 1 / r.senseOhms;
    for (let j = 0; j < n; j++) {
      const node = colNode(layout, 0, j);
      diagonal[node] += gSense;
      outputs.add(node, gSense, j);
    }
  }

  // Cells.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const g = cellSiemens[i * n + j];
      const rowSide = rowNode(layout, i, j);
      const colSide = colNode(layout, i, j);
      if (rowSide >= 0 && colSide >= 0) {
        edges.add(rowSide, colSide, g);
      } else if (rowSide >= 0) {
        // column at 0 V: the cell current flows straight into the sense amplifier
        diagonal[rowSide] += g;
        outputs.add(rowSide, g, j);
      } else if (colSide >= 0) {
        diagonal[colSide] += g;
        sources.add(colSide, g, i);
      } else {
        direct.add(i, g, j);
      }
    }
  }

  const { rowStart, neighbour, offDiagonal } = compressedRows(edges, size);
  return {
    layout,
    size,
    diagonal,
    rowStart,
    neighbour,
    offDiagonal,
    sourceNode: sources.first.slice(0, sources.length),
    sourceSiemens: sources.siemens.slice(0, sources.length),
    sourceInput: sources.third.slice(0, sources.length),
    outputNode: outputs.first.slice(0, outputs.length),
    outputSiemens: outputs.siemens.slice(0, outputs.length),
    outputColumn: outputs.third.slice(0, outputs.length),
    directInput: direct.first.slice(0, direct.length),
    directSiemens: direct.siemens.slice(0, direct.length),
    directColumn: direct.third.slice(0, direct.length),
  };
}

/** The off-diagonal entries of A in compressed rows (both triangles) from the edge list. */
function compressedRows(edges: Edges, size: number): { rowStart: Int32Array; neighbour: Int32Array; offDiagonal: Float64Array } {
  const rowStart = new Int32Array(size + 1);
  for (let v = 0; v < size; v++) rowStart[v + 1] = rowStart[v] + edges.degree[v];
  const fill = rowStart.slice(0, size);
  const neighbour = new Int32Array(rowStart[size]);
  const offDiagonal = new Float64Array(rowStart[size]);
  for (let e = 0; e < edges.length; e++) {
    const a = edges.a[e];
    const b = edges.b[e];
    const g = edges.siemens[e];
    neighbour[fill[a]] = b;
    offDiagonal[fill[a]++] = -g;
    neighbour[fill[b]] = a;
    offDiagonal[fill[b]++] = -g;
  }
  return { rowStart, neighbour, offDiagonal };
}

/**
 * The right-hand sides for a batch of input vectors, node-major: rhs[v * batch + t] is the current
 * (amperes) injected into node v by input vector t (inputs are B x M volts, row-major).
 */
export function rightHandSides(system: NodalSystem, inputs: Float64Array, first: number, batch: number): Float64Array {
  const rows = system.layout.rows;
  const rhs = new Float64Array(system.size * batch);
  for (let s = 0; s < system.sourceNode.length; s++) {
    const base = system.sourceNode[s] * batch;
    const g = system.sourceSiemens[s];
    const input = system.sourceInput[s];
    for (let t = 0; t < batch; t++) rhs[base + t] += g * inputs[(first + t) * rows + input];
  }
  return rhs;
}

/** Column currents (amperes) from node voltages x (node-major, `batch` columns) into out[(first+t)*N + j]. */
export function columnCurrents(
  system: NodalSystem,
  voltages: Float64Array,
  inputs: Float64Array,
  first: number,
  batch: number,
  out: Float64Array,
): void {
  const { rows, cols } = system.layout;
  for (let s = 0; s < system.outputNode.length; s++) {
    const base = system.outputNode[s] * batch;
    const g = system.outputSiemens[s];
    const column = system.outputColumn[s];
    for (let t = 0; t < batch; t++) out[(first + t) * cols + column] += g * voltages[base + t];
  }
  for (let s = 0; s < system.directInput.length; s++) {
    const g = system.directSiemens[s];
    const column = system.directColumn[s];
    const input = system.directInput[s];
    for (let t = 0; t < batch; t++) out[(first + t) * cols + column] += g * inputs[(first + t) * rows + input];
  }
}

/** residual = b - A x for node-major blocks of `batch` vectors. */
export function residual(system: NodalSystem, x: Float64Array, b: Float64Array, batch: number, out: Float64Array): void {
  const { diagonal, rowStart, neighbour, offDiagonal } = system;
  for (let v = 0; v < system.size; v++) {
    const base = v * batch;
    const d = diagonal[v];
    for (let t = 0; t < batch; t++) out[base + t] = b[base + t] - d * x[base + t];
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
      const w = neighbour[e] * batch;
      const a = offDiagonal[e];
      for (let t = 0; t < batch; t++) out[base + t] -= a * x[w + t];
    }
  }
}
