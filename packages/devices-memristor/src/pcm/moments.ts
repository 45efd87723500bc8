/**
 * Exact moments of the PCM sampler. With g_p = max(g_T + sigma_p xi, 0), nu = s |mu_nu + sigma_nu xi'|
 * (independent of g_p), D = exp(-nu L) and the read R = max(g_p D (1 + q(g_p) xi''), 0):
 *   E[R | cell] = g_p D m1(q),  E[R^2 | cell] = g_p^2 D^2 m2(q),
 * where m1, m2 are the moments of max(1 + q Z, 0) (closed form). So
 *   E[R] = E[D] E[g_p m1],  E[R^2] = E[D^2] E[g_p^2 m2],  readVariance = E[D^2] E[g_p^2 Var(max(1 + q Z, 0))].
 * E[D] and E[D^2] are folded-normal exponential moments (closed form); the expectations over g_p are
 * integrals against the normal density, computed by adaptive Gauss-Kronrod quadrature (the clipped
 * mass at g_p = 0 contributes nothing since every integrand vanishes there).
 */
import type { ConductanceMoments, Seconds, Siemens } from '@xbar/core';
import { clippedNormalMoments, foldedNormalExpMoment, normalExpectation } from '@xbar/core';
import {
  type PcmPhysics,
  driftExponentStats,
  driftLogTime,
  programmingSigma,
  readNoiseAmplitude,
  readNoiseKinks,
  readNoiseTimeFactor,
} from './physics.js';

/** Expectations over the programmed conductance g_p of the three read quantities. */
interface ProgrammedExpectations {
  /** E[g_p m1(q(g_p))]. */
  readonly first: number;
  /** E[g_p^2 m2(q(g_p))]. */
  readonly second: number;
  /** E[g_p^2 Var(max(1 + q Z, 0))]. */
  readonly readSpread: number;
}

function expectationsOverProgramming(physics: PcmPhysics, level: Siemens, timeSeconds: Seconds): ProgrammedExpectations {
  const timeFactor = readNoiseTimeFactor(physics, timeSeconds);
  const readMoments = (g: number) => clippedNormalMoments(1, readNoiseAmplitude(physics, g) * timeFactor);
  const sigma = programmingSigma(physics, level);
  if (!(sigma > 0)) {
    const g = Math.max(level, 0);
    const m = readMoments(g);
    return { first: g * m.mean, second: g * g * m.second, readSpread: g * g * m.variance };
  }
  const zAtZero = -level / sigma;
  const breakpoints = readNoiseKinks(physics).map((g) => (g - level) / sigma);
  const conductance = (z: number) => level + sigma * z;
  const first = normalExpectation((z) => conductance(z) * readMoments(conductance(z)).mean, zAtZero, Infinity, breakpoints);
  const second = normalExpectation((z) => conductance(z) ** 2 * readMoments(conductance(z)).second, zAtZero, Infinity, breakpoints);
  const readSpread = normalExpectation((z) => conductance(z) ** 2 * readMoments(conductance(z)).variance, zAtZero, Infinity, breakpoints);
  return { first, second, readSpread };
}

/** E[D] and E[D^2] of the drift factor D = exp(-nu L) for a cell aimed at `level`. */
export function driftFactorMoments(physics: PcmPhysics, level: Siemens, timeSeconds: Seconds): { first: number; second: number } {
  const logTime = driftLogTime(physics, timeSeconds);
  const nu = driftExponentStats(physics, level);
  const rate = physics.driftScale * logTime;
  return { first: foldedNormalExpMoment(nu.mean, nu.sigma, rate), second: foldedNormalExpMoment(nu.mean, nu.sigma, 2 * rate) };
}

/** Exact moments of a PCM read of a cell aimed at `level` (already clipped and snapped), t after programming. */
export function pcmMoments(physics: PcmPhysics, level: Siemens, timeSeconds: Seconds): ConductanceMoments {
  const drift = driftFactorMoments(physics, level, timeSeconds);
  const programmed = expectationsOverProgramming(physics, level, timeSeconds);
  const mean = drift.first * programmed.first;
  const secondMoment = drift.second * programmed.second;
  const readVariance = drift.second * programmed.readSpread;
  return { mean, variance: secondMoment - mean * mean, readVariance };
}

/**
 * E[E[R(t1) | cell] E[R(t2) | cell]] for a cell aimed at `level` (its covariance once the means are
 * subtracted): with E[R(t) | cell] = g_p D(t) m1(q(g_p) tau(t)) and nu independent of g_p,
 *   E[D(t1) D(t2)] E[g_p^2 m1(q tau1) m1(q tau2)],
 * E[D(t1) D(t2)] = E[exp(-nu (L1 + L2))] in closed form, the g_p expectation by quadrature.
 */
export function pcmProgrammedProduct(physics: PcmPhysics, level: Siemens, t1: Seconds, t2: Seconds): number {
  const nu = driftExponentStats(physics, level);
  const rate1 = physics.driftScale * driftLogTime(physics, t1);
  const rate2 = physics.driftScale * driftLogTime(physics, t2);
  const drift = foldedNormalExpMoment(nu.mean, nu.sigma, rate1 + rate2);
  const tau1 = readNoiseTimeFactor(physics, t1);
  const tau2 = readNoiseTimeFactor(physics, t2);
  const product = (g: number) => {
    const q = readNoiseAmplitude(physics, g);
    return g * g * clippedNormalMoments(1, q * tau1).mean * clippedNormalMoments(1, q * tau2).mean;
  };
  const sigma = programmingSigma(physics, level);
  const programmed = sigma > 0
    ? normalExpectation((z) => product(level + sigma * z), -level / sigma, Infinity, readNoiseKinks(physics).map((g) => (g - level) / sigma))
    : product(Math.max(level, 0));
  return drift * programmed;
}
