// ngspice (eecircuit-engine, in WebAssembly) checks the IR-drop solver through the SPICE exporter;
// the 64 x 64 arrays: circuit-ngspice.long.test.ts.
import type { Simulation } from 'eecircuit-engine';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrossbarNetwork, CrossbarResistances } from '../src/index.js';
import { maxRelativeErrorVsNgspice, randomCase, startNgspice } from './ngspice-reference.js';

let simulation: Simulation;

beforeAll(async () => {
  simulation = await startNgspice();
}, 60_000);

describe('IR-drop solver vs ngspice through the exported netlist', () => {
  const sizes: [number, number, number][] = [
    [4, 4, 3],
    [16, 16, 3],
    [32, 32, 2],
  ];
  // 64 x 64 (ngspice takes 10 s): circuit-ngspice.long.test.ts
  for (const [rows, cols, repeats] of sizes) {
    it(`${rows} x ${cols} random arrays (wires 0.1..100 ohm, cells 1..100 uS): column currents within 1e-6`, async () => {
      for (let seed = 0; seed < repeats; seed++) {
        const { network, inputs } = randomCase(rows, cols, seed);
        expect(await maxRelativeErrorVsNgspice(simulation, network, inputs)).toBeLessThan(1e-6);
      }
    });
  }

  it('source, sense and access resistances, both-side drive, ideal wires (merged nodes), rectangular arrays', async () => {
    const variants: [number, number, Partial<CrossbarResistances>, 'one-side' | 'both-sides'][] = [
      [12, 7, { sourceOhms: 50, senseOhms: 30, accessOhms: 2000 }, 'both-sides'],
      [7, 12, { rowSegmentOhms: 0, sourceOhms: 40 }, 'one-side'],
      [9, 9, { columnSegmentOhms: 0, senseOhms: 25 }, 'both-sides'],
      [8, 5, { rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 20, senseOhms: 10 }, 'one-side'],
      [6, 6, { columnSegmentOhms: 0 }, 'one-side'],
    ];
    for (const [k, [rows, cols, overrides, drive]] of variants.entries()) {
      const base = randomCase(rows, cols, 100 + k);
      const network: CrossbarNetwork = { ...base.network, resistances: { ...base.network.resistances, ...overrides }, drive };
      expect(await maxRelativeErrorVsNgspice(simulation, network, base.inputs)).toBeLessThan(1e-6);
    }
  });
});
