import { describe, expect, it } from 'vitest';
import { bfloat16FromBits, float16FromBits, roundToFloat16 } from '../src/kernels.js';

describe('16-bit floats', () => {
  it('reads every float16 bit pattern, and rounding gives each value back', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16FromBits(bits);
      if (Number.isNaN(value)) {
        expect((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0).toBe(true);
        continue;
      }
      expect(Object.is(roundToFloat16(value), value)).toBe(true);
    }
    expect([float16FromBits(0x3c00), float16FromBits(0xc000), float16FromBits(0x7bff), float16FromBits(0x0001), float16FromBits(0x7c00)]).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
  });

  it('rounds to the nearest float16, ties to even, overflow to infinity', () => {
    // halfway between 1 and 1 + 2^-10: the even one, 1; halfway above 1 + 2^-10: 1 + 2^-9
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1);
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -30)).toBe(1 + 2 ** -10);
    expect(roundToFloat16(-0.1)).toBe(-float16FromBits(0x2e66));
    // the largest finite value is 65504; half a unit (16) above it rounds up to infinity
    expect(roundToFloat16(65519.9)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    // subnormals: a tie at half the smallest one goes to 0 (even), above it to 2^-24
    expect(roundToFloat16(2 ** -25)).toBe(0);
    expect(roundToFloat16(2 ** -25 + 2 ** -40)).toBe(2 ** -24);
    expect(Number.isNaN(roundToFloat16(Number.NaN))).toBe(true);
  });

  it('reads bfloat16 bits as the high half of a float32', () => {
    const view = new DataView(new ArrayBuffer(4));
    for (const value of [1, -2.5, 0.478515625, 3e38, 1e-39]) {
      view.setFloat32(0, value);
      const high = view.getUint16(0);
      view.setUint16(2, 0);
      expect(bfloat16FromBits(high)).toBe(view.getFloat32(0));
    }
    expect(bfloat16FromBits(0x7f80)).toBe(Infinity);
    expect(Number.isNaN(bfloat16FromBits(0x7fc0))).toBe(true);
  });
});
