import { createRng } from '../random/rng.js';

/** Eigenvalues (descending) and unit eigenvectors (columns of an n x count row-major matrix). */
export interface SymmetricEigen {
  readonly size: number;
  readonly count: number;
  readonly values: Float64Array;
  /** n x count, row-major: eigenvector j is column j. */
  readonly vectors: Float64Array;
}

/**
 * All eigenpairs of a symmetric n x n matrix (row-major) by the cyclic Jacobi method: deterministic,
 * accurate to rounding; O(n^3) per sweep, for n up to a few hundred. Eigenvalues sorted descending;
 * each eigenvector's largest-magnitude entry is made positive.
 */
export function jacobiEigen(symmetric: Float64Array, n: number, maxSweeps = 100): SymmetricEigen {
  if (symmetric.length !== n * n) throw new RangeError(`an ${n} x ${n} matrix needs ${n * n} values, got ${symmetric.length}`);
  const a = Float64Array.from(symmetric);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * diagonal || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- P^T A P with P the rotation in the (p, q) plane; V <- V P
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const diagonalValues = Float64Array.from({ length: n }, (_, i) => a[i * n + i]);
  return sortedEigen(diagonalValues, v, n, n, n);
}

/**
 * The `count` largest eigenpairs of a symmetric positive semi-definite n x n matrix by subspace
 * iteration with Rayleigh-Ritz (Jacobi on the small projected matrix), from a fixed pseudo-random
 * start: deterministic, O(n^2 (count + 8)) per iteration. Stops when every wanted residual
 * |A v - lambda v| is below `tolerance` times the largest eigenvalue.
 */
export function topEigen(symmetric: Float64Array, n: number, count: number, tolerance = 1e-10, maxIterations = 2000): SymmetricEigen {
  if (!(Number.isInteger(count) && count >= 1 && count <= n)) throw new RangeError(`eigenpair count must be 1..${n}, got ${count}`);
  const m = Math.min(n, count + 8);
  const q = new Float64Array(n * m);
  createRng('xbar-top-eigen', n, m).fillNormal(q);
  orthonormalizeColumns(q, n, m);
  const z = new Float64Array(n * m);
  let ritz: SymmetricEigen = { size: n, count: m, values: new Float64Array(m), vectors: q };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    multiplySymmetric(symmetric, q, z, n, m);
    // projected matrix H = Q^T A Q (m x m), its eigenvectors rotate Q and AQ
    const h = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += q[k * m + i] * z[k * m + j];
        h[i * m + j] = sum;
      }
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) h[i * m + j] = h[j * m + i] = 0.5 * (h[i * m + j] + h[j * m + i]);
    const small = jacobiEigen(h, m);
    rotateColumns(q, small.vectors, n, m);
    rotateColumns(z, small.vectors, n, m);
    ritz = { size: n, count: m, values: small.values, vectors: q };
    const scale = Math.max(Math.abs(small.values[0]), Number.MIN_VALUE);
    let worst = 0;
    for (let j = 0; j < count; j++) {
      let residual = 0;
      for (let k = 0; k < n; k++) {
        const r = z[k * m + j] - small.values[j] * q[k * m + j];
        residual += r * r;
      }
      worst = Math.max(worst, Math.sqrt(residual) / scale);
    }
    if (worst < tolerance) break;
    q.set(z);
    orthonormalizeColumns(q, n, m);
  }
  return sortedEigen(ritz.values, ritz.vectors, n, m, count);
}

/** out (n x m) = A (n x n) times Q (n x m). */
function multiplySymmetric(a: Float64Array, q: Float64Array, out: Float64Array, n: number, m: number): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * q[k * m + j];
    }
  }
}

/** Q (n x m) <- Q W with W m x m. */
function rotateColumns(q: Float64Array, w: Float64Array, n: number, m: number): void {
  const row = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let k = 0; k < m; k++) {
      const qik = q[i * m + k];
      for (let j = 0; j < m; j++) row[j] += qik * w[k * m + j];
    }
    q.set(row, i * m);
  }
}

/** Modified Gram-Schmidt on the m columns of an n x m row-major matrix (twice, for accuracy). */
function orthonormalizeColumns(q: Float64Array, n: number, m: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q[k * m + i] * q[k * m + j];
        for (let k = 0; k < n; k++) q[k * m + j] -= dot * q[k * m + i];
      }
      let norm = 0;
      for (let k = 0; k < n; k++) norm += q[k * m + j] * q[k * m + j];
      norm = Math.sqrt(norm);
      for (let k = 0; k < n; k++) q[k * m + j] = norm > 0 ? q[k * m + j] / norm : k === j ? 1 : 0;
    }
  }
}

/** The `count` largest of `values` with their columns of `vectors` (n x columns), sign-normalised. */
function sortedEigen(values: Float64Array, vectors: Float64Array, n: number, columns: number, count: number): SymmetricEigen {
  const order = Array.from({ length: columns }, (_, i) => i).sort((i, j) => values[j] - values[i] || i - j);
  const outValues = new Float64Array(count);
  const outVectors = new Float64Array(n * count);
  for (let j = 0; j < count; j++) {
    const source = order[j];
    outValues[j] = values[source];
    let largest = 0;
    let sign = 1;
    for (let k = 0; k < n; k++) {
      const entry = vectors[k * columns + source];
      if (Math.abs(entry) > largest) {
        largest = Math.abs(entry);
        sign = entry < 0 ? -1 : 1;
      }
    }
    for (let k = 0; k < n; k++) outVectors[k * count + j] = sign * vectors[k * columns + source];
  }
  return { size: n, count, values: outValues, vectors: outVectors };
}
