import type { DeviceInstance, DeviceModel } from '../device/contract.js';
import { makeStates, snapToState } from '../device/levels.js';
import { type ParamSpec, requireRelation, resolveParams } from '../device/params.js';
import { CONDUCTANCE_RANGE_PARAMS, type ExactCells } from './ideal.js';

/** Gaussian cells keep the level each was aimed at (g_q): proportional read noise scales with it. */
interface GaussianCells extends ExactCells {
  readonly level: Float64Array;
}

const GAUSSIAN_PARAMS: readonly ParamSpec[] = [
  ...CONDUCTANCE_RANGE_PARAMS,
  {
    name: 'sigma_prog',
    unit: 'S',
    default: 0,
    min: 0,
    max: 1,
    doc: 'standard deviation of the additive programming error, independent of G',
    source: 'Kern et al., MemSE, AICAS 2022 (absolute programming noise)',
  },
  {
    name: 'rel_prog',
    unit: '1',
    default: 0,
    min: 0,
    max: 10,
    doc: 'programming error proportional to G: G (1 + N(0, rel_prog^2)) (device-to-device variation)',
    source: 'DNN+NeuroSim device-to-device variation model',
  },
  {
    name: 'sigma_read',
    unit: 'S',
    default: 0,
    min: 0,
    max: 1,
    doc: 'standard deviation of the additive read noise, drawn fresh at every read',
  },
  {
    name: 'rel_read',
    unit: '1',
    default: 0,
    min: 0,
    max: 10,
    doc: 'read noise proportional to the programmed G, drawn fresh at every read',
  },
];

/**
 * The generic Gaussian cell (MemSE's noise model, extended): the target is clipped and snapped to a
 * level g_q, programmed to g_p = g_q + sqrt(sigma_prog^2 + (rel_prog g_q)^2) xi, and read as
 * g_p + sqrt(sigma_read^2 + (rel_read g_q)^2) xi' with fresh xi' at every read. Noise is not clipped,
 * so every quantity is exactly Gaussian and the moments are exact in closed form.
 */
export const gaussianDevice: DeviceModel = {
  name: 'gaussian',
  summary: 'generic cell with additive and proportional Gaussian programming and read noise (MemSE model)',
  params: GAUSSIAN_PARAMS,
  presets: [
    {
      name: 'memse',
      doc: 'MemSE setting: 128 levels, absolute programming noise of 1 % of gmax, no read noise',
      source: 'Kern et al., "MemSE: Fast MSE Prediction for Noisy Memristor-Based DNN Accelerators", AICAS 2022',
      values: { gmin: 0, gmax: 100e-6, levels: 128, sigma_prog: 1e-6 },
    },
  ],
  create(values = {}): DeviceInstance<GaussianCells> {
    const params = resolveParams('gaussian', GAUSSIAN_PARAMS, values);
    requireRelation('gaussian', params.gmin < params.gmax, `gmin (${params.gmin} S) must be below gmax (${params.gmax} S)`, 'gmin');
    requireRelation('gaussian', params.levels !== 1, 'levels must be 0 (continuous) or at least 2', 'levels');
    const states = makeStates(params.gmin, params.gmax, params.levels);
    const { sigma_prog: sigmaProg, rel_prog: relProg, sigma_read: sigmaRead, rel_read: relRead } = params;
    const programVariance = (gq: number) => sigmaProg * sigmaProg + relProg * relProg * gq * gq;
    const readVarianceOf = (gq: number) => sigmaRead * sigmaRead + relRead * relRead * gq * gq;
    return {
      modelName: 'gaussian',
      params,
      states,
      program(targets, rng) {
        const n = targets.length;
        const conductance = new Float64Array(n);
        const level = new Float64Array(n);
        rng.fillNormal(conductance);
        for (let i = 0; i < n; i++) {
          const gq = snapToState(states, targets[i]);
          level[i] = gq;
          conductance[i] = gq + Math.sqrt(programVariance(gq)) * conductance[i];
        }
        return { count: n, conductance, level };
      },
      read(state, _t, rng, out) {
        rng.fillNormal(out, 0, state.count);
        for (let i = 0; i < state.count; i++) {
          out[i] = state.conductance[i] + Math.sqrt(readVarianceOf(state.level[i])) * out[i];
        }
      },
      gaussianRead: {
        mean(state, _t, out) {
          out.set(state.conductance);
        },
        variance(state, _t, out) {
          for (let i = 0; i < state.count; i++) out[i] = readVarianceOf(state.level[i]);
        },
      },
      moments(target) {
        const gq = snapToState(states, target);
        const readVariance = readVarianceOf(gq);
        return { mean: gq, variance: programVariance(gq) + readVariance, readVariance };
      },
    };
  },
};
