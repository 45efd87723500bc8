/**
 * The standard normal distribution and the error function, to about 1e-15 relative accuracy, from
 * W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the error
 * function", Mathematics of Computation 23, 631-637, 1969; the coefficient sets of his SPECFUN
 * routine CALERF). Also the closed-form moments of clipped and folded normals used by the device
 * models.
 */

const SQRT_2 = Math.SQRT2;
const INV_SQRT_PI = 0.5641895835477563;
const INV_SQRT_2PI = 0.3989422804014327;
/** Below this |x|, erf is evaluated by its own rational function (first interval). */
const SMALL = 0.46875;
/** Above this x, erfc(x) underflows to 0 in double precision. */
const ERFC_UNDERFLOW = 26.543;

// First interval, |x| <= 0.46875: erf(x) = x P(x^2) / Q(x^2).
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.185777706184603153];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// Second interval, 0.46875 < x <= 4: erfc(x) exp(x^2) = P(x) / Q(x).
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
// Third interval, x > 4: erfc(x) exp(x^2) = (1/sqrt(pi) - R(1/x^2) / x^2) / x.
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097];
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.0605183413124413191, 0.0023352049762686918];

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const x2 = x * x;
  let numerator = A[4] * x2;
  let denominator = x2;
  for (let i = 0; i < 3; i++) {
    numerator = (numerator + A[i]) * x2;
    denominator = (denominator + B[i]) * x2;
  }
  return (x * (numerator + A[3])) / (denominator + B[3]);
}

/** exp(y^2) erfc(y) for y > 0.46875. */
function erfcxRational(y: number): number {
  if (y <= 4) {
    let numerator = C[8] * y;
    let denominator = y;
    for (let i = 0; i < 7; i++) {
      numerator = (numerator + C[i]) * y;
      denominator = (denominator + D[i]) * y;
    }
    return (numerator + C[7]) / (denominator + D[7]);
  }
  const inverseSquare = 1 / (y * y);
  let numerator = P[5] * inverseSquare;
  let denominator = inverseSquare;
  for (let i = 0; i < 4; i++) {
    numerator = (numerator + P[i]) * inverseSquare;
    denominator = (denominator + Q[i]) * inverseSquare;
  }
  const tail = (inverseSquare * (numerator + P[4])) / (denominator + Q[4]);
  return (INV_SQRT_PI - tail) / y;
}

/** exp(-y^2), with y^2 split as in CALERF so that the rounding of y^2 costs no accuracy. */
function expMinusSquare(y: number): number {
  const head = Math.trunc(16 * y) / 16;
  const rest = (y - head) * (y + head);
  return Math.exp(-head * head) * Math.exp(-rest);
}

/** The error function. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return erfSmall(x);
  const complement = y >= ERFC_UNDERFLOW ? 0 : expMinusSquare(y) * erfcxRational(y);
  return x > 0 ? 1 - complement : complement - 1;
}

/** The complementary error function 1 - erf(x), accurate in the upper tail. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - erfSmall(x);
  const upper = y >= ERFC_UNDERFLOW ? 0 : expMinusSquare(y) * erfcxRational(y);
  return x > 0 ? upper : 2 - upper;
}

/** The scaled complementary error function exp(x^2) erfc(x) (overflows for x below about -26.6). */
export function erfcx(x: number): number {
  if (x > SMALL) return erfcxRational(x);
  if (x >= -SMALL) return Math.exp(x * x) * (1 - erfSmall(x));
  return 2 * Math.exp(x * x) - erfcxRational(-x);
}

/** Standard normal density phi(x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal distribution function Phi(x) = P(Z <= x), accurate in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT_2);
}

/** Standard normal upper tail 1 - Phi(x) = P(Z > x), accurate in the upper tail. */
export function normalSf(x: number): number {
  return 0.5 * erfc(x / SQRT_2);
}

/**
 * phi(b) - b (1 - Phi(b)) = E[max(Z - b, 0)] for b >= 0, evaluated without cancelling the two terms
 * in double precision when b is large.
 */
function expectedExcess(b: number): number {
  const exponential = Math.exp(-0.5 * b * b);
  return exponential * (INV_SQRT_2PI - 0.5 * b * erfcx(b / SQRT_2));
}

/** Mean, variance and second moment of a random variable. */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
  /** E[Y^2] = variance + mean^2. */
  readonly second: number;
}

/**
 * Exact moments of Y = max(a + b Z, 0), Z standard normal, b >= 0 (a normal clipped at zero: the
 * mass below zero sits at zero). Written in forms that do not cancel catastrophically far from the
 * clipping point.
 */
export function clippedNormalMoments(a: number, b: number): Moments {
  if (!(b > 0)) {
    const y = Math.max(a, 0);
    return { mean: y, variance: 0, second: y * y };
  }
  const alpha = a / b;
  let meanScaled: number;
  let varianceScaled: number;
  if (alpha >= 0) {
    // Y / b = alpha + max(-alpha - Z, 0) ... written through delta = E[max(Z - alpha, 0)] by symmetry.
    const delta = expectedExcess(alpha);
    const tail = normalSf(alpha);
    meanScaled = alpha + delta;
    varianceScaled = 1 - tail - alpha * delta - delta * delta;
  } else {
    const beta = -alpha;
    const delta = expectedExcess(beta);
    const tail = normalSf(beta);
    meanScaled = delta;
    varianceScaled = (1 + beta * beta) * tail - beta * normalPdf(beta) - delta * delta;
  }
  const mean = b * meanScaled;
  const variance = b * b * Math.max(varianceScaled, 0);
  return { mean, variance, second: variance + mean * mean };
}

/**
 * E[exp(-rate |X|)] for X ~ N(mu, sigma^2) and rate >= 0: the mean of exp(-rate nu) for a folded-normal
 * nu = |X| (the PCM drift factor (t/t0)^(-nu) with rate = ln(t/t0)). Closed form:
 * exp(-rate mu + rate^2 sigma^2 / 2) Phi(mu/sigma - rate sigma) + exp(rate mu + rate^2 sigma^2 / 2) Phi(-mu/sigma - rate sigma),
 * each term evaluated through erfcx when its exponential factor would overflow.
 */
export function foldedNormalExpMoment(mu: number, sigma: number, rate: number): number {
  if (!(sigma > 0)) return Math.exp(-rate * Math.abs(mu));
  const spread = rate * sigma;
  const halfSpreadSquared = 0.5 * spread * spread;
  const gaussianFactor = Math.exp((-0.5 * mu * mu) / (sigma * sigma));
  const term = (shift: number, tailArgument: number): number => {
    // exp(shift + rate^2 sigma^2 / 2) Phi(-tailArgument), tailArgument = rate sigma -+ mu / sigma.
    const exponent = shift + halfSpreadSquared;
    if (exponent < 600) return Math.exp(exponent) * normalSf(tailArgument);
    return 0.5 * erfcx(tailArgument / SQRT_2) * gaussianFactor;
  };
  return term(-rate * mu, spread - mu / sigma) + term(rate * mu, spread + mu / sigma);
}
