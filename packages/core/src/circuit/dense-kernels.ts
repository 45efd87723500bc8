/**
 * Dense kernels of the multifrontal factorization. They work on one front matrix F: s x s,
 * row-major with leading dimension `ld` (row r starts at r * ld), lower triangle only. The first k
 * rows/columns are the front's own unknowns, the rest its boundary:
 *
 *     F = [ A11  .  ]      ->   [ L11  .  ]      L11 L11^T = A11
 *         [ A21 A22 ]           [ L21  S  ]      L21 = A21 L11^{-T},  S = A22 - L21 L21^T
 *
 * Why this shape of loops: in JavaScript the fastest dense inner loop is a dot product over two
 * contiguous rows (no strided access, no store in the loop: V8 keeps the partial sums in
 * registers). Every kernel below is written so that its innermost loop runs along rows of F:
 * - the Schur update S -= L21 L21^T computes entry (a, b) as the dot product of rows a and b of
 *   L21, 4 rows a by 3 rows b at a time (12 partial sums + 3 + 1 loaded values = 16 live doubles,
 *   the x64 register file: each loaded value then feeds 3 or 4 multiply-adds instead of 1), and
 *   only on and below the diagonal (symmetry halves the work);
 * - the triangular solve L21 = A21 L11^{-T} is a dot product of a row of L21 with a row of L11,
 *   4 rows of L21 by 3 rows of L11 at a time;
 * - the Cholesky factorization of A11 is the same triangular solve, 4 rows at a time, against the
 *   part of L11 already computed, plus a small 4 x 4 diagonal block.
 * The whole working set of an inner loop (7 rows of at most ~1000 doubles) stays in L1; the rows
 * streamed by the outer loops come from L2/L3 sequentially, which the hardware prefetcher covers:
 * without further cache blocking the kernels run as fast on 1535 x 1535 fronts (1024 x 1024 arrays)
 * as on 400 x 400 ones (about 6 GFLOP/s on the 2-core EPYC used for the benchmarks).
 */

/** Thrown when a pivot is not positive: the matrix is not positive definite (non-physical input). */
export class NotPositiveDefiniteError extends Error {
  override readonly name = 'NotPositiveDefiniteError';
}

/**
 * Partial Cholesky factorization of the s x s front matrix F (see above): eliminates the first k
 * unknowns, leaving L11, L21 and the Schur complement S in place.
 */
export function partialCholesky(f: Float64Array, ld: number, k: number, s: number): void {
  choleskyInPlace(f, ld, k);
  if (s > k) {
    solveRowsAgainstLower(f, ld, k, s, k);
    subtractGramLower(f, ld, k, s, k);
  }
}

/** In-place Cholesky A = L L^T of the leading k x k block of F (lower triangle read and written). */
export function choleskyInPlace(f: Float64Array, ld: number, k: number): void {
  for (let i0 = 0; i0 < k; i0 += 4) {
    const i1 = Math.min(i0 + 4, k);
    // rows i0 .. i1-1 against the columns already factorized, then their diagonal block
    solveRowsAgainstLower(f, ld, i0, i1, i0);
    factorDiagonalBlock(f, ld, i0, i1);
  }
}

/** Finishes rows i0 .. i1-1 of L on columns i0 .. i1-1 (columns before i0 already done). */
function factorDiagonalBlock(f: Float64Array, ld: number, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const ri = i * ld;
    for (let j = i0; j < i; j++) {
      const rj = j * ld;
      let s = f[ri + j];
      for (let p = 0; p < j; p++) s -= f[ri + p] * f[rj + p];
      f[ri + j] = s / f[rj + j];
    }
    let s = f[ri + i];
    for (let p = 0; p < i; p++) s -= f[ri + p] * f[ri + p];
    if (!(s > 0)) throw new NotPositiveDefiniteError(`pivot ${i} of a dense front is ${s}`);
    f[ri + i] = Math.sqrt(s);
  }
}

/**
 * Rows r0 .. r1-1 of F, columns 0 .. cols-1: solves X L^T = B in place, L being the lower
 * triangle of F's leading cols x cols block (row j of X: x_j = (b_j - sum_{p<j} x_p L[j][p]) / L[j][j]).
 */
export function solveRowsAgainstLower(f: Float64Array, ld: number, r0: number, r1: number, cols: number): void {
  let r = r0;
  for (; r + 3 < r1; r += 4) solveFourRows(f, ld, r * ld, cols);
  for (; r < r1; r++) solveOneRow(f, ld, r * ld, cols);
}

/**
 * solveRowsAgainstLower for the 4 rows starting at x0, three columns (rows of L) per pass: the dot
 * products over the columns before j are shared (12 partial sums, as in gramBlock4x3), then the
 * three new columns are finished one after the other (each is a term of the next).
 */
function solveFourRows(f: Float64Array, ld: number, x0: number, cols: number): void {
  const x1 = x0 + ld;
  const x2 = x1 + ld;
  const x3 = x2 + ld;
  let j = 0;
  for (; j + 2 < cols; j += 3) {
    const l0 = j * ld;
    const l1 = l0 + ld;
    const l2 = l1 + ld;
    let s00 = f[x0 + j];
    let s01 = f[x0 + j + 1];
    let s02 = f[x0 + j + 2];
    let s10 = f[x1 + j];
    let s11 = f[x1 + j + 1];
    let s12 = f[x1 + j + 2];
    let s20 = f[x2 + j];
    let s21 = f[x2 + j + 1];
    let s22 = f[x2 + j + 2];
    let s30 = f[x3 + j];
    let s31 = f[x3 + j + 1];
    let s32 = f[x3 + j + 2];
    for (let p = 0; p < j; p++) {
      const u = f[l0 + p];
      const v = f[l1 + p];
      const w = f[l2 + p];
      const a0 = f[x0 + p];
      s00 -= a0 * u;
      s01 -= a0 * v;
      s02 -= a0 * w;
      const a1 = f[x1 + p];
      s10 -= a1 * u;
      s11 -= a1 * v;
      s12 -= a1 * w;
      const a2 = f[x2 + p];
      s20 -= a2 * u;
      s21 -= a2 * v;
      s22 -= a2 * w;
      const a3 = f[x3 + p];
      s30 -= a3 * u;
      s31 -= a3 * v;
      s32 -= a3 * w;
    }
    f[x0 + j] = s00 = s00 / f[l0 + j];
    f[x1 + j] = s10 = s10 / f[l0 + j];
    f[x2 + j] = s20 = s20 / f[l0 + j];
    f[x3 + j] = s30 = s30 / f[l0 + j];
    const e10 = f[l1 + j];
    const d1 = f[l1 + j + 1];
    f[x0 + j + 1] = s01 = (s01 - s00 * e10) / d1;
    f[x1 + j + 1] = s11 = (s11 - s10 * e10) / d1;
    f[x2 + j + 1] = s21 = (s21 - s20 * e10) / d1;
    f[x3 + j + 1] = s31 = (s31 - s30 * e10) / d1;
    const e20 = f[l2 + j];
    const e21 = f[l2 + j + 1];
    const d2 = f[l2 + j + 2];
    f[x0 + j + 2] = (s02 - s00 * e20 - s01 * e21) / d2;
    f[x1 + j + 2] = (s12 - s10 * e20 - s11 * e21) / d2;
    f[x2 + j + 2] = (s22 - s20 * e20 - s21 * e21) / d2;
    f[x3 + j + 2] = (s32 - s30 * e20 - s31 * e21) / d2;
  }
  for (; j < cols; j++) {
    const l0 = j * ld;
    let s0 = f[x0 + j];
    let s1 = f[x1 + j];
    let s2 = f[x2 + j];
    let s3 = f[x3 + j];
    for (let p = 0; p < j; p++) {
      const u = f[l0 + p];
      s0 -= f[x0 + p] * u;
      s1 -= f[x1 + p] * u;
      s2 -= f[x2 + p] * u;
      s3 -= f[x3 + p] * u;
    }
    const d = f[l0 + j];
    f[x0 + j] = s0 / d;
    f[x1 + j] = s1 / d;
    f[x2 + j] = s2 / d;
    f[x3 + j] = s3 / d;
  }
}

function solveOneRow(f: Float64Array, ld: number, x0: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    const l0 = j * ld;
    let s = f[x0 + j];
    for (let p = 0; p < j; p++) s -= f[x0 + p] * f[l0 + p];
    f[x0 + j] = s / f[l0 + j];
  }
}

/**
 * Schur update on rows/columns r0 .. r1-1 of F: F[a][b] -= sum_{p<k} F[a][p] F[b][p] for
 * r0 <= b <= a < r1 (lower triangle only; requires k <= r0 so the update never reads what it writes).
 * Rows go 4 at a time: 4 x 3 blocks left of the diagonal, then 4 x 1 blocks for the 0-2 leftover
 * columns, then the lower half of the 4 x 4 diagonal block (10 sums in one pass).
 */
export function subtractGramLower(f: Float64Array, ld: number, r0: number, r1: number, k: number): void {
  let a = r0;
  for (; a + 3 < r1; a += 4) {
    let b = r0;
    for (; b + 2 < a; b += 3) gramBlock4x3(f, ld, a, b, k);
    for (; b < a; b++) gramBlock4x1(f, ld, a, b, k);
    gramDiagonal4x4(f, ld, a, k);
  }
  for (; a < r1; a++) gramRow(f, ld, a, r0, a, k);
}

/** F[a+i][b] -= <row a+i, row b> over the first k columns, i < 4. */
function gramBlock4x1(f: Float64Array, ld: number, a: number, b: number, k: number): void {
  const ra0 = a * ld;
  const ra1 = ra0 + ld;
  const ra2 = ra1 + ld;
  const ra3 = ra2 + ld;
  const rb = b * ld;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let p = 0; p < k; p++) {
    const y = f[rb + p];
    s0 += f[ra0 + p] * y;
    s1 += f[ra1 + p] * y;
    s2 += f[ra2 + p] * y;
    s3 += f[ra3 + p] * y;
  }
  f[ra0 + b] -= s0;
  f[ra1 + b] -= s1;
  f[ra2 + b] -= s2;
  f[ra3 + b] -= s3;
}

/** F[a+i][a+j] -= <row a+i, row a+j> over the first k columns, j <= i < 4. */
function gramDiagonal4x4(f: Float64Array, ld: number, a: number, k: number): void {
  const r0 = a * ld;
  const r1 = r0 + ld;
  const r2 = r1 + ld;
  const r3 = r2 + ld;
  let s00 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let p = 0; p < k; p++) {
    const x0 = f[r0 + p];
    const x1 = f[r1 + p];
    const x2 = f[r2 + p];
    const x3 = f[r3 + p];
    s00 += x0 * x0;
    s10 += x1 * x0;
    s11 += x1 * x1;
    s20 += x2 * x0;
    s21 += x2 * x1;
    s22 += x2 * x2;
    s30 += x3 * x0;
    s31 += x3 * x1;
    s32 += x3 * x2;
    s33 += x3 * x3;
  }
  f[r0 + a] -= s00;
  f[r1 + a] -= s10;
  f[r1 + a + 1] -= s11;
  f[r2 + a] -= s20;
  f[r2 + a + 1] -= s21;
  f[r2 + a + 2] -= s22;
  f[r3 + a] -= s30;
  f[r3 + a + 1] -= s31;
  f[r3 + a + 2] -= s32;
  f[r3 + a + 3] -= s33;
}

/** F[a+i][b+j] -= <row a+i, row b+j> over the first k columns, i < 4, j < 3. */
function gramBlock4x3(f: Float64Array, ld: number, a: number, b: number, k: number): void {
  const ra0 = a * ld;
  const ra1 = ra0 + ld;
  const ra2 = ra1 + ld;
  const ra3 = ra2 + ld;
  const rb0 = b * ld;
  const rb1 = rb0 + ld;
  const rb2 = rb1 + ld;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  for (let p = 0; p < k; p++) {
    const y0 = f[rb0 + p];
    const y1 = f[rb1 + p];
    const y2 = f[rb2 + p];
    const x0 = f[ra0 + p];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    const x1 = f[ra1 + p];
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    const x2 = f[ra2 + p];
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    const x3 = f[ra3 + p];
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
  }
  f[ra0 + b] -= s00;
  f[ra0 + b + 1] -= s01;
  f[ra0 + b + 2] -= s02;
  f[ra1 + b] -= s10;
  f[ra1 + b + 1] -= s11;
  f[ra1 + b + 2] -= s12;
  f[ra2 + b] -= s20;
  f[ra2 + b + 1] -= s21;
  f[ra2 + b + 2] -= s22;
  f[ra3 + b] -= s30;
  f[ra3 + b + 1] -= s31;
  f[ra3 + b + 2] -= s32;
}

/** F[a][b] -= <row a, row b> over the first k columns, for b = b0 .. b1. */
function gramRow(f: Float64Array, ld: number, a: number, b0: number, b1: number, k: number): void {
  const ra = a * ld;
  for (let b = b0; b <= b1; b++) {
    const rb = b * ld;
    let s = 0;
    for (let p = 0; p < k; p++) s += f[ra + p] * f[rb + p];
    f[ra + b] -= s;
  }
}
