/**
 * Exact moments of the RRAM sampler, a mixture of three kinds of cell (law of total expectation and
 * variance): stuck at gmin, stuck at gmax, and working cells with
 *   G_p = max(level + sigma xi, 0)            (clipped normal: closed form),
 *   F   = max(1 - l (c + s xi'), 0)           (retention factor, clipped normal, independent of G_p),
 *   R   = G_p F + sqrt(sigma_r^2 + (rel_r G_p F)^2) xi''   (read: Gaussian given the cell).
 */
import type { ConductanceMoments, Seconds, Siemens } from '@xbar/core';
import { type Moments, clippedNormalMoments, normalExpectation } from '@xbar/core';
import { type RramPhysics, programmingSigma, readNoiseVariance, retentionDecades } from './physics.js';

interface Component {
  readonly weight: number;
  readonly mean: number;
  readonly variance: number;
  readonly readVariance: number;
}

/** Moments of the retention factor F at a given number of decades. */
function retentionMoments(physics: RramPhysics, decades: number): Moments {
  if (decades === 0) return { mean: 1, variance: 0, second: 1 };
  return clippedNormalMoments(1 - decades * physics.retentionPerDecade, decades * physics.retentionSpread);
}

function stuckComponent(physics: RramPhysics, weight: number, conductance: Siemens): Component {
  return { weight, mean: conductance, variance: 0, readVariance: readNoiseVariance(physics, conductance) };
}

function workingComponent(physics: RramPhysics, weight: number, level: Siemens, decades: number): Component {
  const programmed = clippedNormalMoments(level, programmingSigma(physics, level));
  const retention = retentionMoments(physics, decades);
  const mean = programmed.mean * retention.mean;
  // Var(XY) for independent X, Y, without cancellation.
  const variance =
    programmed.variance * retention.variance +
    programmed.variance * retention.mean * retention.mean +
    programmed.mean * programmed.mean * retention.variance;
  const second = variance + mean * mean;
  const readVariance = physics.sigmaRead * physics.sigmaRead + physics.relativeRead * physics.relativeRead * second;
  return { weight, mean, variance, readVariance };
}

/** Exact moments of reading, at time t, a cell programmed towards `level` (already clipped and snapped). */
export function rramMoments(physics: RramPhysics, level: Siemens, timeSeconds: Seconds): ConductanceMoments {
  const decades = retentionDecades(physics, timeSeconds);
  const working = 1 - physics.rateStuckAtMin - physics.rateStuckAtMax;
  const components = [
    workingComponent(physics, working, level, decades),
    stuckComponent(physics, physics.rateStuckAtMin, physics.gmin),
    stuckComponent(physics, physics.rateStuckAtMax, physics.gmax),
  ].filter((component) => component.weight > 0);
  let mean = 0;
  for (const c of components) mean += c.weight * c.mean;
  let programmedVariance = 0;
  let readVariance = 0;
  for (const c of components) {
    programmedVariance += c.weight * (c.variance + (c.mean - mean) ** 2);
    readVariance += c.weight * c.readVariance;
  }
  return { mean, variance: programmedVariance + readVariance, readVariance };
}

/**
 * Cov(E[R(t1) | cell], E[R(t2) | cell]) of a cell aimed at `level`: E[R(t) | cell] = G_p F(t) for a
 * working cell, whose retention rate c + s xi' is the same at both times, so
 *   E[G_p F(t1) G_p F(t2)] = E[G_p^2] E[F(t1) F(t2)]   (the latter by quadrature over xi'),
 * and the stuck level itself for a stuck cell.
 */
export function rramProgrammedCovariance(physics: RramPhysics, level: Siemens, t1: Seconds, t2: Seconds): number {
  const l1 = retentionDecades(physics, t1);
  const l2 = retentionDecades(physics, t2);
  const c = physics.retentionPerDecade;
  const spread = physics.retentionSpread;
  const factor = (decades: number, z: number) => Math.max(1 - decades * (c + spread * z), 0);
  const kinks = [l1, l2].filter((l) => l > 0).map((l) => (1 / l - c) / spread); // where a factor reaches 0
  const retentionProduct = spread > 0 ? normalExpectation((z) => factor(l1, z) * factor(l2, z), undefined, undefined, kinks) : factor(l1, 0) * factor(l2, 0);
  const programmed = clippedNormalMoments(level, programmingSigma(physics, level));
  const working = 1 - physics.rateStuckAtMin - physics.rateStuckAtMax;
  const product = working * programmed.second * retentionProduct + physics.rateStuckAtMin * physics.gmin ** 2 + physics.rateStuckAtMax * physics.gmax ** 2;
  return product - rramMoments(physics, level, t1).mean * rramMoments(physics, level, t2).mean;
}
