import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowProducts, rowProductsReference } from '../src/math/row-products.js';

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
});
