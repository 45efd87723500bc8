import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowProducts, rowProductsReference, rowProductsScalar } from '../src/math/row-products.js';
import { SIMD_MIN_PRODUCTS, SimdWorkspace, rowProductsSimd } from '../src/math/row-products-simd.js';

describe('rowProducts (blocked dense and conv kernel)', () => {
  it('is bit-identical to the plain loop for any shape, bias and output layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 0, max: 40 }),
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
          rowProducts(a, rows, b, cols, depth, bias, fast, 3, rowStride, colStride);
          rowProductsReference(a, rows, b, cols, depth, bias, plain, 3, rowStride, colStride);
          expect(Number.isNaN(fast[0])).toBe(true); // nothing written before the offset
          expect(Array.from(fast.subarray(3))).toEqual(Array.from(plain.subarray(3)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the SIMD kernel gives the same bits on large products, any edge, stride and offset (and in blocks of rows)', () => {
    const workspace = new SimdWorkspace(); // reused by every product: a workspace keeps no result
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (rows, cols, depth, withBias, transposed, seed) => {
          const value = (k: number) => Math.sin(seed + k * 12.9898) * 1e3;
          const a = Float64Array.from({ length: rows * depth }, (_, k) => value(k));
          const b = Float64Array.from({ length: cols * depth }, (_, k) => value(k + 7919));
          const bias = withBias ? Float64Array.from({ length: rows }, (_, k) => value(k + 104729)) : undefined;
          const [rowStride, colStride] = transposed ? [1, rows] : [cols, 1];
          const simd = new Float64Array(rows * cols + 5).fill(Number.NaN);
          const plain = new Float64Array(rows * cols + 5).fill(Number.NaN);
          // memory for b and 4 .. 12 rows: several blocks of rows on the taller products
          const maxBytes = 8 * (Math.ceil(cols / 4) * 4 * depth + (4 + (seed % 3) * 4) * (depth + Math.ceil(cols / 4) * 4 + 1));
          expect(rowProductsSimd(a, rows, b, cols, depth, bias, simd, 5, rowStride, colStride, workspace, maxBytes)).toBe(true);
          rowProductsReference(a, rows, b, cols, depth, bias, plain, 5, rowStride, colStride);
          expect(simd.subarray(0, 5).every(Number.isNaN)).toBe(true);
          expect(Array.from(simd.subarray(5))).toEqual(Array.from(plain.subarray(5)));
        },
      ),
      { numRuns: 60 },
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
