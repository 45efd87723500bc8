/**
 * Gauss-Hermite quadrature for expectations over a standard normal, and the probabilists' Hermite
 * polynomials He_n used by the covariance series of element-wise functions.
 */

/** Nodes z_i and weights w_i with E[f(Z)] ~ sum_i w_i f(z_i), Z ~ N(0, 1) (exact for polynomials of degree < 2n). */
export interface NormalQuadrature {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const rules = new Map<number, NormalQuadrature>();

/** The n-point Gauss-Hermite rule for a standard normal (Newton iteration on the physicists' H_n). */
export function normalQuadrature(n: number): NormalQuadrature {
  const cached = rules.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const pim4 = 0.7511255444649425; // pi^(-1/4)
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i];
  }
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nodes[i] = Math.SQRT2 * x[i];
    weights[i] = w[i] / Math.sqrt(Math.PI);
  }
  const rule = { nodes, weights };
  rules.set(n, rule);
  return rule;
}

/** He_0(u) .. He_order(u) into out (length order + 1). */
export function hermiteValues(u: number, order: number, out: Float64Array): void {
  out[0] = 1;
  if (order >= 1) out[1] = u;
  for (let n = 1; n < order; n++) out[n + 1] = u * out[n] - n * out[n - 1];
}
