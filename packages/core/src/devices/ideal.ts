import type { DeviceInstance, DeviceModel, ProgrammedCells } from '../device/contract.js';
import { makeStates, snapToState } from '../device/levels.js';
import { type ParamSpec, requireRelation, resolveParams } from '../device/params.js';

/** Cells of the ideal device: the programmed conductance, nothing else. */
export interface ExactCells extends ProgrammedCells {
  readonly conductance: Float64Array;
}

export const CONDUCTANCE_RANGE_PARAMS: readonly ParamSpec[] = [
  { name: 'gmin', unit: 'S', default: 1e-6, min: 0, max: 1, doc: 'lowest programmable conductance' },
  { name: 'gmax', unit: 'S', default: 100e-6, min: 1e-12, max: 1, doc: 'highest programmable conductance' },
  {
    name: 'levels',
    unit: '1',
    default: 0,
    min: 0,
    max: 65536,
    integer: true,
    doc: 'number of uniformly spaced programmable levels from gmin to gmax; 0 = continuous',
  },
];

/**
 * The ideal device: programs exactly to the target (clipped to [gmin, gmax] and snapped to the
 * nearest level if `levels` > 0), never drifts, reads without noise. The reference for mapping tests
 * and the baseline of every comparison.
 */
export const idealDevice: DeviceModel = {
  name: 'ideal',
  summary: 'noise-free cell: exact programming (optionally to uniform levels), no drift, no read noise',
  params: CONDUCTANCE_RANGE_PARAMS,
  presets: [
    {
      name: 'binary',
      doc: 'two-level cell (on/off) with a 100x on/off ratio',
      source: 'generic',
      values: { gmin: 1e-6, gmax: 100e-6, levels: 2 },
    },
  ],
  create(values = {}): DeviceInstance<ExactCells> {
    const params = resolveParams('ideal', CONDUCTANCE_RANGE_PARAMS, values);
    requireRelation('ideal', params.gmin < params.gmax, `gmin (${params.gmin} S) must be below gmax (${params.gmax} S)`, 'gmin');
    requireRelation('ideal', params.levels !== 1, 'levels must be 0 (continuous) or at least 2', 'levels');
    const states = makeStates(params.gmin, params.gmax, params.levels);
    return {
      modelName: 'ideal',
      params,
      states,
      program(targets) {
        const conductance = new Float64Array(targets.length);
        for (let i = 0; i < targets.length; i++) conductance[i] = snapToState(states, targets[i]);
        return { count: targets.length, conductance };
      },
      read(state, _t, _rng, out) {
        out.set(state.conductance.subarray(0, state.count));
      },
      gaussianRead: {
        mean(state, _t, out) {
          out.set(state.conductance);
        },
        variance(_state, _t, out) {
          out.fill(0);
        },
      },
      moments(target) {
        return { mean: snapToState(states, target), variance: 0, readVariance: 0 };
      },
    };
  },
};
