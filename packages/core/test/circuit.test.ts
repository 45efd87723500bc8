import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CrossbarResistances,
  CircuitInputError,
  approximateColumnCurrents,
  crossbarNetlist,
  factorCrossbar,
  idealColumnCurrents,
  solveCrossbar,
  solveNonlinearCrossbar,
  subtractColumns,
  wiredConductanceMap,
} from '../src/index.js';
import { denseReferenceCurrents, maxRelativeError, randomArray, randomInputs, wires } from './circuit-reference.js';


describe('IR-drop solver against an independent dense nodal solve', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [1, 6],
    [6, 1],
    [3, 7],
    [9, 4],
    [16, 16],
    [24, 17],
  ];
  for (const [m, n] of shapes) {
    it(`${m} x ${n}, wire 0.1..100 ohm, source/sense/access resistances, one or both sides`, () => {
      for (const [index, r] of [0.1, 3, 100].entries()) {
        for (const drive of ['one-side', 'both-sides'] as const) {
          const network = randomArray(m, n, index, { ...wires(r, 1.7 * r, 2, 3), accessOhms: index * 500 }, drive);
          const v = randomInputs(m, index);
          const solution = solveCrossbar(network, v);
          expect(maxRelativeError(solution.currents, denseReferenceCurrents(network, v))).toBeLessThan(1e-10);
          expect(solution.maxRelativeResidual).toBeLessThan(1e-10);
        }
      }
    });
  }
});

describe('zero resistances', () => {
  it('zero wire, source and sense resistance reproduce the ideal MVM exactly', () => {
    const network = randomArray(37, 23, 1, wires(0));
    const v = randomInputs(37 * 3, 2, -0.3, 0.3);
    expect(solveCrossbar(network, v).currents).toEqual(idealColumnCurrents(network, v));
  });

  it('ideal wires with source and sense resistance, or one ideal side, match tiny-resistance limits', () => {
    const cases: CrossbarResistances[] = [
      wires(0, 0, 20, 0),
      wires(0, 0, 0, 20),
      wires(0, 0, 20, 30),
      wires(0, 2, 0, 0),
      wires(0, 2, 10, 5),
      wires(2, 0, 0, 0),
      wires(2, 0, 10, 5),
      wires(2, 0, 0, 5),
      wires(0, 2, 10, 0),
    ];
    for (const r of cases) {
      for (const drive of ['one-side', 'both-sides'] as const) {
        const network = randomArray(7, 5, 3, r, drive);
        const v = randomInputs(7, 4);
        const exact = solveCrossbar(network, v).currents;
        const limit = denseReferenceCurrents(
          { ...network, resistances: { ...r, rowSegmentOhms: r.rowSegmentOhms || 1e-7, columnSegmentOhms: r.columnSegmentOhms || 1e-7 } },
          v,
        );
        expect(maxRelativeError(exact, limit)).toBeLessThan(1e-6);
      }
    }
  });
});

describe('circuit properties (fast-check)', () => {
  const arrays = fc.record({
    rows: fc.integer({ min: 1, max: 12 }),
    cols: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    rWire: fc.double({ min: 0.1, max: 100, noNaN: true }),
    rSource: fc.constantFrom(0, 5),
    rSense: fc.constantFrom(0, 5),
  });

  it('the effective conductance map gives every vector the circuit solve (the fast path against the reference)', () => {
    fc.assert(
      fc.property(arrays, ({ rows, cols, seed, rWire, rSource, rSense }) => {
        const network = randomArray(rows, cols, seed, wires(rWire, 2 * rWire, rSource, rSense));
        const map = wiredConductanceMap(network);
        const v = randomInputs(3 * rows, seed, -0.3, 0.3);
        const solved = solveCrossbar(network, v).currents;
        let worst = 0;
        let scale = 0;
        for (let b = 0; b < 3; b++) {
          for (let j = 0; j < cols; j++) {
            let current = 0;
            for (let i = 0; i < rows; i++) current += v[b * rows + i] * map[i * cols + j];
            worst = Math.max(worst, Math.abs(current - solved[b * cols + j]));
            scale = Math.max(scale, Math.abs(solved[b * cols + j]));
          }
        }
        expect(worst).toBeLessThanOrEqual(1e-12 * scale + 1e-20);
      }),
      { numRuns: 60 },
    );
  });

  it('Kirchhoff: the driver currents sum to the column currents', () => {
    fc.assert(
      fc.property(arrays, ({ rows, cols, seed, rWire, rSource, rSense }) => {
        const network = randomArray(rows, cols, seed, wires(rWire, rWire, rSource, rSense));
        const v = randomInputs(rows, seed, -0.3, 0.3);
        const factor = factorCrossbar(network);
        const x = factor.solveNodes(v, 0, 1).voltages;
        const gDrive = 1 / (rSource + rWire);
        let driven = 0;
        let scale = 0;
        for (let i = 0; i < rows; i++) {
          driven += gDrive * (v[i] - x[i * cols]); // row node (i, 0)
          scale += Math.abs(gDrive * (v[i] - x[i * cols]));
        }
        const sensed = factor.solve(v).currents.reduce((a, b) => a + b, 0);
        expect(Math.abs(driven - sensed)).toBeLessThanOrEqual(1e-9 * scale + 1e-18);
      }),
      { numRuns: 60 },
    );
  });

  it('linearity in the inputs, and a batch equals separate solves', () => {
    fc.assert(
      fc.property(arrays, fc.double({ min: -3, max: 3, noNaN: true }), ({ rows, cols, seed, rWire, rSource, rSense }, alpha) => {
        const network = randomArray(rows, cols, seed, wires(rWire, 2 * rWire, rSource, rSense));
        const v1 = randomInputs(rows, seed + 1, -0.3, 0.3);
        const v2 = randomInputs(rows, seed + 2, -0.3, 0.3);
        const combined = v1.map((x, k) => alpha * x + v2[k]);
        const batch = new Float64Array([...v1, ...v2, ...combined]);
        const all = factorCrossbar(network).solve(batch).currents;
        const one = (v: Float64Array) => solveCrossbar(network, v).currents;
        const i1 = one(v1);
        const i2 = one(v2);
        let scale = 0;
        for (let j = 0; j < cols; j++) scale = Math.max(scale, Math.abs(i1[j]), Math.abs(i2[j]));
        for (let j = 0; j < cols; j++) {
          expect(Math.abs(all[j] - i1[j])).toBeLessThanOrEqual(1e-12 * scale);
          expect(Math.abs(all[cols + j] - i2[j])).toBeLessThanOrEqual(1e-12 * scale);
          expect(Math.abs(all[2 * cols + j] - (alpha * i1[j] + i2[j]))).toBeLessThanOrEqual(1e-9 * scale * (1 + Math.abs(alpha)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('more wire resistance never increases the total current (equal positive inputs, Rayleigh monotonicity)', () => {
    fc.assert(
      fc.property(arrays, fc.double({ min: 1.01, max: 10, noNaN: true }), ({ rows, cols, seed, rWire }, factor) => {
        const v = new Float64Array(rows).fill(0.2);
        const total = (r: number) => solveCrossbar(randomArray(rows, cols, seed, wires(r)), v).currents.reduce((a, b) => a + b, 0);
        const ideal = idealColumnCurrents(randomArray(rows, cols, seed, wires(0)), v).reduce((a, b) => a + b, 0);
        const low = total(rWire);
        const high = total(rWire * factor);
        expect(high).toBeLessThanOrEqual(low * (1 + 1e-12));
        expect(low).toBeLessThanOrEqual(ideal * (1 + 1e-12));
      }),
      { numRuns: 60 },
    );
  });
});

describe('batched solves', () => {
  it('solve many vectors through one factorization, in chunks, checking the residual of one vector in full', () => {
    const network = randomArray(40, 30, 5, wires(2, 2, 10, 10));
    const batch = 50;
    const v = randomInputs(40 * batch, 6, -0.3, 0.3);
    const factor = factorCrossbar(network);
    const all = factor.solve(v);
    const verified = factorCrossbar(network, { verifyEveryVector: true }).solve(v);
    // same arithmetic up to the summation order of the batched kernels
    expect(maxRelativeError(all.currents, verified.currents)).toBeLessThan(1e-12);
    expect(verified.maxRelativeResidual).toBeLessThan(1e-10);
    const third = factor.solve(v.subarray(40 * 3, 40 * 4)).currents;
    expect(maxRelativeError(all.currents.subarray(30 * 3, 30 * 4), third)).toBeLessThan(1e-12);
  });

  it('differential and reference columns are column differences', () => {
    const network = randomArray(8, 6, 9, wires(1));
    const v = randomInputs(8, 1);
    const currents = solveCrossbar(network, v).currents;
    const differential = subtractColumns(currents, 6, [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(differential[1]).toBe(currents[2] - currents[3]);
    expect(subtractColumns(currents, 6, [[0, 5]])[0]).toBe(currents[0] - currents[5]);
  });

  it('rejects inconsistent inputs with clear errors', () => {
    const network = randomArray(4, 3, 1, wires(1));
    expect(() => solveCrossbar(network, new Float64Array(5))).toThrow(CircuitInputError);
    expect(() => solveCrossbar({ ...network, resistances: wires(-1) }, new Float64Array(4))).toThrow(/rowSegmentOhms/);
    expect(() => solveCrossbar({ ...network, conductances: new Float64Array(11) }, new Float64Array(4))).toThrow(/expected 4 x 3/);
  });
});

describe('approximate mode', () => {
  it('stays within its documented error of the exact solver', () => {
    // bound from docs/ir-drop.md: 2 sweeps, 64 x 64, 1 ohm segments: < 1% of the largest current
    const network = randomArray(64, 64, 11, wires(1));
    const v = randomInputs(64, 12);
    const exact = solveCrossbar(network, v).currents;
    const approx = approximateColumnCurrents(network, v);
    const scale = Math.max(...exact);
    let worst = 0;
    for (let j = 0; j < 64; j++) worst = Math.max(worst, Math.abs(approx[j] - exact[j]) / scale);
    expect(worst).toBeLessThan(0.01);
    // more sweeps converge to the exact solution
    const many = approximateColumnCurrents(network, v, { sweeps: 200 });
    expect(maxRelativeError(many, exact)).toBeLessThan(1e-6);
  });

  it('is exact when one side is ideal', () => {
    const network = randomArray(12, 9, 2, wires(2, 0, 5, 0));
    const v = randomInputs(12, 3);
    expect(maxRelativeError(approximateColumnCurrents(network, v, { sweeps: 1 }), solveCrossbar(network, v).currents)).toBeLessThan(1e-12);
  });
});

describe('nonlinear cells (Newton)', () => {
  const ohmic = (g: number, v: number) => g * v;
  const superlinear = (g: number, v: number) => g * v * (1 + 4 * v * v);

  it('an ohmic I-V gives the linear solution', () => {
    const network = randomArray(10, 8, 4, wires(5, 5, 10, 10));
    const v = randomInputs(20, 5);
    const nonlinear = solveNonlinearCrossbar(network, ohmic, v);
    expect(nonlinear.report.converged).toBe(true);
    expect(maxRelativeError(nonlinear.currents, solveCrossbar(network, v).currents)).toBeLessThan(1e-9);
  });

  it('converges for a superlinear I-V, with a report, and agrees with the ideal sum at zero resistance', () => {
    const network = randomArray(16, 12, 6, wires(20, 20, 50, 50));
    const v = randomInputs(16, 7, 0.1, 0.5);
    const { currents, report } = solveNonlinearCrossbar(network, superlinear, v);
    expect(report.converged).toBe(true);
    expect(report.finalResidual).toBeLessThan(1e-10);
    expect(report.iterations).toBeGreaterThan(1);
    const linear = solveCrossbar(network, v).currents;
    for (let j = 0; j < 12; j++) expect(currents[j]).toBeGreaterThan(linear[j]); // the cells conduct more than ohmic
    const ideal = solveNonlinearCrossbar({ ...network, resistances: wires(0) }, superlinear, v);
    const expected = new Float64Array(12);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 12; j++) expected[j] += superlinear(network.conductances[i * 12 + j], v[i]);
    expect(maxRelativeError(ideal.currents, expected)).toBeLessThan(1e-14);
  });

  it('handles nonlinear cells with one ideal side', () => {
    const network = randomArray(6, 5, 8, wires(10, 0, 20, 0));
    const v = randomInputs(6, 9, 0.1, 0.5);
    const { report } = solveNonlinearCrossbar(network, superlinear, v);
    expect(report.converged).toBe(true);
  });
});

describe('SPICE netlist export', () => {
  it('writes every element with exact values and one 0 V sense source per column', () => {
    const network = randomArray(3, 2, 1, { ...wires(1.5, 2.5, 10, 20), accessOhms: 7 });
    const v = new Float64Array([0.1, 0.2, 1 / 3]);
    const netlist = crossbarNetlist(network, v);
    const lines = netlist.split('\n');
    expect(lines.filter((l) => l.startsWith('RX'))).toHaveLength(6);
    expect(lines.filter((l) => l.startsWith('RR'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('RC'))).toHaveLength(4);
    expect(lines).toContain('VS1 s1 0 DC 0');
    expect(lines).toContain(`VIN2 in2 0 DC ${String(1 / 3)}`);
    expect(lines).toContain('RD0 in0 r0_0 11.5');
    expect(lines).toContain('RS1 c2_1 s1 22.5');
    const cell = lines.find((l) => l.startsWith('RX1_0 '))!;
    expect(Number(cell.split(' ')[3])).toBe(1 / network.conductances[2] + 7);
    expect(netlist).toMatch(/\.op\n\.end\n$/);
  });

  it('merges ideal wires into single nodes instead of 0 ohm resistors', () => {
    const netlist = crossbarNetlist(randomArray(2, 2, 1, wires(0, 0, 5, 0)), new Float64Array([0.1, 0.2]));
    expect(netlist.split('\n').filter((l) => l.startsWith('R') && l.endsWith(' 0'))).toEqual([]);
    expect(netlist).toContain('RX1_1 r1 s1 ');
  });
});
