// ngspice (eecircuit-engine: ngspice compiled to WebAssembly) checks the IR-drop solver through the
// SPICE exporter. Kept in its own file: the engine is ESM only and sets globalThis.window.
import { Simulation } from 'eecircuit-engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CrossbarNetwork, type CrossbarResistances, createRng, crossbarNetlist, solveCrossbar } from '../src/index.js';

let simulation: Simulation;

beforeAll(async () => {
  simulation = new Simulation();
  await simulation.start();
}, 60_000);

/** Column currents i(vs<j>) of the netlist, by ngspice's `.op`. */
async function ngspiceColumnCurrents(netlist: string, cols: number): Promise<Float64Array> {
  simulation.setNetList(netlist);
  const result = await simulation.runSim();
  if (result.dataType !== 'real') throw new Error('expected a real .op result');
  const out = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const entry = result.data.find((d) => d.name.toLowerCase() === `i(vs${j})`);
    if (!entry) throw new Error(`ngspice result has no i(vs${j}); errors: ${simulation.getError().join('; ')}`);
    out[j] = entry.values[0];
  }
  return out;
}

function randomCase(rows: number, cols: number, seed: number): { network: CrossbarNetwork; inputs: Float64Array } {
  const rng = createRng(seed, 'ngspice-case', rows, cols);
  const logUniform = (low: number, high: number) => low * Math.exp(Math.log(high / low) * rng.uniform());
  const conductances = new Float64Array(rows * cols);
  for (let k = 0; k < conductances.length; k++) conductances[k] = 1e-6 + 99e-6 * rng.uniform();
  const resistances: CrossbarResistances = {
    rowSegmentOhms: logUniform(0.1, 100),
    columnSegmentOhms: logUniform(0.1, 100),
    sourceOhms: 0,
    senseOhms: 0,
  };
  const inputs = new Float64Array(rows);
  for (let i = 0; i < rows; i++) inputs[i] = 0.05 + 0.25 * rng.uniform();
  return { network: { rows, cols, conductances, resistances }, inputs };
}

async function maxRelativeErrorVsNgspice(network: CrossbarNetwork, inputs: Float64Array): Promise<number> {
  const spice = await ngspiceColumnCurrents(crossbarNetlist(network, inputs), network.cols);
  const ours = solveCrossbar(network, inputs).currents;
  let worst = 0;
  for (let j = 0; j < network.cols; j++) worst = Math.max(worst, Math.abs(ours[j] - spice[j]) / Math.abs(spice[j]));
  return worst;
}

describe('IR-drop solver vs ngspice through the exported netlist', () => {
  const sizes: [number, number, number][] = [
    [4, 4, 3],
    [16, 16, 3],
    [32, 32, 2],
    [64, 64, 1],
  ];
  for (const [rows, cols, repeats] of sizes) {
    it(`${rows} x ${cols} random arrays (wires 0.1..100 ohm, cells 1..100 uS): column currents within 1e-6`, async () => {
      for (let seed = 0; seed < repeats; seed++) {
        const { network, inputs } = randomCase(rows, cols, seed);
        expect(await maxRelativeErrorVsNgspice(network, inputs)).toBeLessThan(1e-6);
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
      expect(await maxRelativeErrorVsNgspice(network, base.inputs)).toBeLessThan(1e-6);
    }
  });
});
