import {
  type DeviceInstance,
  type DeviceModel,
  type ProgrammedCells,
  requireRelation,
  resolveParams,
  snapToState,
} from '@xbar/core';
import { rramCurrentFunction } from './current-voltage.js';
import { rramMoments, rramProgrammedCovariance } from './moments.js';
import { RRAM_PARAMS } from './params.js';
import {
  type RramPhysics,
  hasFaults,
  programmingSigma,
  readNoiseVariance,
  retentionDecades,
  rramPhysics,
  rramStates,
  stuckValue,
} from './physics.js';
import { RRAM_PRESETS } from './presets.js';

/** What a programmed RRAM cell keeps: its conductance after programming and its retention coefficient. */
export interface RramCells extends ProgrammedCells {
  /** G_p in siemens (gmin or gmax for stuck cells). */
  readonly conductance: Float64Array;
  /** Retention loss per decade of this device (0 for stuck cells). */
  readonly retention: Float64Array;
}

/** An RRAM instance: the device contract plus its resolved physics, which write-verify uses. */
export interface RramInstance extends DeviceInstance<RramCells> {
  readonly physics: RramPhysics;
}

function checkRelations(values: Readonly<Record<string, number>>, params: Readonly<Record<string, number>>): void {
  const given = new Set(Object.keys(values).map((name) => name.toLowerCase()));
  requireRelation('rram', !(given.has('ron') && given.has('gmax')), 'give either ron or gmax, not both', 'ron');
  requireRelation('rram', !(given.has('roff') && given.has('gmin')), 'give either roff or gmin, not both', 'roff');
  const gmax = params.ron > 0 ? 1 / params.ron : params.gmax;
  const gmin = params.roff > 0 ? 1 / params.roff : params.gmin;
  requireRelation('rram', gmin < gmax, `gmin (${gmin} S) must be below gmax (${gmax} S) (roff above ron)`, 'gmin');
  requireRelation('rram', params.levels !== 1, 'levels must be 0 (continuous) or at least 2', 'levels');
  requireRelation(
    'rram',
    !(params.bits > 0 && params.levels > 0 && params.levels !== 2 ** params.bits),
    `bits (${params.bits}) and levels (${params.levels}) disagree: give one of them`,
    'bits',
  );
  requireRelation('rram', params.rate_sa0 + params.rate_sa1 <= 1, 'rate_sa0 + rate_sa1 must not exceed 1', 'rate_sa0');
  requireRelation('rram', !(params.iv_v0 > 0 && (params.iv_a2 !== 0 || params.iv_a3 !== 0)), 'choose the sinh I-V (iv_v0) or the polynomial one (iv_a2, iv_a3), not both', 'iv_v0');
}

/** Creates an RRAM instance (the `create` of `rramDevice`, typed with its physics). */
export function createRram(values: Readonly<Record<string, number>> = {}): RramInstance {
  const params = resolveParams('rram', RRAM_PARAMS, values);
  checkRelations(values, params);
  const states = rramStates(params);
  const physics = rramPhysics(params, states);
  const current = rramCurrentFunction(params);
  const faulty = hasFaults(physics);
  const spreadRetention = physics.retentionSpread > 0;
  const instance: RramInstance = {
    modelName: 'rram',
    params,
    states,
    physics,
    program(targets, rng) {
      const n = targets.length;
      const conductance = new Float64Array(n);
      const retention = new Float64Array(n);
      const faultDraws = faulty ? new Float64Array(n) : undefined;
      rng.fillNormal(conductance);
      if (spreadRetention) rng.fillNormal(retention);
      if (faultDraws) rng.fillUniform(faultDraws);
      for (let i = 0; i < n; i++) {
        const stuck = faultDraws ? stuckValue(physics, faultDraws[i]) : Number.NaN;
        if (stuck === stuck) {
          conductance[i] = stuck;
          retention[i] = 0;
          continue;
        }
        const level = snapToState(states, targets[i]);
        conductance[i] = Math.max(level + programmingSigma(physics, level) * conductance[i], 0);
        retention[i] = physics.retentionPerDecade + physics.retentionSpread * retention[i];
      }
      return { count: n, conductance, retention };
    },
    read(state, timeSeconds, rng, out) {
      const decades = retentionDecades(physics, timeSeconds);
      rng.fillNormal(out, 0, state.count);
      for (let i = 0; i < state.count; i++) {
        const conductance = state.conductance[i] * Math.max(1 - decades * state.retention[i], 0);
        out[i] = conductance + Math.sqrt(readNoiseVariance(physics, conductance)) * out[i];
      }
    },
    gaussianRead: {
      mean(state, timeSeconds, out) {
        const decades = retentionDecades(physics, timeSeconds);
        for (let i = 0; i < state.count; i++) out[i] = state.conductance[i] * Math.max(1 - decades * state.retention[i], 0);
      },
      variance(state, timeSeconds, out) {
        const decades = retentionDecades(physics, timeSeconds);
        for (let i = 0; i < state.count; i++) {
          out[i] = readNoiseVariance(physics, state.conductance[i] * Math.max(1 - decades * state.retention[i], 0));
        }
      },
    },
    moments(target, timeSeconds) {
      return rramMoments(physics, snapToState(states, target), timeSeconds);
    },
    programmedCovariance(target, t1, t2) {
      return rramProgrammedCovariance(physics, snapToState(states, target), t1, t2);
    },
  };
  return current ? { ...instance, current } : instance;
}

/**
 * Resistive RAM (filamentary oxide cells): multi-level between gmin and gmax (or ron/roff) with
 * cycle-to-cycle programming error (absolute, proportional, or a fitted polynomial sigma(G)),
 * device-to-device gain variation, stuck-at-gmin/gmax faults, retention loss linear in log(t),
 * read noise, and optional nonlinear I-V (cubic or sinh). Programmed values are clipped at 0 S;
 * read noise is measurement noise and is not clipped (reads are Gaussian given the cell).
 */
export const rramDevice: DeviceModel = {
  name: 'rram',
  summary: 'resistive RAM: multi-level, c2c + d2d programming error, stuck-at faults, log-time retention, read noise, nonlinear I-V',
  params: RRAM_PARAMS,
  presets: RRAM_PRESETS,
  create: createRram,
};
