// The IR-drop solver vs ngspice (ngspice-reference.ts) on 64 x 64 random arrays.
import type { Simulation } from 'eecircuit-engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelativeErrorVsNgspice, randomCase, startNgspice } from './ngspice-reference.js';

let simulation: Simulation;

beforeAll(async () => {
  simulation = await startNgspice();
}, 60_000);

describe('IR-drop solver vs ngspice through the exported netlist', () => {
  it('64 x 64 random arrays (wires 0.1..100 ohm, cells 1..100 uS): column currents within 1e-6', async () => {
    const { network, inputs } = randomCase(64, 64, 0);
    expect(await maxRelativeErrorVsNgspice(simulation, network, inputs)).toBeLessThan(1e-6);
  });
});
