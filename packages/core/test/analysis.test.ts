import { describe, expect, it } from 'vitest';
import {
  type ElementwiseOut,
  HERMITE_ORDER,
  HardwareNetwork,
  MseAnalyzer,
  type Network,
  type Tensor,
  applyElementwise,
  networkMonteCarlo,
  normalExpectation,
  quantizerMoments,
  reluMoments,
} from '../src/index.js';
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
});

/** Prediction vs Monte-Carlo at the network output; tolerance = MC 95 % CI + the allowed model error. */
function agreement(network: Network, input: Tensor, source: string, level: number, trials: number) {
  const c = sourceCases(level).find((s) => s.source === source)!;
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(k === 0 ? 1 : 8));
  hardware.calibrateAdc(input);
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
