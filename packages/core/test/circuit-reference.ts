import { type CrossbarNetwork, type CrossbarResistances, createRng } from '../src/index.js';

/**
 * Test oracle: an independent dense nodal solve of a crossbar with positive row and column segment
 * resistances (2MN unknowns, Gaussian elimination with partial pivoting). Small arrays only.
 */
export function denseReferenceCurrents(network: CrossbarNetwork, inputs: Float64Array): Float64Array {
  const { rows: m, cols: n, conductances, resistances: r } = network;
  const access = r.accessOhms ?? 0;
  const size = 2 * m * n;
  const a = new Float64Array(size * size);
  const b = new Float64Array(size);
  const row = (i: number, j: number) => i * n + j;
  const col = (i: number, j: number) => m * n + i * n + j;
  const connect = (p: number, q: number, g: number) => {
    a[p * size + p] += g;
    a[q * size + q] += g;
    a[p * size + q] -= g;
    a[q * size + p] -= g;
  };
  const gRow = 1 / r.rowSegmentOhms;
  const gCol = 1 / r.columnSegmentOhms;
  const gDrive = 1 / (r.sourceOhms + r.rowSegmentOhms);
  const gSense = 1 / (r.columnSegmentOhms + r.senseOhms);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const g = conductances[i * n + j];
      const gEff = g > 0 ? 1 / (1 / g + access) : 0;
      connect(row(i, j), col(i, j), gEff);
      if (j + 1 < n) connect(row(i, j), row(i, j + 1), gRow);
      if (i + 1 < m) connect(col(i, j), col(i + 1, j), gCol);
    }
    a[row(i, 0) * size + row(i, 0)] += gDrive;
    b[row(i, 0)] += gDrive * inputs[i];
    if (network.drive === 'both-sides') {
      a[row(i, n - 1) * size + row(i, n - 1)] += gDrive;
      b[row(i, n - 1)] += gDrive * inputs[i];
    }
  }
  for (let j = 0; j < n; j++) a[col(m - 1, j) * size + col(m - 1, j)] += gSense;
  // Gaussian elimination with partial pivoting
  for (let k = 0; k < size; k++) {
    let pivot = k;
    for (let i = k + 1; i < size; i++) if (Math.abs(a[i * size + k]) > Math.abs(a[pivot * size + k])) pivot = i;
    if (pivot !== k) {
      for (let j = 0; j < size; j++) {
        const t = a[k * size + j];
        a[k * size + j] = a[pivot * size + j];
        a[pivot * size + j] = t;
      }
      const t = b[k];
      b[k] = b[pivot];
      b[pivot] = t;
    }
    for (let i = k + 1; i < size; i++) {
      const f = a[i * size + k] / a[k * size + k];
      if (f === 0) continue;
      for (let j = k; j < size; j++) a[i * size + j] -= f * a[k * size + j];
      b[i] -= f * b[k];
    }
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < size; j++) s -= a[i * size + j] * x[j];
    x[i] = s / a[i * size + i];
  }
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = gSense * x[col(m - 1, j)];
  return out;
}

/** Largest |a - b| / |b| over the elements (b non-zero). */
export function maxRelativeError(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.abs(b[k]));
  return worst;
}

/** A random array: cells uniform in 1..100 uS from the stream (label, rows, cols) of `seed`. */
export function randomArray(
  rows: number,
  cols: number,
  seed: number,
  resistances: CrossbarResistances,
  drive?: 'one-side' | 'both-sides',
  label = 'circuit-test',
): CrossbarNetwork {
  const rng = createRng(seed, label, rows, cols);
  const conductances = new Float64Array(rows * cols);
  for (let k = 0; k < conductances.length; k++) conductances[k] = 1e-6 + 99e-6 * rng.uniform();
  return { rows, cols, conductances, resistances, drive };
}

/** `count` input voltages uniform in [low, high] from the stream (label, count) of `seed`. */
export function randomInputs(count: number, seed: number, low = 0.05, high = 0.3, label = 'circuit-inputs'): Float64Array {
  const rng = createRng(seed, label, count);
  const v = new Float64Array(count);
  for (let k = 0; k < count; k++) v[k] = low + (high - low) * rng.uniform();
  return v;
}

/** Resistances with the given segment, source and sense values (ohms). */
export const wires = (rowSegmentOhms: number, columnSegmentOhms = rowSegmentOhms, sourceOhms = 0, senseOhms = 0): CrossbarResistances => ({
  rowSegmentOhms,
  columnSegmentOhms,
  sourceOhms,
  senseOhms,
});
