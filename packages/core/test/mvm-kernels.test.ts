import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multiplyVoltagesByConductances, multiplyVoltagesByConductancesReference } from '../src/mvm/kernels.js';

describe('multiplyVoltagesByConductances (four vectors per pass)', () => {
  it('is bit-identical to the one-vector reference loop, zeros, offsets and accumulation included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (batch, m, n, offset, accumulate, seed) => {
          let state = seed;
          const next = () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            // a third of the voltages zero, as after a ReLU
            return state % 3 === 0 ? 0 : state / 2 ** 32 - 0.5;
          };
          const stride = m + offset + 2;
          const v = Float64Array.from({ length: batch * stride }, next);
          const g = Float64Array.from({ length: m * n }, () => Math.abs(next()) * 1e-4);
          const start = Float64Array.from({ length: batch * n }, next);
          const fast = Float64Array.from(start);
          const reference = Float64Array.from(start);
          multiplyVoltagesByConductances(v, stride, offset, batch, g, m, n, fast, accumulate);
          multiplyVoltagesByConductancesReference(v, stride, offset, batch, g, m, n, reference, accumulate);
          expect(Array.from(fast).map((x) => Object.is(x, -0) ? 0 : x)).toEqual(Array.from(reference).map((x) => Object.is(x, -0) ? 0 : x));
        },
      ),
      { numRuns: 200 },
    );
  });
});
