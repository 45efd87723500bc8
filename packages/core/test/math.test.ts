import { describe, expect, it } from 'vitest';
import { clippedNormalMoments, erf, erfc, erfcx, foldedNormalExpMoment, normalCdf, normalSf } from '../src/math/normal.js';
import { integrate, normalExpectation } from '../src/math/quadrature.js';

const relativeError = (value: number, reference: number) => Math.abs(value - reference) / Math.abs(reference);

describe('error function (Cody)', () => {
  it('matches reference values to about 1e-15', () => {
    // Reference values to 17 digits (Abramowitz-Stegun / high-precision tables).
    const cases: Array<[number, number]> = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
    ];
    for (const [x, value] of cases) expect(relativeError(erf(x), value)).toBeLessThan(2e-15);
    expect(relativeError(erfc(3), 2.209049699858544e-5)).toBeLessThan(2e-14);
    expect(relativeError(erfc(5), 1.5374597944280349e-12)).toBeLessThan(2e-14);
    expect(relativeError(erfc(10), 2.088487583762545e-45)).toBeLessThan(1e-13);
    expect(erfc(-1) + erfc(1)).toBeCloseTo(2, 15);
    expect(relativeError(erfcx(30), 0.018795888861416751)).toBeLessThan(1e-14);
  });

  it('gives normal tails accurately', () => {
    expect(relativeError(normalSf(6), 9.865876450376981e-10)).toBeLessThan(1e-13);
    expect(relativeError(normalCdf(-8), 6.22096057427178e-16)).toBeLessThan(1e-13);
    expect(normalCdf(0)).toBe(0.5);
  });
});

describe('quadrature', () => {
  it('integrates smooth functions to near double precision', () => {
    expect(relativeError(integrate(Math.sin, 0, Math.PI), 2)).toBeLessThan(1e-14);
    expect(relativeError(integrate((x) => 1 / x, 1, 1000), Math.log(1000))).toBeLessThan(1e-13);
    expect(relativeError(normalExpectation((z) => z * z), 1)).toBeLessThan(1e-13);
    expect(relativeError(normalExpectation(() => 1, 1), normalSf(1))).toBeLessThan(1e-13);
  });
});

describe('clipped and folded normal moments', () => {
  it('agree with quadrature for clipped normals on both sides of the clip', () => {
    for (const [a, b] of [
      [3, 1],
      [0.2, 1],
      [-1.5, 2],
      [40, 1],
      [-7, 1],
    ]) {
      const exact = clippedNormalMoments(a, b);
      const lower = -a / b;
      const mean = normalExpectation((z) => a + b * z, lower);
      const second = normalExpectation((z) => (a + b * z) ** 2, lower);
      expect(relativeError(exact.mean, mean)).toBeLessThan(1e-11);
      expect(relativeError(exact.second, second)).toBeLessThan(1e-11);
      expect(relativeError(exact.variance, second - mean * mean)).toBeLessThan(1e-9);
    }
  });

  it('gives E[exp(-L |X|)] for a folded normal', () => {
    for (const [mu, sigma, rate] of [
      [0.05, 0.02, 14],
      [0.049, 0.045, 3],
      [-0.3, 0.1, 100],
      [0.01, 0.5, 40],
    ]) {
      const quadrature = normalExpectation((z) => Math.exp(-rate * Math.abs(mu + sigma * z)), -Infinity, Infinity, [-mu / sigma]);
      expect(relativeError(foldedNormalExpMoment(mu, sigma, rate), quadrature)).toBeLessThan(1e-11);
    }
  });
});
