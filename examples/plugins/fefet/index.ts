/**
 * An outside device plugin: a multi-domain FeFET cell, written against @xbar/core only. It shows
 * everything a device package needs: parameter declarations, a sampler, its exact moments, and a
 * ContainerModule that registers the model. Nothing in core changes to load it.
 *
 * Model: the channel conductance of a FeFET follows the fraction x of its ferroelectric domains that
 * are switched, G = gmin + x (gmax - gmin). Programming switches each of `domains` domains
 * independently, so the switched fraction has variance x (1 - x) / domains (binomial, taken as
 * normal): zero at the end states, largest mid-range. Reads add Gaussian read noise.
 */
import {
  type DeviceInstance,
  type DeviceModel,
  type ParamSpec,
  type ProgrammedCells,
  deviceModule,
  makeStates,
  requireRelation,
  resolveParams,
  snapToState,
} from '@xbar/core';

/** A programmed FeFET cell keeps its conductance. */
export interface FefetCells extends ProgrammedCells {
  readonly conductance: Float64Array;
}

const FEFET_PARAMS: readonly ParamSpec[] = [
  { name: 'gmin', unit: 'S', default: 0.5e-6, min: 0, max: 1, doc: 'conductance with no domain switched' },
  { name: 'gmax', unit: 'S', default: 20e-6, min: 1e-12, max: 1, doc: 'conductance with every domain switched' },
  { name: 'levels', unit: '1', default: 32, min: 0, max: 65536, integer: true, doc: 'programmable levels from gmin to gmax; 0 = continuous' },
  { name: 'domains', unit: '1', default: 400, min: 1, max: 1e9, integer: true, doc: 'ferroelectric domains under the gate (sets the programming spread)' },
  { name: 'sigma_read', unit: 'S', default: 0.05e-6, min: 0, max: 1, doc: 'read noise (std), drawn fresh at every read' },
];

export const fefetDevice: DeviceModel = {
  name: 'fefet',
  summary: 'example plugin: multi-domain FeFET, binomial domain-switching programming spread, Gaussian read noise',
  params: FEFET_PARAMS,
  presets: [
    {
      name: 'analog-synapse',
      doc: 'illustrative 5-bit FeFET synapse (32 levels, 0.5..20 uS), values chosen for the example',
      source: 'illustrative; cf. Jerry et al., "Ferroelectric FET analog synapse for acceleration of deep neural network training", IEDM 2017',
      values: { levels: 32, gmin: 0.5e-6, gmax: 20e-6 },
    },
  ],
  create(values = {}): DeviceInstance<FefetCells> {
    const params = resolveParams('fefet', FEFET_PARAMS, values);
    requireRelation('fefet', params.gmin < params.gmax, `gmin (${params.gmin} S) must be below gmax (${params.gmax} S)`, 'gmin');
    requireRelation('fefet', params.levels !== 1, 'levels must be 0 (continuous) or at least 2', 'levels');
    const states = makeStates(params.gmin, params.gmax, params.levels);
    const span = params.gmax - params.gmin;
    const readVariance = params.sigma_read ** 2;
    const programSigma = (level: number) => {
      const x = (level - params.gmin) / span;
      return span * Math.sqrt(Math.max(x * (1 - x), 0) / params.domains);
    };
    return {
      modelName: 'fefet',
      params,
      states,
      program(targets, rng) {
        const conductance = new Float64Array(targets.length);
        rng.fillNormal(conductance);
        for (let i = 0; i < targets.length; i++) {
          const level = snapToState(states, targets[i]);
          conductance[i] = level + programSigma(level) * conductance[i];
        }
        return { count: targets.length, conductance };
      },
      read(cells, _timeSeconds, rng, out) {
        rng.fillNormal(out, 0, cells.count);
        for (let i = 0; i < cells.count; i++) out[i] = cells.conductance[i] + params.sigma_read * out[i];
      },
      gaussianRead: {
        mean(cells, _timeSeconds, out) {
          out.set(cells.conductance.subarray(0, cells.count));
        },
        variance(cells, _timeSeconds, out) {
          out.fill(readVariance, 0, cells.count);
        },
      },
      moments(target) {
        const level = snapToState(states, target);
        return { mean: level, variance: programSigma(level) ** 2 + readVariance, readVariance };
      },
    };
  },
};

/** The plugin module: load it next to the other device modules. */
export const fefetDevicesModule = deviceModule([fefetDevice]);

/** The name xbar.config.yaml plugins are loaded by (`plugins: [./index.ts]` in this folder's config). */
export { fefetDevicesModule as devicesModule };
