import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowProducts, rowProductsReference, rowProductsScalar } from '../src/math/row-products.js';
import { SIMD_MIN_PRODUCTS, SimdWorkspace, rowProductsSimd } from '../src/math/row-products-simd.js';

/** One product kernel under test: writes like rowProducts (offset, strides). */
type Kernel = (a: Float64Array, rows: number, b: Float64Array, cols: number, depth: number, bias: Float64Array | undefined, out: Float64Array, outOffset: number, rowStride: number, colStride: number, seed: number) => void;

/** `kernel` is bit-identical to the plain loop on seeded products up to the given sizes, any bias, offset and output layout. */
function agreesWithPlainLoop(kernel: Kernel, sizes: { rows: number; cols: number; depth: number; minDepth: number }, numRuns: number): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: sizes.rows }),
      fc.integer({ min: 1, max: sizes.cols }),
      fc.integer({ min: sizes.minDepth, max: sizes.depth }),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (rows, cols, depth, withBias, transposed, seed) => {
        const value = (k: number) => Math.sin(seed + k * 12.9898) * 1e3;
        const a = Float64Array.from({ length: rows * depth }, (_, k) => value(k));
        const b = Float64Array.from({ length: cols * depth }, (_, k) => value(k + 7919));
        const bias = withBias ? Float64Array.from({ length: rows }, (_, k) => value(k + 104729)) : undefined;
        const [rowStride, colStride] = transposed ? [1, rows] : [cols, 1];
        const fast = new Float64Array(rows * cols + 3).fill(Number.NaN);
        const plain = new Float64Array(rows * cols + 3).fill(Number.NaN);
        kernel(a, rows, b, cols, depth, bias, fast, 3, rowStride, colStride, seed);
        rowProductsReference(a, rows, b, cols, depth, bias, plain, 3, rowStride, colStride);
        expect(fast.subarray(0, 3).every(Number.isNaN)).toBe(true); // nothing written before the offset
        expect(Array.from(fast.subarray(3))).toEqual(Array.from(plain.subarray(3)));
      },
    ),
    { numRuns },
  );
}

describe('rowProducts (blocked dense and conv kernel)', () => {
  it('is bit-identical to the plain loop for any shape, bias and output layout', () => {
    agreesWithPlainLoop((a, rows, b, cols, depth, bias, out, offset, rowStride, colStride) => rowProducts(a, rows, b, cols, depth, bias, out, offset, rowStride, colStride), { rows: 11, cols: 11, depth: 40, minDepth: 0 }, 300);
  });

  it('the SIMD kernel gives the same bits on large products, any edge, stride and offset (and in blocks of rows)', () => {
    const workspace = new SimdWorkspace(); // reused by every product: a workspace keeps no result
    agreesWithPlainLoop(
      (a, rows, b, cols, depth, bias, out, offset, rowStride, colStride, seed) => {
        // memory for b and 4 .. 12 rows: several blocks of rows on the taller products
        const packed = Math.ceil(cols / 4) * 4;
        const maxBytes = 8 * (packed * depth + (4 + (seed % 3) * 4) * (depth + packed + 1));
        expect(rowProductsSimd(a, rows, b, cols, depth, bias, out, offset, rowStride, colStride, workspace, maxBytes)).toBe(true);
      },
      { rows: 70, cols: 70, depth: 300, minDepth: 1 },
      60,
    );
    expect(rowProductsSimd(new Float64Array(8), 1, new Float64Array(8), 1, 8, undefined, new Float64Array(1), 0, 1, 1, new SimdWorkspace(), 64)).toBe(false);
    // rowProducts takes it from SIMD_MIN_PRODUCTS on, with the scalar kernel's bits
    const [rows, cols, depth] = [64, 64, Math.ceil(SIMD_MIN_PRODUCTS / 4096) + 3];
    const a = Float64Array.from({ length: rows * depth }, (_, k) => Math.cos(k));
    const b = Float64Array.from({ length: cols * depth }, (_, k) => Math.sin(k));
    const [fast, scalar] = [new Float64Array(rows * cols), new Float64Array(rows * cols)];
    rowProducts(a, rows, b, cols, depth, undefined, fast, 0, cols, 1);
    rowProductsScalar(a, rows, b, cols, depth, undefined, scalar, 0, cols, 1);
    expect(Array.from(fast)).toEqual(Array.from(scalar));
  });
});
