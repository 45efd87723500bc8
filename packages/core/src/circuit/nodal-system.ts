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

/** Growable list of numbers kept in a plain array (converted to a typed array at the end). */
class Taps {
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly c: number[] = [];
  add(first: number, second: number, third: number): void {
    this.a.push(first);
    this.b.push(second);
    this.c.push(third);
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
  const degree = new Int32Array(size + 1);
  // Edges between two unknowns, in siemens.
  const edgeA: number[] = [];
  const edgeB: number[] = [];
  const edgeG: number[] = [];
  const edge = (a: number, b: number, g: number) => {
    edgeA.push(a);
    edgeB.push(b);
    edgeG.push(g);
    degree[a]++;
    degree[b]++;
    diagonal[a] += g;
    diagonal[b] += g;
  };
  const sources = new Taps();
  const outputs = new Taps();
  const direct = new Taps();
  const sides = network.drive === 'both-sides' ? 2 : 1;

  // Row wires and drivers.
  if (layout.rowMode === 'chain') {
    const gSegment = 1 / r.rowSegmentOhms;
    const gDrive = 1 / (r.sourceOhms + r.rowSegmentOhms);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j + 1 < n; j++) edge(rowNode(layout, i, j), rowNode(layout, i, j + 1), gSegment);
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
      for (let i = 0; i + 1 < m; i++) edge(colNode(layout, i, j), colNode(layout, i + 1, j), gSegment);
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
        edge(rowSide, colSide, g);
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

  // Compressed rows.
  const rowStart = new Int32Array(size + 1);
  for (let v = 0; v < size; v++) rowStart[v + 1] = rowStart[v] + degree[v];
  const fill = rowStart.slice(0, size);
  const neighbour = new Int32Array(rowStart[size]);
  const offDiagonal = new Float64Array(rowStart[size]);
  for (let e = 0; e < edgeA.length; e++) {
    const a = edgeA[e];
    const b = edgeB[e];
    neighbour[fill[a]] = b;
    offDiagonal[fill[a]++] = -edgeG[e];
    neighbour[fill[b]] = a;
    offDiagonal[fill[b]++] = -edgeG[e];
  }
  return {
    layout,
    size,
    diagonal,
    rowStart,
    neighbour,
    offDiagonal,
    sourceNode: Int32Array.from(sources.a),
    sourceSiemens: Float64Array.from(sources.b),
    sourceInput: Int32Array.from(sources.c),
    outputNode: Int32Array.from(outputs.a),
    outputSiemens: Float64Array.from(outputs.b),
    outputColumn: Int32Array.from(outputs.c),
    directInput: Int32Array.from(direct.a),
    directSiemens: Float64Array.from(direct.b),
    directColumn: Int32Array.from(direct.c),
  };
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
