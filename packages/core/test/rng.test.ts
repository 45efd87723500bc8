import { describe, expect, it } from 'vitest';
import { createRng } from '../src/random/rng.js';

describe('createRng', () => {
  it('gives identical sequences for identical seed and path', () => {
    const a = new Float64Array(1001);
    const b = new Float64Array(1001);
    createRng(42, 'trial', 3).fillNormal(a);
    createRng(42, 'trial', 3).fillNormal(b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('gives different sequences for different paths and seeds', () => {
    const base = createRng(42, 'trial', 3).uniform();
    expect(createRng(42, 'trial', 4).uniform()).not.toBe(base);
    expect(createRng(43, 'trial', 3).uniform()).not.toBe(base);
    // '1','23' and '12','3' must not collide
    expect(createRng(1, 23).uniform()).not.toBe(createRng(12, 3).uniform());
  });

  it('fillNormal in pieces equals fillNormal at once (odd split points)', () => {
    const whole = new Float64Array(999);
    createRng(7).fillNormal(whole);
    const pieces = new Float64Array(999);
    const rng = createRng(7);
    rng.fillNormal(pieces, 0, 3);
    rng.fillNormal(pieces, 3, 500);
    pieces[503] = rng.normal();
    rng.fillNormal(pieces, 504, 495);
    expect(Array.from(pieces)).toEqual(Array.from(whole));
  });

  it('draws uniforms in [0,1) with mean 1/2 and variance 1/12', () => {
    const n = 200_000;
    const u = new Float64Array(n);
    createRng('uniform-check').fillUniform(u);
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (const x of u) {
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      sumSq += x * x;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('draws normals with the moments of N(0,1) up to the fourth', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    createRng('normal-check').fillNormal(z);
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const x of z) {
      m1 += x; m2 += x * x; m3 += x * x * x; m4 += x * x * x * x;
    }
    m1 /= n; m2 /= n; m3 /= n; m4 /= n;
    // standard errors: sqrt(1/n), sqrt(2/n), sqrt(15/n), sqrt(96/n)
    expect(Math.abs(m1)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('refuses a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
  });
});
