import { type Matrix, createRng, matrix } from '../src/index.js';

/** A rows x cols matrix of N(0, scale^2) values from the stream (seed, 'matrix'). */
export function randomMatrix(rows: number, cols: number, seed: number | string, scale = 1): Matrix {
  const m = matrix(rows, cols);
  createRng(seed, 'matrix').fillNormal(m.data);
  for (let i = 0; i < m.data.length; i++) m.data[i] *= scale;
  return m;
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest;
}
