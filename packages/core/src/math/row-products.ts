import { type ProductArguments, SIMD_MIN_PRODUCTS, type SimdWorkspace, rowProductsSimd } from './row-products-simd.js';

/**
 * out[r, c] = bias[r] + sum_k a[r, k] b[c, k]: every row of `a` (rows x depth, row-major) against
 * every row of `b` (cols x depth, row-major): a dense layer (weights x inputs) and a
 * convolution (kernel matrix x im2col patches) alike. Computed four rows by four columns at a time so
 * that each loaded value serves four products; every sum still adds its terms in order k = 0, 1, ...
 * from the bias, so the result is bit-identical to the plain loop (`rowProductsReference`).
 *
 * `out` is written at out[outOffset + r * rowStride + c * colStride]. From SIMD_MIN_PRODUCTS
 * multiply-adds on, the WebAssembly SIMD kernel computes the same sums in the same order
 * (row-products-simd.ts), in `workspace` when given (a caller with many products keeps one).
 */
export function rowProducts(
  a: Float64Array,
  rows: number,
  b: Float64Array,
  cols: number,
  depth: number,
  bias: Float64Array | undefined,
  out: Float64Array,
  outOffset: number,
  rowStride: number,
  colStride: number,
  workspace?: SimdWorkspace,
): void {
  if (rows * cols * depth >= SIMD_MIN_PRODUCTS && rowProductsSimd(a, rows, b, cols, depth, bias, out, outOffset, rowStride, colStride, workspace)) return;
  rowProductsScalar(a, rows, b, cols, depth, bias, out, outOffset, rowStride, colStride);
}

/** rowProducts in JavaScript, four rows by four columns at a time (the path below SIMD_MIN_PRODUCTS, and without WebAssembly SIMD). */
export function rowProductsScalar(...[a, rows, b, cols, depth, bias, out, outOffset, rowStride, colStride]: ProductArguments): void {
  const fullRows = rows - (rows % 4);
  const fullCols = cols - (cols % 4);
  // four rows of b (the patches or input vectors, usually the larger operand) stay in cache while
  // every row of a passes over them
  for (let c = 0; c < fullCols; c += 4) {
    const b0 = c * depth;
    const b1 = b0 + depth;
    const b2 = b1 + depth;
    const b3 = b2 + depth;
    for (let r = 0; r < fullRows; r += 4) {
      const a0 = r * depth;
      const a1 = a0 + depth;
      const a2 = a1 + depth;
      const a3 = a2 + depth;
      const bias0 = bias ? bias[r] : 0;
      const bias1 = bias ? bias[r + 1] : 0;
      const bias2 = bias ? bias[r + 2] : 0;
      const bias3 = bias ? bias[r + 3] : 0;
      let s00 = bias0, s01 = bias0, s02 = bias0, s03 = bias0;
      let s10 = bias1, s11 = bias1, s12 = bias1, s13 = bias1;
      let s20 = bias2, s21 = bias2, s22 = bias2, s23 = bias2;
      let s30 = bias3, s31 = bias3, s32 = bias3, s33 = bias3;
      for (let k = 0; k < depth; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const o0 = outOffset + r * rowStride + c * colStride;
      const o1 = o0 + rowStride;
      const o2 = o1 + rowStride;
      const o3 = o2 + rowStride;
      out[o0] = s00; out[o0 + colStride] = s01; out[o0 + 2 * colStride] = s02; out[o0 + 3 * colStride] = s03;
      out[o1] = s10; out[o1 + colStride] = s11; out[o1 + 2 * colStride] = s12; out[o1 + 3 * colStride] = s13;
      out[o2] = s20; out[o2 + colStride] = s21; out[o2 + 2 * colStride] = s22; out[o2 + 3 * colStride] = s23;
      out[o3] = s30; out[o3 + colStride] = s31; out[o3 + 2 * colStride] = s32; out[o3 + 3 * colStride] = s33;
    }
  }
  // the edges: rows past the last block of four (every column), columns past it (the blocked rows)
  for (let r = fullRows; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[outOffset + r * rowStride + c * colStride] = dot(a, r * depth, b, c * depth, depth, bias ? bias[r] : 0);
  }
  for (let r = 0; r < fullRows; r++) {
    for (let c = fullCols; c < cols; c++) out[outOffset + r * rowStride + c * colStride] = dot(a, r * depth, b, c * depth, depth, bias ? bias[r] : 0);
  }
}

/** start + sum_k a[aOffset + k] b[bOffset + k], terms added in order. */
function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, depth: number, start: number): number {
  let sum = start;
  for (let k = 0; k < depth; k++) sum += a[aOffset + k] * b[bOffset + k];
  return sum;
}

/** The plain loop rowProducts is tested against. */
export function rowProductsReference(...[a, rows, b, cols, depth, bias, out, outOffset, rowStride, colStride]: ProductArguments): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[outOffset + r * rowStride + c * colStride] = dot(a, r * depth, b, c * depth, depth, bias ? bias[r] : 0);
}
