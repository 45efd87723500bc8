import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CrossbarNetwork,
  type CrossbarResistances,
  AUTO_MAX_ITERATIVE_VECTORS,
  CircuitSolveError,
  autoIterationBudget,
  crossbarSolver,
  estimateCircuitMemory,
  factorCrossbar,
  idealColumnCurrents,
  solveCrossbar,
} from '../src/index.js';
import { maxRelativeError, randomArray as referenceArray, randomInputs as referenceInputs, wires } from './circuit-reference.js';

const randomArray = (rows: number, cols: number, seed: number, resistances: CrossbarResistances, drive?: 'one-side' | 'both-sides') =>
  referenceArray(rows, cols, seed, resistances, drive, 'circuit-iterative-test');
const randomInputs = (count: number, seed: number, low = 0.05, high = 0.3) => referenceInputs(count, seed, low, high, 'circuit-iterative-inputs');


/** PCG and the factorization on the same network and inputs. */
function bothMethods(network: CrossbarNetwork, inputs: Float64Array) {
  return {
    iterative: solveCrossbar(network, inputs, { method: 'iterative' }),
    direct: factorCrossbar(network).solve(inputs),
  };
}

describe('conjugate gradients (line-block preconditioner) against the factorization', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [1, 9],
    [9, 1],
    [5, 13],
    [33, 20],
    [64, 64],
    [128, 128],
  ];
  for (const [m, n] of shapes) {
    it(`${m} x ${n}, wires 0.1..100 ohm: column currents within 1e-9, residual < 1e-10`, () => {
      for (const [index, r] of [0.1, 1, 10, 100].entries()) {
        const network = randomArray(m, n, index, wires(r, r * (1 + index / 3)));
        const v = randomInputs(m, index);
        const { iterative, direct } = bothMethods(network, v);
        expect(iterative.method).toBe('iterative');
        expect(iterative.iterations).toBeGreaterThanOrEqual(0);
        expect(iterative.maxRelativeResidual).toBeLessThan(1e-10);
        expect(maxRelativeError(iterative.currents, direct.currents)).toBeLessThan(1e-9);
      }
    });
  }

  it('source, sense and access resistances, both-side drive', () => {
    const cases: [CrossbarResistances, 'one-side' | 'both-sides'][] = [
      [{ ...wires(2, 3, 50, 20), accessOhms: 1000 }, 'one-side'],
      [wires(0.5, 0.5, 10, 0), 'both-sides'],
      [wires(30, 5, 0, 100), 'both-sides'],
    ];
    for (const [index, [resistances, drive]] of cases.entries()) {
      const network = randomArray(40, 24, index, resistances, drive);
      const v = randomInputs(40 * 2, index);
      const { iterative, direct } = bothMethods(network, v);
      expect(iterative.maxRelativeResidual).toBeLessThan(1e-10);
      expect(maxRelativeError(iterative.currents, direct.currents)).toBeLessThan(1e-9);
    }
  });

  it('merged nodes: ideal wires with or without source/sense resistance, one ideal side', () => {
    const cases: CrossbarResistances[] = [
      wires(0, 0, 20, 0),
      wires(0, 0, 0, 20),
      wires(0, 0, 20, 30),
      wires(0, 2, 0, 0),
      wires(0, 2, 10, 5),
      wires(2, 0, 0, 0),
      wires(2, 0, 10, 5),
      wires(100, 0, 0, 5),
      wires(0, 100, 5, 0),
    ];
    for (const [index, resistances] of cases.entries()) {
      const network = randomArray(30, 45, index, resistances);
      const v = randomInputs(30, index);
      const { iterative, direct } = bothMethods(network, v);
      expect(iterative.maxRelativeResidual).toBeLessThan(1e-10);
      expect(maxRelativeError(iterative.currents, direct.currents)).toBeLessThan(1e-9);
    }
  });

  it('all resistances zero: the ideal MVM', () => {
    const network = randomArray(20, 30, 1, wires(0));
    const v = randomInputs(20, 2);
    const solution = solveCrossbar(network, v, { method: 'iterative' });
    expect(maxRelativeError(solution.currents, idealColumnCurrents(network, v))).toBeLessThan(1e-14);
  });

  it('zero inputs give zero currents', () => {
    const network = randomArray(70, 70, 3, wires(1));
    const solution = solveCrossbar(network, new Float64Array(70));
    expect(solution.method).toBe('iterative');
    expect(Array.from(solution.currents).every((i) => i === 0)).toBe(true);
  });

  it('property: agrees with the factorization on small random arrays (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 14 }),
          cols: fc.integer({ min: 1, max: 14 }),
          seed: fc.integer({ min: 0, max: 1_000_000 }),
          rRow: fc.oneof(fc.constant(0), fc.double({ min: 0.1, max: 100, noNaN: true })),
          rCol: fc.oneof(fc.constant(0), fc.double({ min: 0.1, max: 100, noNaN: true })),
          rSource: fc.constantFrom(0, 5),
          rSense: fc.constantFrom(0, 5),
          bothSides: fc.boolean(),
        }),
        ({ rows, cols, seed, rRow, rCol, rSource, rSense, bothSides }) => {
          const network = randomArray(rows, cols, seed, wires(rRow, rCol, rSource, rSense), bothSides ? 'both-sides' : 'one-side');
          const v = randomInputs(rows, seed);
          const { iterative, direct } = bothMethods(network, v);
          expect(iterative.maxRelativeResidual).toBeLessThan(1e-10);
          expect(maxRelativeError(iterative.currents, direct.currents)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('method policy (auto)', () => {
  it('one vector on a 64 x 64 array runs PCG within its budget', () => {
    const network = randomArray(64, 64, 7, wires(1));
    const solution = solveCrossbar(network, randomInputs(64, 7));
    expect(solution.method).toBe('iterative');
    expect(solution.fellBackToDirect).toBe(false);
    expect(solution.iterations).toBeGreaterThan(0);
    expect(solution.iterations).toBeLessThanOrEqual(autoIterationBudget(64, 64));
    expect(solution.maxRelativeResidual).toBeLessThan(1e-10);
  });

  it('falls back to the factorization when PCG exceeds its budget, with the same currents', () => {
    const network = randomArray(64, 64, 8, wires(100));
    const v = randomInputs(64 * 2, 8);
    const solution = solveCrossbar(network, v, { maxIterations: 2 });
    expect(solution.method).toBe('direct');
    expect(solution.fellBackToDirect).toBe(true);
    expect(solution.iterations).toBe(2);
    expect(solution.maxRelativeResidual).toBeLessThan(1e-10);
    expect(maxRelativeError(solution.currents, factorCrossbar(network).solve(v).currents)).toBeLessThan(1e-13);
  });

  it('method "iterative" reports a missed budget as an error instead of falling back', () => {
    const network = randomArray(48, 48, 9, wires(100));
    expect(() => solveCrossbar(network, randomInputs(48, 9), { method: 'iterative', maxIterations: 2 })).toThrow(CircuitSolveError);
  });

  it('batches, small arrays and method "direct" use the factorization', () => {
    const large = randomArray(64, 64, 10, wires(1));
    const batch = solveCrossbar(large, randomInputs(64 * (AUTO_MAX_ITERATIVE_VECTORS + 1), 10));
    expect(batch.method).toBe('direct');
    expect(batch.iterations).toBe(0);
    expect(solveCrossbar(randomArray(16, 16, 11, wires(1)), randomInputs(16, 11)).method).toBe('direct');
    expect(solveCrossbar(large, randomInputs(64, 12), { method: 'direct' }).method).toBe('direct');
  });

  it('a few vectors by PCG equal the batched factorization', () => {
    const network = randomArray(80, 72, 13, wires(5, 2, 10, 0));
    const v = randomInputs(80 * 4, 13);
    const solution = solveCrossbar(network, v);
    expect(solution.method).toBe('iterative');
    expect(solution.batch).toBe(4);
    expect(maxRelativeError(solution.currents, factorCrossbar(network).solve(v).currents)).toBeLessThan(1e-9);
  });
});

describe('the memory limit of a circuit solve', () => {
  const network = (rows: number, cols: number) => ({
    rows,
    cols,
    conductances: new Float64Array(rows * cols).fill(5e-5),
    resistances: { rowSegmentOhms: 1, columnSegmentOhms: 1, sourceOhms: 0, senseOhms: 0 },
  });

  it('estimates a factorization above its measured size, and conjugate gradients below it', () => {
    const measured = factorCrossbar(network(256, 256)).symbolic.factorEntries * 8;
    const estimate = estimateCircuitMemory(256, 256);
    expect(estimate.directBytes).toBeGreaterThan(measured);
    expect(estimate.directBytes).toBeLessThan(3 * measured);
    expect(estimate.iterativeBytes).toBeLessThan(estimate.directBytes);
  });

  it('refuses a factorization over the limit, and an auto solve takes conjugate gradients instead', () => {
    const big = network(96, 96);
    const limit = (estimateCircuitMemory(96, 96).directBytes + estimateCircuitMemory(96, 96).iterativeBytes) / 2;
    expect(() => factorCrossbar(big, { maxMemoryBytes: limit })).toThrow(/factorizing the 96 x 96 array needs about .* more than the limit of/);
    const inputs = new Float64Array(20 * 96).fill(0.1);
    const auto = solveCrossbar(big, inputs, { maxMemoryBytes: limit });
    expect(auto.method).toBe('iterative');
    const direct = solveCrossbar(big, inputs);
    expect(direct.method).toBe('direct');
    for (let k = 0; k < auto.currents.length; k++) expect(auto.currents[k]).toBeCloseTo(direct.currents[k], 12);
    expect(crossbarSolver(big, { maxMemoryBytes: limit }).solve(inputs).method).toBe('iterative');
    expect(() => solveCrossbar(big, inputs, { maxMemoryBytes: 1000 })).toThrow(/with its wires needs about .* \(factorization\) or .* \(conjugate gradients\), more than the limit/);
  });
});
