/**
 * Adaptive Gauss-Kronrod quadrature (7-point Gauss, 15-point Kronrod; the nodes and weights of
 * QUADPACK's QK15), and expectations of functions of a standard normal variable.
 */
import { normalPdf } from './normal.js';

const KRONROD_NODES = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691,
  0.7415311855993945, 0.5860872354676911, 0.4058451513773972,
  0.20778495500789848, 0,
];
const KRONROD_WEIGHTS = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019,
  0.14065325971552592, 0.1690047266392679, 0.19035057806478542,
  0.20443294007529889, 0.20948214108472782,
];
/** Weights of the 7-point Gauss rule, on Kronrod nodes 1, 3, 5 (and their mirrors) and 7 (the centre). */
const GAUSS_WEIGHTS = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

/** Settings of `integrate`. */
export interface QuadratureOptions {
  /** Target relative accuracy of the integral. Default 1e-12. */
  readonly relativeTolerance?: number;
  /** Absolute accuracy below which no interval is split. Default 0. */
  readonly absoluteTolerance?: number;
  /** Maximum bisection depth. Default 40. */
  readonly maxDepth?: number;
}

interface RuleResult {
  readonly kronrod: number;
  readonly error: number;
}

function applyRule(f: (x: number) => number, a: number, b: number): RuleResult {
  const centre = 0.5 * (a + b);
  const half = 0.5 * (b - a);
  const fc = f(centre);
  let kronrod = KRONROD_WEIGHTS[7] * fc;
  let gauss = GAUSS_WEIGHTS[3] * fc;
  for (let j = 0; j < 7; j++) {
    const offset = half * KRONROD_NODES[j];
    const pair = f(centre - offset) + f(centre + offset);
    kronrod += KRONROD_WEIGHTS[j] * pair;
    if (j % 2 === 1) gauss += GAUSS_WEIGHTS[(j - 1) / 2] * pair;
  }
  return { kronrod: kronrod * half, error: Math.abs((kronrod - gauss) * half) };
}

/**
 * The integral of `f` over [a, b] by adaptive bisection. The error estimate |K15 - G7| is
 * pessimistic for smooth integrands (K15 is far more accurate than the estimate), so a relative
 * tolerance of 1e-12 gives results close to full double precision.
 */
export function integrate(f: (x: number) => number, a: number, b: number, options: QuadratureOptions = {}): number {
  if (a === b) return 0;
  const relative = options.relativeTolerance ?? 1e-12;
  const maxDepth = options.maxDepth ?? 40;
  const whole = applyRule(f, a, b);
  const tolerance = Math.max(options.absoluteTolerance ?? 0, relative * Math.abs(whole.kronrod));
  const refine = (lo: number, hi: number, estimate: RuleResult, allowed: number, depth: number): number => {
    if (estimate.error <= allowed || depth >= maxDepth || !(estimate.error > 0)) return estimate.kronrod;
    const mid = 0.5 * (lo + hi);
    return (
      refine(lo, mid, applyRule(f, lo, mid), allowed / 2, depth + 1) + refine(mid, hi, applyRule(f, mid, hi), allowed / 2, depth + 1)
    );
  };
  return refine(a, b, whole, tolerance, 0);
}

/** Beyond this many standard deviations the normal density (below 1e-31) is ignored. */
export const NORMAL_RANGE = 12;

/**
 * E[f(Z) 1{lower < Z < upper}] for a standard normal Z: the integral of f(z) phi(z) over
 * (lower, upper), cut to +-12 and split at the given breakpoints (where f has kinks) and at the
 * integers from -6 to 6 so that the adaptive rule sees smooth pieces of the bell.
 */
export function normalExpectation(
  f: (z: number) => number,
  lower = -NORMAL_RANGE,
  upper = NORMAL_RANGE,
  breakpoints: readonly number[] = [],
  options: QuadratureOptions = {},
): number {
  const lo = Math.max(lower, -NORMAL_RANGE);
  const hi = Math.min(upper, NORMAL_RANGE);
  if (!(hi > lo)) return 0;
  const cuts = [lo, hi];
  for (const point of [...breakpoints, -6, -4, -2, 0, 2, 4, 6]) if (point > lo && point < hi) cuts.push(point);
  cuts.sort((x, y) => x - y);
  let total = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    if (cuts[i + 1] > cuts[i]) total += integrate((z) => f(z) * normalPdf(z), cuts[i], cuts[i + 1], options);
  }
  return total;
}
