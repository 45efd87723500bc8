import { describe, expect, it } from 'vitest';
import { createRng, fitPca, matrix, pcaDenseNode, runNetwork, tensor, withPcaInput } from '../../src/index.js';
import { jacobiEigen, topEigen } from '../../src/kernels.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const b = new Float64Array(n * n);
  createRng(seed, 'sym').fillNormal(b);
  const a = new Float64Array(n * n);
  // A = B B^T: symmetric positive semi-definite
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
  return a;
}

describe('symmetric eigen-decomposition', () => {
  it('Jacobi finds A v = lambda v with orthonormal v, eigenvalues descending', () => {
    const n = 12;
    const a = randomSymmetric(n, 1);
    const { values, vectors } = jacobiEigen(a, n);
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + j];
        expect(av).toBeCloseTo(values[j] * vectors[i * n + j], 9);
      }
      for (let m = 0; m < n; m++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + j] * vectors[k * n + m];
        expect(dot).toBeCloseTo(j === m ? 1 : 0, 12);
      }
    }
  });

  it('subspace iteration agrees with Jacobi on the leading eigenpairs', () => {
    const n = 40;
    const a = randomSymmetric(n, 2);
    const full = jacobiEigen(a, n);
    const top = topEigen(a, n, 5);
    for (let j = 0; j < 5; j++) {
      expect(top.values[j]).toBeCloseTo(full.values[j], 6);
      for (let k = 0; k < n; k++) expect(top.vectors[k * 5 + j]).toBeCloseTo(full.vectors[k * n + j], 6);
    }
  });
});

describe('PCA', () => {
  // samples along two known directions in 5-D plus small noise
  const samples = matrix(400, 5);
  const rng = createRng(3, 'pca');
  for (let s = 0; s < 400; s++) {
    const u = 3 * rng.normal();
    const v = rng.normal();
    const row = [u + 1, u + 2, v, -v, 0.01 * rng.normal()];
    samples.data.set(row, s * 5);
  }

  it('finds the directions of largest variance, deterministically', () => {
    const pca = fitPca(samples, 2);
    expect(pca.components.rows).toBe(2);
    expect(Math.abs(pca.components.data[0])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(pca.components.data[1])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(pca.components.data[5 + 2])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(pca.explainedVariance[0]).toBeGreaterThan(pca.explainedVariance[1]);
    expect(fitPca(samples, 2)).toEqual(pca);
  });

  it('as a dense layer maps x to components (x - mean), and prepends to a network', () => {
    const pca = fitPca(samples, 2);
    const node = pcaDenseNode(pca, 'pca', 'raw', 'coords');
    const x = tensor([1, 5], Float64Array.from([1, 2, 3, 4, 5]));
    const network = withPcaInput({ inputName: 'coords', inputShape: [2], nodes: [], outputs: ['coords'] }, pca, 'raw');
    const [y] = runNetwork(network, x);
    for (let c = 0; c < 2; c++) {
      let expected = 0;
      for (let f = 0; f < 5; f++) expected += pca.components.data[c * 5 + f] * (x.data[f] - pca.mean[f]);
      expect(y.data[c]).toBeCloseTo(expected, 12);
    }
    expect(node.weights.rows).toBe(2);
  });
});
