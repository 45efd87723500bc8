/**
 * The multi-state MTJ cell: n junctions in series (or in parallel), k of them antiparallel.
 * Series: R_k = (n - k) R_P + k R_AP; parallel: G_k = (n - k) / R_P + k / R_AP; R_AP = R_P (1 + TMR).
 * n junctions give n + 1 states. States are indexed by ascending conductance: state i has
 * k = n - i antiparallel junctions.
 *
 * Device-to-device variation: each junction's R_P (or R_AP) deviates by an independent normal
 * relative error, fixed per device. In a series cell the cell resistance is then normal with
 * mean R_k and variance (n - k) (sigma_rp R_P)^2 + k (sigma_rap R_AP)^2; in a parallel cell the
 * relative errors apply to the junction conductances, so the cell conductance is normal. The normal is
 * truncated at +-6 standard deviations (the sampler redraws beyond), which keeps R > 0 and makes
 * E[1/R] finite; the moments below integrate exactly that truncated law.
 */
import type { ParamValues, Siemens } from '@xbar/core';
import { normalExpectation } from '@xbar/core';

/** Standard deviations beyond which the sampler redraws a cell's variation. */
export const TRUNCATION_SIGMAS = 6;

/** Geometry and junction values of a cell. */
export interface MtjCell {
  /** Number of junctions n (states n + 1). */
  readonly junctions: number;
  readonly series: boolean;
  /** Junction resistance in the parallel state, ohms. */
  readonly parallelOhms: number;
  /** Junction resistance in the antiparallel state at zero bias, ohms. */
  readonly antiparallelOhms: number;
  /** TMR at zero bias. */
  readonly tmr: number;
  /** Bias at which the TMR halves, volts. */
  readonly halfBiasVolts: number;
  readonly sigmaParallel: number;
  readonly sigmaAntiparallel: number;
}

export function mtjCell(params: ParamValues): MtjCell {
  return {
    junctions: params.states - 1,
    series: params.parallel === 0,
    parallelOhms: params.r_p,
    antiparallelOhms: params.r_p * (1 + params.tmr),
    tmr: params.tmr,
    halfBiasVolts: params.v_half,
    sigmaParallel: params.sigma_rp,
    sigmaAntiparallel: params.sigma_rap,
  };
}

/** Nominal resistance in ohms of the state with `antiparallel` AP junctions (series cell). */
export function seriesResistance(cell: MtjCell, antiparallel: number): number {
  return (cell.junctions - antiparallel) * cell.parallelOhms + antiparallel * cell.antiparallelOhms;
}

/** Nominal conductance in siemens of the state with `antiparallel` AP junctions. */
export function nominalConductance(cell: MtjCell, antiparallel: number): Siemens {
  if (cell.series) return 1 / seriesResistance(cell, antiparallel);
  return (cell.junctions - antiparallel) / cell.parallelOhms + antiparallel / cell.antiparallelOhms;
}

/** The n + 1 nominal conductances, ascending (state i has n - i AP junctions). */
export function nominalLevels(cell: MtjCell): Float64Array {
  const levels = new Float64Array(cell.junctions + 1);
  for (let i = 0; i <= cell.junctions; i++) levels[i] = nominalConductance(cell, cell.junctions - i);
  return levels;
}

/**
 * The normal law of the varied quantity of a cell in state i: the cell resistance (series, ohms) or
 * conductance (parallel, siemens), before truncation.
 */
export function stateVariation(cell: MtjCell, stateIndex: number): { mean: number; std: number } {
  const antiparallel = cell.junctions - stateIndex;
  const parallelCount = cell.junctions - antiparallel;
  if (cell.series) {
    const p = cell.sigmaParallel * cell.parallelOhms;
    const ap = cell.sigmaAntiparallel * cell.antiparallelOhms;
    return { mean: seriesResistance(cell, antiparallel), std: Math.sqrt(parallelCount * p * p + antiparallel * ap * ap) };
  }
  const p = cell.sigmaParallel / cell.parallelOhms;
  const ap = cell.sigmaAntiparallel / cell.antiparallelOhms;
  return { mean: nominalConductance(cell, antiparallel), std: Math.sqrt(parallelCount * p * p + antiparallel * ap * ap) };
}

/** Conductance in siemens of a cell whose varied quantity (see `stateVariation`) is `value`. */
export function conductanceOfVariation(cell: MtjCell, value: number): Siemens {
  return cell.series ? 1 / value : value;
}

/** Exact mean and variance of the conductance of a cell in state i (truncated-normal variation). */
export interface StateMoments {
  readonly mean: Siemens;
  readonly variance: number;
}

export function stateMoments(cell: MtjCell, stateIndex: number): StateMoments {
  const { mean, std } = stateVariation(cell, stateIndex);
  if (!(std > 0)) return { mean: conductanceOfVariation(cell, mean), variance: 0 };
  const g = (z: number) => conductanceOfVariation(cell, mean + std * z);
  const mass = normalExpectation(() => 1, -TRUNCATION_SIGMAS, TRUNCATION_SIGMAS);
  const conductanceMean = normalExpectation(g, -TRUNCATION_SIGMAS, TRUNCATION_SIGMAS) / mass;
  const variance = normalExpectation((z) => (g(z) - conductanceMean) ** 2, -TRUNCATION_SIGMAS, TRUNCATION_SIGMAS) / mass;
  return { mean: conductanceMean, variance };
}

/** Index of the level nearest to `value` in ascending `levels` (ties go to the lower level). */
export function nearestLevelIndex(levels: Float64Array, value: number): number {
  let lo = 0;
  let hi = levels.length - 1;
  if (value <= levels[lo]) return lo;
  if (value >= levels[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (levels[mid] <= value) lo = mid;
    else hi = mid;
  }
  return value - levels[lo] <= levels[hi] - value ? lo : hi;
}

/**
 * Where a write aimed at state i lands: i - 1 and i + 1 with probability writeError / 2 each when
 * they exist; otherwise (and for the rest) it stays at i. Returns [state, probability] pairs.
 */
export function landingStates(stateIndex: number, lastIndex: number, writeError: number): Array<[number, number]> {
  const down = stateIndex > 0 ? writeError / 2 : 0;
  const up = stateIndex < lastIndex ? writeError / 2 : 0;
  const landing: Array<[number, number]> = [[stateIndex, 1 - down - up]];
  if (down > 0) landing.push([stateIndex - 1, down]);
  if (up > 0) landing.push([stateIndex + 1, up]);
  return landing;
}
