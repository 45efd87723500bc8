// ngspice (eecircuit-engine: ngspice compiled to WebAssembly) as the reference of the IR-drop solver,
// through the SPICE exporter. The engine is ESM only and sets globalThis.window.
import { Simulation } from 'eecircuit-engine';
import { type CrossbarNetwork, type CrossbarResistances, createRng, crossbarNetlist, solveCrossbar } from '../src/index.js';

/** A started ngspice (WebAssembly): its start takes a few seconds, give beforeAll a minute. */
export async function startNgspice(): Promise<Simulation> {
  const simulation = new Simulation();
  await simulation.start();
  return simulation;
}

/** Column currents i(vs<j>) of the netlist, by ngspice's `.op`. */
export async function ngspiceColumnCurrents(simulation: Simulation, netlist: string, cols: number): Promise<Float64Array> {
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

export function randomCase(rows: number, cols: number, seed: number): { network: CrossbarNetwork; inputs: Float64Array } {
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

export async function maxRelativeErrorVsNgspice(simulation: Simulation, network: CrossbarNetwork, inputs: Float64Array): Promise<number> {
  const spice = await ngspiceColumnCurrents(simulation, crossbarNetlist(network, inputs), network.cols);
  const ours = solveCrossbar(network, inputs).currents;
  let worst = 0;
  for (let j = 0; j < network.cols; j++) worst = Math.max(worst, Math.abs(ours[j] - spice[j]) / Math.abs(spice[j]));
  return worst;
}
