import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ElementwiseOut,
  HERMITE_ORDER,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  type Tensor,
  applyElementwise,
  createRng,
  crossbarConfig,
  gaussianDevice,
  matrix,
  networkMonteCarlo,
  normalExpectation,
  quantizerMoments,
  reluMoments,
} from '../src/index.js';
import { softmaxMoments } from '../src/analysis/softmax.js';
import { sourceCases } from './analysis-configs.js';
import { exampleCnn, exampleInputs, exampleMlp } from './analysis-fixtures.js';

const out = (): ElementwiseOut => ({ mean: 0, variance: 0, hermite: new Float64Array(HERMITE_ORDER + 1) });

describe('element-wise Gaussian moments', () => {
  it('ReLU moments match quadrature', () => {
    for (const [mu, sigma] of [[0.3, 1], [-2, 0.5], [5, 0.1], [-0.1, 2]]) {
      const r = out();
      reluMoments(mu, sigma, r);
      const mean = normalExpectation((z) => Math.max(0, mu + sigma * z));
      const second = normalExpectation((z) => Math.max(0, mu + sigma * z) ** 2);
      expect(r.mean).toBeCloseTo(mean, 10);
      expect(r.variance).toBeCloseTo(second - mean * mean, 10);
    }
  });

  it('ReLU of a nearly deterministic value stays finite (tiny sigma: no 0 x Infinity), and its covariances too', () => {
    for (const [mu, sigma] of [[1, 1e-160], [-1, 1e-160], [1e-3, 1e-300]]) {
      const r = out();
      reluMoments(mu, sigma, r);
      expect(r.mean).toBe(mu > 0 ? mu : 0);
      expect(r.variance).toBe(mu > 0 ? sigma * sigma : 0);
    }
    const y = applyElementwise({ size: 2, mean: Float64Array.from([1, 2]), variance: Float64Array.from([1e-320, 1e-320]), covariance: Float64Array.from([1e-320, 1e-320, 1e-320, 1e-320]) }, reluMoments);
    for (const c of y.covariance!) expect(Number.isFinite(c)).toBe(true);
  });

  it('softmax moments of strongly noisy correlated logits match sampling (QMC with linear control variate)', () => {
    const mean = Float64Array.from([0, 1, -1]);
    const L = [2, 0, 0, 1, 1.5, 0, -0.5, 0.5, 2.5]; // lower Cholesky factor
    const covariance = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let k = 0; k < 3; k++) covariance[a * 3 + b] += L[a * 3 + k] * L[b * 3 + k];
    const r = softmaxMoments({ size: 3, mean, variance: Float64Array.from([covariance[0], covariance[4], covariance[8]]), covariance }, 1, 3, 1);
    const draws = 200000;
    const z = new Float64Array(3 * draws);
    createRng('softmax-check').fillNormal(z);
    const m1 = new Float64Array(3);
    const m2 = new Float64Array(3);
    for (let d = 0; d < draws; d++) {
      const l = [0, 1, 2].map((a) => mean[a] + L[a * 3] * z[3 * d] + L[a * 3 + 1] * z[3 * d + 1] + L[a * 3 + 2] * z[3 * d + 2]);
      const top = Math.max(...l);
      const e = l.map((v) => Math.exp(v - top));
      const sum = e[0] + e[1] + e[2];
      for (let a = 0; a < 3; a++) {
        m1[a] += e[a] / sum / draws;
        m2[a] += (e[a] / sum) ** 2 / draws;
      }
    }
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(r.mean[a] - m1[a])).toBeLessThan(3e-3);
      expect(Math.abs(r.variance[a] - (m2[a] - m1[a] ** 2)) / (m2[a] - m1[a] ** 2)).toBeLessThan(0.02);
    }
  });

  it('the Mehler series gives the covariance of ReLU outputs of correlated Gaussians', () => {
    // X_a, X_b jointly Gaussian: compare with a 2-D quadrature of E[relu(X_a) relu(X_b)].
    const [ma, sa, mb, sb, rho] = [0.2, 1, -0.3, 0.7, 0.6];
    const moments = applyElementwise(
      { size: 2, mean: Float64Array.from([ma, mb]), variance: Float64Array.from([sa * sa, sb * sb]), covariance: Float64Array.from([sa * sa, rho * sa * sb, rho * sa * sb, sb * sb]) },
      reluMoments,
    );
    const c = Math.sqrt(1 - rho * rho);
    const options = { relativeTolerance: 1e-9, absoluteTolerance: 1e-12 };
    const joint = normalExpectation(
      (u) => {
        const a = Math.max(0, ma + sa * u);
        if (a === 0) return 0;
        const kink = (-mb / sb - rho * u) / c;
        return a * normalExpectation((v) => Math.max(0, mb + sb * (rho * u + c * v)), kink, undefined, [], options);
      },
      -ma / sa,
      undefined,
      [],
      options,
    );
    const exact = joint - moments.mean[0] * moments.mean[1];
    expect(Math.abs(moments.covariance![1] - exact)).toBeLessThan(2e-3 * Math.abs(exact));
  });

  it('quantizer moments match quadrature', () => {
    const range = 1;
    const step = 1 / 7;
    for (const [mu, sigma] of [[0.33, 0.05], [0.9, 0.2], [-0.2, 0.01]]) {
      const r = out();
      quantizerMoments(mu, sigma, range, step, r);
      const q = (x: number) => Math.round(Math.max(-range, Math.min(range, x)) / step) * step;
      const cuts = Array.from({ length: 16 }, (_, k) => ((k - 7.5) * step - mu) / sigma);
      const mean = normalExpectation((z) => q(mu + sigma * z), undefined, undefined, cuts);
      const second = normalExpectation((z) => q(mu + sigma * z) ** 2, undefined, undefined, cuts);
      expect(r.mean).toBeCloseTo(mean, 8);
      expect(r.variance).toBeCloseTo(second - mean * mean, 8);
    }
  });

  it('quantizer moments clip inputs far beyond the range (an 8-bit DAC on activations of 7 with range 1)', () => {
    const range = 1;
    const step = range / 127;
    const top = range;
    for (const momentsOnly of [false, true]) {
      for (const [mu, sigma, clipped] of [[7, 0.01, top], [-7, 0.01, -top], [1.5, 0.001, top], [4.5, 0.3, top]]) {
        const r = out();
        quantizerMoments(mu, sigma, range, step, r, momentsOnly);
        expect(r.mean, `mu=${mu} sigma=${sigma} momentsOnly=${momentsOnly}`).toBeCloseTo(clipped, 12);
        expect(r.variance).toBeLessThan(1e-20);
      }
    }
  });

  it('quantizer moments match quadrature for any mean, inside or beyond the range (property)', () => {
    const range = 1;
    const step = range / 127;
    const q = (x: number) => Math.round(Math.max(-range, Math.min(range, x)) / step) * step;
    fc.assert(
      fc.property(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true }), (mu, sigma) => {
        const r = out();
        quantizerMoments(mu, sigma, range, step, r);
        // the jumps of q within +-12 sigma, as cut points of the quadrature
        const cuts: number[] = [];
        for (let k = -127; k < 127; k++) {
          const u = ((k + 0.5) * step - mu) / sigma;
          if (Math.abs(u) < 12) cuts.push(u);
        }
        const mean = normalExpectation((z) => q(mu + sigma * z), undefined, undefined, cuts);
        const second = normalExpectation((z) => q(mu + sigma * z) ** 2, undefined, undefined, cuts);
        expect(Math.abs(r.mean - mean)).toBeLessThan(1e-9);
        expect(Math.abs(r.variance - (second - mean * mean))).toBeLessThan(1e-9 * Math.max(1, second));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

/** Prediction vs Monte-Carlo at the network output; tolerance = MC 95 % CI + the allowed model error. */
function agreement(network: Network, input: Tensor, source: string, level: number, trials: number) {
  const c = sourceCases(level).find((s) => s.source === source)!;
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(k === 0 ? 1 : 8));
  hardware.calibrate(input);
  const analyzer = new MseAnalyzer(hardware);
  const full = analyzer.predict(input, { mode: 'full' }).output.mse;
  const diagonal = analyzer.predict(input, { mode: 'diagonal' }).output.mse;
  const mc = networkMonteCarlo(hardware, input, { seed: 7, trials }).nodes.get(network.nodes.at(-1)!.name)!;
  return { full, diagonal, mc: mc.mse, ci95: mc.ci95 };
}

const SOURCES = ['quantization', 'programming', 'read', 'dac', 'adc', 'inputNoise', 'outputNoise', 'all'];
const LEVELS = [0.001, 0.01, 0.1];

for (const [label, build, shape] of [
  ['MLP 64-32-10', exampleMlp, [64]],
  ['CNN conv-relu-maxpool-dense', exampleCnn, [1, 8, 8]],
] as const) {
  describe(`${label}: predicted vs Monte-Carlo output MSE`, () => {
    const network = build();
    const input = exampleInputs(16, shape);
    for (const level of LEVELS) {
      it.each(SOURCES)(`%s at level ${level}`, (source) => {
        const r = agreement(network, input, source, level, 100);
        // allowed model error: 5 % at small noise, 10 % elsewhere (the targets), plus the MC CI
        const allowed = (level <= 0.001 ? 0.05 : 0.1) * r.mc + r.ci95;
        expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(allowed);
      });
    }
  });
}

describe('noise sweep', () => {
  it('spans three decades of MSE and agrees everywhere (all sources, CNN)', () => {
    const network = exampleCnn();
    const input = exampleInputs(16, [1, 8, 8]);
    const results = [0.001, 0.003, 0.01, 0.03, 0.1].map((level) => agreement(network, input, 'all', level, 60));
    expect(results.at(-1)!.mc / results[0].mc).toBeGreaterThan(1000);
    for (const r of results) expect(Math.abs(r.full - r.mc)).toBeLessThanOrEqual(0.1 * r.mc + r.ci95);
  });

  it('diagonal mode misses the shared-kernel correlation of convs (stated error < 15 %)', () => {
    const r = agreement(exampleCnn(), exampleInputs(16, [1, 8, 8]), 'programming', 0.01, 100);
    const diagonalError = Math.abs(r.diagonal - r.mc) / r.mc;
    expect(diagonalError).toBeLessThan(0.15);
    expect(Math.abs(r.full - r.mc)).toBeLessThan(Math.abs(r.diagonal - r.mc) + r.ci95);
  });
});

describe('full-mode size limit', () => {
  it('refuses, before any work, a value whose covariance would pass FULL_COVARIANCE_MAX_BYTES, naming the node', () => {
    const wide = 12_000; // 12000^2 doubles = 1.15 GB
    const node = { op: 'dense' as const, name: 'wide', inputs: ['x'], output: 'y', weights: matrix(wide, 2, new Float64Array(2 * wide).fill(0.1)), bias: new Float64Array(wide) };
    const network: Network = { inputName: 'x', inputShape: [2], nodes: [node], outputs: ['y'] };
    const hardware = HardwareNetwork.create(network, crossbarConfig({ device: gaussianDevice.create({ gmin: 0, gmax: 1e-4, sigma_prog: 1e-6, sigma_read: 0 }) }));
    const x = { shape: [1, 2], data: new Float64Array([0.5, -0.5]) };
    hardware.calibrate(x);
    const analyzer = new MseAnalyzer(hardware);
    expect(() => analyzer.predict(x)).toThrow(/node 'wide': full mode needs its 12000 x 12000 covariance per sample \(1\.15 GB; at most 1\.07 GB\): use mode adjoint .* or mode diagonal/);
    expect(analyzer.predict(x, { mode: 'diagonal' }).output.mse).toBeGreaterThan(0);
  });
});
