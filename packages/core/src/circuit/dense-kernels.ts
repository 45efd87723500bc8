/**
 * Dense kernels of the multifrontal factorization, on row-major Float64Arrays. Written as dot
 * products over contiguous rows (cache friendly in JavaScript), with 2 x 2 register blocking in the
 * Schur-complement update, which dominates the factorization time.
 */

/** Thrown when a pivot is not positive: the matrix is not positive definite (non-physical input). */
export class NotPositiveDefiniteError extends Error {
  override readonly name = 'NotPositiveDefiniteError';
}

/** In-place Cholesky a = L L^T of a k x k row-major matrix (lower triangle read and written). */
export function choleskyInPlace(a: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    for (let j = 0; j < i; j++) {
      const rj = j * k;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / a[rj + j];
    }
    let s = a[ri + i];
    for (let p = 0; p < i; p++) s -= a[ri + p] * a[ri + p];
    if (!(s > 0)) throw new NotPositiveDefiniteError(`pivot ${i} of a ${k} x ${k} block is ${s}`);
    a[ri + i] = Math.sqrt(s);
  }
}

/**
 * Solves X L^T = B in place for X (m x k, row-major), L lower triangular k x k: every row of B
 * becomes L^{-1} applied to it. Four rows at a time share the loads of L.
 */
export function solveLowerTransposedRows(l: Float64Array, k: number, b: Float64Array, m: number): void {
  let a = 0;
  for (; a + 3 < m; a += 4) {
    const r0 = a * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    for (let j = 0; j < k; j++) {
      const rj = j * k;
      let s0 = b[r0 + j];
      let s1 = b[r1 + j];
      let s2 = b[r2 + j];
      let s3 = b[r3 + j];
      for (let p = 0; p < j; p++) {
        const lv = l[rj + p];
        s0 -= b[r0 + p] * lv;
        s1 -= b[r1 + p] * lv;
        s2 -= b[r2 + p] * lv;
        s3 -= b[r3 + p] * lv;
      }
      const d = l[rj + j];
      b[r0 + j] = s0 / d;
      b[r1 + j] = s1 / d;
      b[r2 + j] = s2 / d;
      b[r3 + j] = s3 / d;
    }
  }
  for (; a < m; a++) {
    const r0 = a * k;
    for (let j = 0; j < k; j++) {
      const rj = j * k;
      let s0 = b[r0 + j];
      for (let p = 0; p < j; p++) s0 -= b[r0 + p] * l[rj + p];
      b[r0 + j] = s0 / l[rj + j];
    }
  }
}

/** c -= x x^T on the lower triangle of the m x m row-major c, x being m x k row-major. */
export function subtractGramLower(x: Float64Array, m: number, k: number, c: Float64Array): void {
  // 4 x 2 blocks of dot products strictly below the diagonal blocks, then the rest one by one
  let a = 0;
  for (; a + 3 < m; a += 4) {
    const ra0 = a * k;
    const ra1 = ra0 + k;
    const ra2 = ra1 + k;
    const ra3 = ra2 + k;
    const ca0 = a * m;
    const ca1 = ca0 + m;
    const ca2 = ca1 + m;
    const ca3 = ca2 + m;
    let b = 0;
    for (; b + 1 < a; b += 2) {
      const rb0 = b * k;
      const rb1 = rb0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = x[rb0 + p];
        const y1 = x[rb1 + p];
        const x0 = x[ra0 + p];
        const x1 = x[ra1 + p];
        const x2 = x[ra2 + p];
        const x3 = x[ra3 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s30 += x3 * y0;
        s31 += x3 * y1;
      }
      c[ca0 + b] -= s00;
      c[ca0 + b + 1] -= s01;
      c[ca1 + b] -= s10;
      c[ca1 + b + 1] -= s11;
      c[ca2 + b] -= s20;
      c[ca2 + b + 1] -= s21;
      c[ca3 + b] -= s30;
      c[ca3 + b + 1] -= s31;
    }
    // the 4 x 4 diagonal block (columns a .. a+3), lower part
    for (let i = a; i < a + 4; i++) {
      const ri = i * k;
      const ci = i * m;
      for (let j = b; j <= i; j++) {
        const rj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += x[ri + p] * x[rj + p];
        c[ci + j] -= s;
      }
    }
  }
  for (; a < m; a++) {
    const ra = a * k;
    const ca = a * m;
    for (let b = 0; b <= a; b++) {
      const rb = b * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += x[ra + p] * x[rb + p];
      c[ca + b] -= s;
    }
  }
}
