import { describe, expect, it } from 'vitest';
import { type CrossbarNetwork, type CrossbarResistances, wireSensitivities, wiredConductanceMap } from '../src/circuit/index.js';
import { createRng } from '../src/random/rng.js';

function network(rows: number, cols: number, resistances: CrossbarResistances, seed: number, drive?: 'both-sides'): CrossbarNetwork {
  const rng = createRng(seed, 'conductances');
  const conductances = new Float64Array(rows * cols);
  for (let c = 0; c < conductances.length; c++) conductances[c] = 1e-6 + 99e-6 * rng.uniform();
  return { rows, cols, conductances, resistances, ...(drive ? { drive } : {}) };
}

const CASES: [string, CrossbarResistances, 'both-sides'?][] = [
  ['ideal wires', { rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 0, senseOhms: 0 }],
  ['segments only', { rowSegmentOhms: 2, columnSegmentOhms: 3, sourceOhms: 0, senseOhms: 0 }],
  ['row wires only', { rowSegmentOhms: 5, columnSegmentOhms: 0, sourceOhms: 0, senseOhms: 0 }],
  ['column wires only', { rowSegmentOhms: 0, columnSegmentOhms: 5, sourceOhms: 0, senseOhms: 0 }],
  ['lumped lines', { rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 40, senseOhms: 60 }],
  ['everything, with access transistors', { rowSegmentOhms: 2, columnSegmentOhms: 1, sourceOhms: 30, senseOhms: 20, accessOhms: 2000 }],
  ['both-sides drive', { rowSegmentOhms: 4, columnSegmentOhms: 2, sourceOhms: 10, senseOhms: 5 }, 'both-sides'],
];

describe('wireSensitivities', () => {
  for (const [label, resistances, drive] of CASES) {
    it(`${label}: the effective map, the cell voltages (KCL) and the adjoint agree with finite differences of the circuit`, () => {
      const net = network(5, 4, resistances, 11, drive);
      const s = wireSensitivities(net);
      const cells = 20;
      const map = wiredConductanceMap(net);
      for (let e = 0; e < map.length; e++) expect(Math.abs(s.effective[e] - map[e])).toBeLessThan(1e-18);
      // KCL on each column wire: its current is the sum of its cells' currents.
      const access = resistances.accessOhms ?? 0;
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 4; j++) {
          let sum = 0;
          for (let r = 0; r < 5; r++) {
            const g = net.conductances[r * 4 + j];
            sum += (access > 0 ? g / (1 + g * access) : g) * s.cellVoltage[(r * 4 + j) * 5 + i];
          }
          expect(sum).toBeCloseTo(s.effective[i * 4 + j], 15);
        }
      }
      // d G_eff[i, j] / d G_c = adjoint[j, c] * cellVoltage[c, i], by central differences.
      for (const c of [0, 7, 13, 19]) {
        const h = 1e-9;
        const plus = { ...net, conductances: Float64Array.from(net.conductances) };
        const minus = { ...net, conductances: Float64Array.from(net.conductances) };
        plus.conductances[c] += h;
        minus.conductances[c] -= h;
        const up = wiredConductanceMap(plus);
        const down = wiredConductanceMap(minus);
        for (let i = 0; i < 5; i++) {
          for (let j = 0; j < 4; j++) {
            const numeric = (up[i * 4 + j] - down[i * 4 + j]) / (2 * h);
            const analytic = s.adjoint[j * cells + c] * s.cellVoltage[c * 5 + i];
            expect(Math.abs(analytic - numeric)).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(numeric)) + 1e-9);
          }
        }
      }
    });
  }

  it('without any resistance is the ideal crossbar: U selects the row, the adjoint the column', () => {
    const s = wireSensitivities(network(3, 2, CASES[0][1], 3));
    for (let c = 0; c < 6; c++) {
      for (let i = 0; i < 3; i++) expect(s.cellVoltage[c * 3 + i]).toBe(Math.floor(c / 2) === i ? 1 : 0);
      for (let j = 0; j < 2; j++) expect(s.adjoint[j * 6 + c]).toBe(c % 2 === j ? 1 : 0);
    }
  });
});
