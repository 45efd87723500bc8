import { describe, expect, it } from 'vitest';
import {
  NotPositiveDefiniteError,
  choleskyInPlace,
  partialCholesky,
  solveRowsAgainstLower,
  subtractGramLower,
} from '../src/circuit/dense-kernels.js';
import { createRng } from '../src/index.js';

/** A random symmetric positive definite s x s matrix (full, row-major), diagonally dominant. */
function randomSpd(s: number, seed: number): Float64Array {
  const rng = createRng(seed, 'circuit-kernels', s);
  const a = new Float64Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < i; j++) a[i * s + j] = a[j * s + i] = rng.uniform() - 0.5;
  }
  for (let i = 0; i < s; i++) a[i * s + i] = s + rng.uniform();
  return a;
}

/** Naive partial Cholesky of the leading k unknowns of the full SPD matrix a (s x s). */
function naivePartialCholesky(a: Float64Array, s: number, k: number): Float64Array {
  const f = a.slice();
  for (let j = 0; j < k; j++) {
    let d = f[j * s + j];
    for (let p = 0; p < j; p++) d -= f[j * s + p] ** 2;
    f[j * s + j] = Math.sqrt(d);
    for (let i = j + 1; i < s; i++) {
      let v = f[i * s + j];
      for (let p = 0; p < j; p++) v -= f[i * s + p] * f[j * s + p];
      f[i * s + j] = v / f[j * s + j];
    }
  }
  // Schur complement on the trailing block
  for (let i = k; i < s; i++) {
    for (let j = k; j <= i; j++) {
      let v = f[i * s + j];
      for (let p = 0; p < k; p++) v -= f[i * s + p] * f[j * s + p];
      f[i * s + j] = v;
    }
  }
  return f;
}

function maxLowerDifference(x: Float64Array, y: Float64Array, s: number): number {
  let worst = 0;
  for (let i = 0; i < s; i++) for (let j = 0; j <= i; j++) worst = Math.max(worst, Math.abs(x[i * s + j] - y[i * s + j]));
  return worst;
}

describe('dense front kernels against a naive reference', () => {
  // sizes around the blocking factors (4 rows, 3 columns) and their remainders
  const shapes: [number, number][] = [
    [1, 0],
    [1, 1],
    [2, 5],
    [3, 4],
    [4, 4],
    [5, 7],
    [7, 13],
    [12, 9],
    [13, 30],
    [33, 47],
    [64, 0],
    [50, 101],
  ];
  for (const [k, m] of shapes) {
    it(`partial Cholesky of a ${k + m} x ${k + m} front eliminating ${k}`, () => {
      const s = k + m;
      const a = randomSpd(s, 17 * k + m);
      const expected = naivePartialCholesky(a, s, k);
      const f = a.slice();
      partialCholesky(f, s, k, s);
      expect(maxLowerDifference(f, expected, s)).toBeLessThan(1e-12 * s);
    });
  }

  it('each kernel alone: Cholesky, triangular solve, Schur update', () => {
    const k = 23;
    const m = 18;
    const s = k + m;
    const a = randomSpd(s, 5);
    const expected = naivePartialCholesky(a, s, k);
    const f = a.slice();
    choleskyInPlace(f, s, k);
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) expect(f[i * s + j]).toBeCloseTo(expected[i * s + j], 12);
    solveRowsAgainstLower(f, s, k, s, k);
    for (let i = k; i < s; i++) for (let j = 0; j < k; j++) expect(f[i * s + j]).toBeCloseTo(expected[i * s + j], 12);
    subtractGramLower(f, s, k, s, k);
    expect(maxLowerDifference(f, expected, s)).toBeLessThan(1e-12 * s);
  });

  it('rejects a matrix that is not positive definite', () => {
    const f = Float64Array.from([1, 0, 2, 1]);
    expect(() => choleskyInPlace(f, 2, 2)).toThrow(NotPositiveDefiniteError);
  });
});
