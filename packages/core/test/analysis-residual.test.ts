import { describe, expect, it } from 'vitest';
import { exampleInputs, exampleResidualMlp } from './analysis-fixtures.js';
import { compareResidual } from './residual-agreement.js';

// Residual additions, prediction vs Monte-Carlo (residual-agreement.ts); the two-block CNN: analysis-residual.long.test.ts.
for (const [label, build, shape] of [
  ['residual MLP', exampleResidualMlp, [32]],
] as const) {
  describe(`${label}: predicted vs Monte-Carlo`, () => {
    const network = build();
    const input = exampleInputs(16, shape);
    it.each([
      ['programming', 0.03],
      ['read', 0.03],
      ['inputNoise', 0.03],
      ['all', 0.01],
    ] as const)('%s at level %s', (source, level) => {
      for (const r of compareResidual(network, input, source, level, 150)) {
        if (process.env.XBAR_MSE_LOG) console.log(label, source, r.name, ((100 * (r.predicted - r.mc)) / r.mc).toFixed(1), '% +-', ((100 * r.ci95) / r.mc).toFixed(1));
        expect(Math.abs(r.predicted - r.mc), r.name).toBeLessThanOrEqual(0.05 * r.mc + r.ci95);
      }
    });
  });
}
