import {
  type ConductanceMoments,
  type DeviceInstance,
  type DeviceModel,
  type ProgrammedCells,
  type Seconds,
  type Siemens,
  makeStates,
  normalCdf,
  normalPdf,
  requireRelation,
  resolveParams,
  snapToState,
} from '@xbar/core';
import { pcmMoments, pcmProgrammedProduct } from './moments.js';
import { PCM_PARAMS } from './params.js';
import { driftExponentStats, driftLogTime, pcmPhysics, programmingSigma, readNoiseAmplitude, readNoiseTimeFactor } from './physics.js';
import { PCM_PRESETS } from './presets.js';

/** E[max(1 + s Z, 0)] for a standard normal Z: the mean factor of a read clipped at 0 S. */
function clippedUnitMean(s: number): number {
  return s > 0 ? normalCdf(1 / s) + s * normalPdf(1 / s) : 1;
}

/** Number of (level, time) moment results a PCM instance remembers. */
const MOMENT_CACHE_SIZE = 4096;

/** What a programmed PCM cell keeps: its conductance right after programming and its drift exponent. */
export interface PcmCells extends ProgrammedCells {
  /** G_prog in siemens. */
  readonly conductance: Float64Array;
  /** Drift exponent nu (dimensionless), drawn once at programming. */
  readonly driftExponent: Float64Array;
}

/**
 * Phase-change memory, the PCM-like model of IBM aihwkit (fitted on measured PCM devices):
 * - programming: g_p = max(g_T + sigma_prog(g_T / gmax) xi, 0), sigma_prog a quadratic polynomial;
 * - drift: nu = drift_scale |mu_nu + sigma_nu xi'| per device, mu_nu and sigma_nu clipped affine in
 *   ln(g_T / gmax); G(t) = g_p ((t + t0) / t0)^(-nu), t counted from the end of programming;
 * - 1/f read noise growing with time: R = max(G(t) (1 + Q_s(g_p) sqrt(ln((t + t0 + t_read) / (2 t_read))) xi''), 0),
 *   drawn fresh at every read.
 * Global drift compensation (a calibration read right after programming and at read time, outputs
 * scaled by the ratio) works on these reads unchanged: the drift is mostly a common factor.
 */
export const pcmDevice: DeviceModel = {
  name: 'pcm',
  summary: 'phase-change memory: aihwkit PCM-like model (polynomial programming noise, per-device drift exponent, 1/f read noise)',
  params: PCM_PARAMS,
  presets: PCM_PRESETS,
  create(values = {}): DeviceInstance<PcmCells> {
    const params = resolveParams('pcm', PCM_PARAMS, values);
    requireRelation('pcm', params.gmin < params.gmax, `gmin (${params.gmin} S) must be below gmax (${params.gmax} S)`, 'gmin');
    requireRelation('pcm', params.levels !== 1, 'levels must be 0 (continuous) or at least 2', 'levels');
    requireRelation('pcm', params.nu_mu_min <= params.nu_mu_max, 'nu_mu_min must not exceed nu_mu_max', 'nu_mu_min');
    requireRelation('pcm', params.nu_sigma_min <= params.nu_sigma_max, 'nu_sigma_min must not exceed nu_sigma_max', 'nu_sigma_min');
    requireRelation('pcm', params.t0 > params.t_read, `t0 (${params.t0} s) must exceed t_read (${params.t_read} s)`, 't0');
    const states = makeStates(params.gmin, params.gmax, params.levels);
    const physics = pcmPhysics(params);
    // The moments need quadrature (about a millisecond); engines ask again and again for the same levels.
    const momentCache = new Map<string, ConductanceMoments>();
    const productCache = new Map<string, number>(); // E[E[R(t1)|cell] E[R(t2)|cell]] per (level, t1, t2)
    const moments = (target: Siemens, timeSeconds: Seconds): ConductanceMoments => {
      const level = snapToState(states, target);
      const key = `${level}@${timeSeconds}`;
      let found = momentCache.get(key);
      if (!found) {
        found = pcmMoments(physics, level, timeSeconds);
        if (momentCache.size >= MOMENT_CACHE_SIZE) momentCache.clear();
        momentCache.set(key, found);
      }
      return found;
    };
    return {
      modelName: 'pcm',
      params,
      states,
      program(targets, rng) {
        const n = targets.length;
        const conductance = new Float64Array(n);
        const driftExponent = new Float64Array(n);
        rng.fillNormal(conductance);
        rng.fillNormal(driftExponent);
        for (let i = 0; i < n; i++) {
          const level = snapToState(states, targets[i]);
          conductance[i] = Math.max(level + programmingSigma(physics, level) * conductance[i], 0);
          const nu = driftExponentStats(physics, level);
          driftExponent[i] = physics.driftScale * Math.abs(nu.mean + nu.sigma * driftExponent[i]);
        }
        return { count: n, conductance, driftExponent };
      },
      read(state, timeSeconds, rng, out) {
        const logTime = driftLogTime(physics, timeSeconds);
        const timeFactor = readNoiseTimeFactor(physics, timeSeconds);
        rng.fillNormal(out, 0, state.count);
        for (let i = 0; i < state.count; i++) {
          const programmed = state.conductance[i];
          const drifted = programmed * Math.exp(-state.driftExponent[i] * logTime);
          const relativeSigma = readNoiseAmplitude(physics, programmed) * timeFactor;
          out[i] = Math.max(drifted * (1 + relativeSigma * out[i]), 0);
        }
      },
      readMean(state, timeSeconds, out) {
        const logTime = driftLogTime(physics, timeSeconds);
        const timeFactor = readNoiseTimeFactor(physics, timeSeconds);
        for (let i = 0; i < state.count; i++) {
          const programmed = state.conductance[i];
          const drifted = programmed * Math.exp(-state.driftExponent[i] * logTime);
          out[i] = drifted * clippedUnitMean(readNoiseAmplitude(physics, programmed) * timeFactor);
        }
      },
      programmedCovariance(target, t1, t2) {
        const level = snapToState(states, target);
        const key = `${level}@${t1}@${t2}`;
        let product = productCache.get(key);
        if (product === undefined) {
          product = pcmProgrammedProduct(physics, level, t1, t2);
          if (productCache.size >= MOMENT_CACHE_SIZE) productCache.clear();
          productCache.set(key, product);
        }
        return product - moments(target, t1).mean * moments(target, t2).mean;
      },
      moments,
    };
  },
};
