import { describe, expect, it } from 'vitest';
import { normalCdf, normalSf } from '../src/math/normal.js';
import { createFastNormalStream, zigguratTables } from '../src/random/fast-normal.js';
import { createRng, type StreamKey } from '../src/random/rng.js';

// Statistical checks run from fixed seeds, so they are deterministic; each bound is the one a correct
// generator meets with the stated probability for a random seed: 5 standard errors (two-sided
// 5.7e-7), or the alpha = 1e-3 critical value of the test.

const R = 3.6541528853610088;
const V = 0.00492867323399;

/** xoshiro128** 1.0 written as in Blackman and Vigna's xoshiro128starstar.c, on uint32 words. */
function referenceXoshiro(s: Uint32Array): () => number {
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
}

/** The documented algorithm written plainly, one draw at a time in double: the fast code must give its bits. */
function referenceNormals(n: number, seed: number | string, ...path: StreamKey[]): Float32Array {
  const seeder = createRng(seed, ...path, 'fast-normal');
  const next = referenceXoshiro(Uint32Array.from({ length: 4 }, () => Math.floor(seeder.uniform() * 2 ** 32)));
  const uniform32 = () => (next() + 0.5) / 2 ** 32;
  const { x, f } = zigguratTables();
  const draw = (): number => {
    for (;;) {
      const r = next();
      const i = r & 255;
      const sign = r & 256 ? -1 : 1;
      const u = ((r >>> 9) + 0.5) / 2 ** 23;
      const z = u * x[i];
      if (u < x[i + 1] / x[i]) return sign * z;
      if (i === 0) {
        let xx: number, yy: number;
        do {
          xx = -Math.log(uniform32()) / R;
          yy = -Math.log(uniform32());
        } while (2 * yy < xx * xx);
        return sign * (R + xx);
      }
      if (f[i] + uniform32() * (f[i + 1] - f[i]) < Math.exp(-0.5 * z * z)) return sign * z;
    }
  };
  return Float32Array.from({ length: n }, draw);
}

const draws = (n: number, seed: number | string, ...path: StreamKey[]): Float32Array => {
  const out = new Float32Array(n);
  createFastNormalStream(seed, ...path).fill(out);
  return out;
};

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('ziggurat tables', () => {
  it('has 256 layers of area V from x[1] = R down to x[256] = 0', () => {
    const { x, f } = zigguratTables();
    expect(x.length).toBe(257);
    expect(x[1]).toBe(R);
    expect(x[256]).toBe(0);
    for (let i = 1; i < 256; i++) expect(x[i + 1]).toBeLessThan(x[i]);
    for (let i = 0; i <= 256; i++) expect(f[i]).toBe(Math.exp(-0.5 * x[i] * x[i]));
    // base layer: the rectangle [0, R] x [0, f(R)] plus the tail, integral of exp(-t^2/2) beyond R
    const base = R * f[1] + Math.sqrt(2 * Math.PI) * normalSf(R);
    expect(Math.abs(base / V - 1)).toBeLessThan(1e-9);
    expect(x[0] * f[1]).toBeCloseTo(V, 15);
    // layers 1..254 are exact by construction; the top layer closes on f(0) = 1 only as well as
    // R and V (12 digits) allow: 1e-9 relative here
    for (let i = 1; i < 256; i++) expect(Math.abs((x[i] * (f[i + 1] - f[i])) / V - 1)).toBeLessThan(2e-9);
  });
});

describe('createFastNormalStream', () => {
  it('runs the published xoshiro128** (reference vector) in the plain reference', () => {
    const next = referenceXoshiro(Uint32Array.of(1, 2, 3, 4));
    // output of xoshiro128starstar.c from s = {1, 2, 3, 4}
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    expect(expected.map(() => next())).toEqual(expected);
  });

  it('gives the bits of the plain reference algorithm, tails and wedges included', () => {
    const n = 300_000; // about 80 tail draws and 4,500 draws through the slow path
    const reference = referenceNormals(n, 'reference', 'trial', 2);
    const fast = draws(n, 'reference', 'trial', 2);
    expect(sameBits(fast, reference)).toBe(true);
    expect(fast.some((z) => Math.abs(z) > R)).toBe(true);
  });

  it('gives identical bits for identical seed and path, other bits for other paths and seeds', () => {
    const base = draws(1001, 42, 'trial', 3);
    expect(sameBits(draws(1001, 42, 'trial', 3), base)).toBe(true);
    expect(sameBits(draws(1001, 42, 'trial', 4), base)).toBe(false);
    expect(sameBits(draws(1001, 43, 'trial', 3), base)).toBe(false);
    expect(sameBits(draws(1001, 42, 'trial', 3, 'x'), base)).toBe(false);
    // '1','23' and '12','3' must not collide
    expect(sameBits(draws(1001, 1, 23), draws(1001, 12, 3))).toBe(false);
  });

  it('fills in consecutive chunks with the bits of one fill', () => {
    const whole = draws(100_003, 7);
    const pieces = new Float32Array(100_003);
    const stream = createFastNormalStream(7);
    let offset = 0;
    for (const length of [0, 1, 3, 1000, 0, 49_999]) {
      stream.fill(pieces, offset, length);
      offset += length;
    }
    stream.fill(pieces, offset);
    expect(sameBits(pieces, whole)).toBe(true);
  });

  it('writes only out[offset .. offset + length) and refuses ranges outside the array', () => {
    const out = new Float32Array(1000).fill(Number.NaN);
    createFastNormalStream(5).fill(out, 100, 500);
    expect(out.slice(0, 100).every(Number.isNaN)).toBe(true);
    expect(out.slice(600).every(Number.isNaN)).toBe(true);
    expect(sameBits(out.subarray(100, 600), draws(500, 5))).toBe(true);
    const stream = createFastNormalStream(5);
    expect(() => stream.fill(out, 900, 101)).toThrow(RangeError);
    expect(() => stream.fill(out, -1, 10)).toThrow(RangeError);
    expect(() => stream.fill(out, 1001)).toThrow(RangeError);
    expect(() => stream.fill(out, 0.5, 10)).toThrow(RangeError);
  });

  it('draws the mean, variance, skewness and kurtosis of N(0,1) (4M draws)', () => {
    const n = 4_000_000;
    const z = draws(n, 'moments');
    let sum = 0;
    for (const v of z) sum += v;
    const mean = sum / n;
    let m2 = 0, m3 = 0, m4 = 0;
    for (const v of z) {
      const d = (v - mean) * (v - mean);
      m2 += d;
      m3 += d * (v - mean);
      m4 += d * d;
    }
    m2 /= n; m3 /= n; m4 /= n;
    // standard errors for N(0,1): mean sqrt(1/n), variance sqrt(2/n), skewness sqrt(6/n), excess
    // kurtosis sqrt(24/n), i.e. 5e-4, 7.1e-4, 1.2e-3, 2.4e-3 for n = 4M; bound: 5 of them
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(m4 / (m2 * m2) - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
  });

  it('passes Kolmogorov-Smirnov and a 128-bin chi-square against the normal CDF (1M draws)', () => {
    const n = 1_000_000;
    const z = draws(n, 'ks').sort();
    const bins = new Float64Array(128);
    let d = 0;
    for (let i = 0; i < n; i++) {
      const p = normalCdf(z[i]);
      d = Math.max(d, (i + 1) / n - p, p - i / n);
      bins[Math.min(127, Math.floor(p * 128))]++;
    }
    // KS: P(sqrt(n) D > 1.949) = 1e-3 (asymptotic Kolmogorov distribution); float32 rounding moves
    // the CDF by < 1e-7
    expect(d).toBeLessThan(1.949 / Math.sqrt(n));
    // chi-square over 128 equiprobable bins, 127 degrees of freedom: 0.999 quantile 181.99
    // (Wilson-Hilferty), mean 127
    const expected = n / 128;
    let chi2 = 0;
    for (const count of bins) chi2 += (count - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(181.99);
  });

  it('draws beyond R and beyond 4 at the normal rates (20M draws)', () => {
    const chunk = new Float32Array(1_000_000);
    const stream = createFastNormalStream('tails');
    const n = 20 * chunk.length;
    let beyondR = 0, beyond4 = 0;
    for (let c = 0; c < 20; c++) {
      stream.fill(chunk);
      for (const v of chunk) {
        const a = Math.abs(v);
        if (a > R) beyondR++;
        if (a > 4) beyond4++;
      }
    }
    // binomial counts within 5 standard deviations: P(|z| > R) = 2.58e-4, 5160 +- 359 expected;
    // P(|z| > 4) = 6.33e-5, 1267 +- 178 expected
    for (const [count, p] of [[beyondR, 2 * normalSf(R)], [beyond4, 2 * normalSf(4)]]) {
      expect(Math.abs(count - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }
  });

  it('gives uncorrelated neighbours and uncorrelated streams for neighbouring paths (1M draws)', () => {
    const n = 1_000_000;
    const a = draws(n + 1, 9, 'trial', 0);
    const b = draws(n, 9, 'trial', 1);
    let lag1 = 0, cross = 0;
    for (let i = 0; i < n; i++) {
      lag1 += a[i] * a[i + 1];
      cross += a[i] * b[i];
    }
    // each sample correlation has standard error 1/sqrt(n) = 1e-3; bound 5 of them
    expect(Math.abs(lag1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(cross / n)).toBeLessThan(5 / Math.sqrt(n));
  });
});
