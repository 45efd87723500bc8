/**
 * The 97.5 % quantile of Student's t distribution: the factor of a two-sided 95 % confidence
 * interval of a mean from n samples, mean ± t(n - 1) s / sqrt(n).
 */

/** t_0.975 for 1 .. 30 degrees of freedom (standard tables, 4 decimals). */
const T975: readonly number[] = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009,
  2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** z of the normal 97.5 % quantile. */
const Z975 = 1.959963984540054;

/**
 * t_0.975 with `degrees` degrees of freedom (an integer >= 1): tabulated up to 30, beyond by the
 * Cornish-Fisher expansion in 1 / degrees (error < 1e-4 at 31, falling as 1 / degrees^3).
 */
export function studentT975(degrees: number): number {
  if (!(Number.isInteger(degrees) && degrees >= 1)) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${degrees}`);
  if (degrees <= T975.length) return T975[degrees - 1];
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * degrees) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * degrees ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * degrees ** 3)
  );
}

/** Half width of the 95 % confidence interval of the mean of `n` samples with sample std `std` (NaN for n < 2). */
export function confidenceHalfWidth95(std: number, n: number): number {
  return n >= 2 ? (studentT975(n - 1) * std) / Math.sqrt(n) : Number.NaN;
}
