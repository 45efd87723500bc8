/**
 * The formulas of the PCM model (aihwkit's PCM-like model), in siemens and seconds, shared by the
 * sampler and the analytic moments so the two cannot disagree.
 */
import type { ParamValues, Seconds, Siemens } from '@xbar/core';

/** aihwkit floors the relative target conductance at this value before taking its logarithm. */
export const RELATIVE_CONDUCTANCE_FLOOR = 1e-7;
/** aihwkit floors (G_prog / gmax)^q_exp at this value inside Q_s. */
export const READ_NOISE_POWER_FLOOR = 1e-3;

/** Resolved PCM coefficients with readable names. */
export interface PcmPhysics {
  readonly gmax: Siemens;
  readonly progCoefficients: readonly [number, number, number];
  readonly progFactor: number;
  readonly nuMu: { readonly slope: number; readonly offset: number; readonly min: number; readonly max: number };
  readonly nuSigma: { readonly slope: number; readonly offset: number; readonly min: number; readonly max: number };
  readonly driftScale: number;
  readonly t0: Seconds;
  readonly readQ0: number;
  readonly readQExponent: number;
  readonly readQMax: number;
  readonly tRead: Seconds;
  readonly readScale: number;
}

export function pcmPhysics(params: ParamValues): PcmPhysics {
  return {
    gmax: params.gmax,
    progCoefficients: [params.prog_c0, params.prog_c1, params.prog_c2],
    progFactor: (params.prog_scale * params.gmax) / params.prog_gref,
    nuMu: { slope: params.nu_mu_slope, offset: params.nu_mu_offset, min: params.nu_mu_min, max: params.nu_mu_max },
    nuSigma: { slope: params.nu_sigma_slope, offset: params.nu_sigma_offset, min: params.nu_sigma_min, max: params.nu_sigma_max },
    driftScale: params.drift_scale,
    t0: params.t0,
    readQ0: params.read_q0,
    readQExponent: params.read_q_exp,
    readQMax: params.read_q_max,
    tRead: params.t_read,
    readScale: params.read_scale,
  };
}

/** Standard deviation of the programming noise for target g_T, in siemens (>= 0). */
export function programmingSigma(physics: PcmPhysics, targetSiemens: Siemens): Siemens {
  const r = targetSiemens / physics.gmax;
  const [c0, c1, c2] = physics.progCoefficients;
  return Math.abs((c0 + r * (c1 + r * c2)) * physics.progFactor);
}

/** Mean and spread of the normal whose absolute value (times drift_scale) is the drift exponent nu. */
export interface DriftExponentStats {
  readonly mean: number;
  readonly sigma: number;
}

const clip = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

/** mu_nu and sigma_nu for target g_T (nu = drift_scale |mu_nu + sigma_nu xi|). */
export function driftExponentStats(physics: PcmPhysics, targetSiemens: Siemens): DriftExponentStats {
  const logR = Math.log(Math.max(Math.abs(targetSiemens / physics.gmax), RELATIVE_CONDUCTANCE_FLOOR));
  const { nuMu, nuSigma } = physics;
  return {
    mean: clip(nuMu.slope * logR + nuMu.offset, nuMu.min, nuMu.max),
    sigma: clip(nuSigma.slope * logR + nuSigma.offset, nuSigma.min, nuSigma.max),
  };
}

/** ln((t + t0) / t0): the drift factor is exp(-nu times this). */
export function driftLogTime(physics: PcmPhysics, timeSeconds: Seconds): number {
  if (!(timeSeconds >= 0)) throw new RangeError(`read time must be >= 0 s, got ${timeSeconds}`);
  return Math.log1p(timeSeconds / physics.t0);
}

/** Q_s(G_prog): the relative 1/f noise amplitude of a cell programmed to G_prog. */
export function readNoiseAmplitude(physics: PcmPhysics, programmedSiemens: Siemens): number {
  const power = Math.pow(Math.abs(programmedSiemens) / physics.gmax, physics.readQExponent);
  return Math.min(physics.readQ0 / Math.max(power, READ_NOISE_POWER_FLOOR), physics.readQMax);
}

/** read_scale sqrt(ln((t + t0 + t_read) / (2 t_read))): relative read sigma is Q_s times this. */
export function readNoiseTimeFactor(physics: PcmPhysics, timeSeconds: Seconds): number {
  const total = timeSeconds + physics.t0;
  return physics.readScale * Math.sqrt(Math.log((total + physics.tRead) / (2 * physics.tRead)));
}

/** Conductances (siemens) at which Q_s has a kink: where the floor and the upper clip start. */
export function readNoiseKinks(physics: PcmPhysics): Siemens[] {
  if (!(physics.readQExponent > 0)) return [];
  const kinks = [physics.gmax * Math.pow(READ_NOISE_POWER_FLOOR, 1 / physics.readQExponent)];
  if (physics.readQMax > 0 && physics.readQ0 > 0) kinks.push(physics.gmax * Math.pow(physics.readQ0 / physics.readQMax, 1 / physics.readQExponent));
  return kinks;
}
