/**
 * The formulas of the RRAM model, shared by its sampler, its analytic moments and write-verify.
 */
import { type ConductanceStates, type ParamValues, type Seconds, type Siemens, makeStates } from '@xbar/core';

/** Resolved RRAM coefficients with readable names. */
export interface RramPhysics {
  readonly states: ConductanceStates;
  readonly gmin: Siemens;
  readonly gmax: Siemens;
  /** Cycle-to-cycle error: absolute std (S), relative std, polynomial in G / gmax (S). */
  readonly sigmaProgram: Siemens;
  readonly relativeProgram: number;
  readonly programPolynomial: readonly number[];
  /** Device-to-device relative std of each device's gain. */
  readonly deviceToDevice: number;
  readonly rateStuckAtMin: number;
  readonly rateStuckAtMax: number;
  /** Retention: mean and device-to-device std of the loss per decade, and the onset time. */
  readonly retentionPerDecade: number;
  readonly retentionSpread: number;
  readonly retentionOnset: Seconds;
  readonly sigmaRead: Siemens;
  readonly relativeRead: number;
}

/** The effective conductance range and level count, from gmin/gmax or roff/ron and levels or bits. */
export function rramStates(params: ParamValues): ConductanceStates {
  const gmax = params.ron > 0 ? 1 / params.ron : params.gmax;
  const gmin = params.roff > 0 ? 1 / params.roff : params.gmin;
  const levels = params.bits > 0 ? 2 ** params.bits : params.levels;
  return makeStates(gmin, gmax, levels);
}

export function rramPhysics(params: ParamValues, states: ConductanceStates): RramPhysics {
  return {
    states,
    gmin: states.minSiemens,
    gmax: states.maxSiemens,
    sigmaProgram: params.sigma_prog,
    relativeProgram: params.rel_prog,
    programPolynomial: [params.prog_c0, params.prog_c1, params.prog_c2, params.prog_c3, params.prog_c4],
    deviceToDevice: params.d2d_rel,
    rateStuckAtMin: params.rate_sa0,
    rateStuckAtMax: params.rate_sa1,
    retentionPerDecade: params.drift_coeff,
    retentionSpread: params.drift_sigma,
    retentionOnset: params.drift_t0,
    sigmaRead: params.sigma_read,
    relativeRead: params.rel_read,
  };
}

/** Std of the cycle-to-cycle programming error when aiming at `aim` siemens (independent parts add in variance). */
export function cycleToCycleSigma(physics: RramPhysics, aim: Siemens): Siemens {
  const r = aim / physics.gmax;
  const c = physics.programPolynomial;
  const fitted = c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * c[4])));
  const relative = physics.relativeProgram * aim;
  return Math.sqrt(physics.sigmaProgram * physics.sigmaProgram + relative * relative + fitted * fitted);
}

/**
 * Std of one programming of a fresh device aimed at `level`: cycle-to-cycle error plus the device's
 * gain error d2d_rel level (both Gaussian, independent).
 */
export function programmingSigma(physics: RramPhysics, level: Siemens): Siemens {
  const cycle = cycleToCycleSigma(physics, level);
  const device = physics.deviceToDevice * level;
  return Math.sqrt(cycle * cycle + device * device);
}

/** Decades of retention loss at time t: log10(t / t0) after the onset t0, else 0. */
export function retentionDecades(physics: RramPhysics, timeSeconds: Seconds): number {
  if (!(timeSeconds >= 0)) throw new RangeError(`read time must be >= 0 s, got ${timeSeconds}`);
  return timeSeconds > physics.retentionOnset ? Math.log10(timeSeconds / physics.retentionOnset) : 0;
}

/** Variance of the read noise of a cell whose conductance is `conductance` when read, in S^2. */
export function readNoiseVariance(physics: RramPhysics, conductance: Siemens): number {
  const relative = physics.relativeRead * conductance;
  return physics.sigmaRead * physics.sigmaRead + relative * relative;
}

/** Whether any fault rate is non-zero. */
export function hasFaults(physics: RramPhysics): boolean {
  return physics.rateStuckAtMin > 0 || physics.rateStuckAtMax > 0;
}

/** The stuck value of a cell for a uniform draw u: gmin, gmax, or NaN when the cell works. */
export function stuckValue(physics: RramPhysics, uniform: number): Siemens {
  if (uniform < physics.rateStuckAtMin) return physics.gmin;
  if (uniform < physics.rateStuckAtMin + physics.rateStuckAtMax) return physics.gmax;
  return Number.NaN;
}
