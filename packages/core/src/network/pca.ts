import { type Matrix, matrix } from '../tensor/matrix.js';
import { jacobiEigen, topEigen } from './eigen.js';
import type { DenseNode, Network } from './graph.js';

/** A principal component analysis fitted on training samples. */
export interface Pca {
  /** Mean of the training samples (one value per input feature). */
  readonly mean: Float64Array;
  /** components x features: unit principal directions, largest variance first. */
  readonly components: Matrix;
  /** Variance of the training samples along each component (eigenvalues of the covariance). */
  readonly explainedVariance: Float64Array;
}

/** Feature counts up to this use all-pairs Jacobi; larger ones use subspace iteration. */
const JACOBI_MAX_FEATURES = 256;

/**
 * Fits a PCA of `count` components on `samples` (one sample per row: N x features) from the sample
 * covariance (divided by N - 1). Deterministic: Jacobi eigen-decomposition up to 256 features,
 * subspace iteration with a fixed start above; each component's largest-magnitude entry is positive.
 */
export function fitPca(samples: Matrix, count: number): Pca {
  const { rows: n, cols: features } = samples;
  if (n < 2) throw new RangeError(`PCA needs at least 2 samples, got ${n}`);
  if (!(Number.isInteger(count) && count >= 1 && count <= features)) {
    throw new RangeError(`PCA component count must be a whole number in 1..${features}, got ${count}`);
  }
  const mean = new Float64Array(features);
  for (let s = 0; s < n; s++) for (let f = 0; f < features; f++) mean[f] += samples.data[s * features + f];
  for (let f = 0; f < features; f++) mean[f] /= n;
  const covariance = new Float64Array(features * features);
  const centred = new Float64Array(features);
  for (let s = 0; s < n; s++) {
    for (let f = 0; f < features; f++) centred[f] = samples.data[s * features + f] - mean[f];
    for (let i = 0; i < features; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      const row = i * features;
      for (let j = i; j < features; j++) covariance[row + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < features; i++) {
    for (let j = i; j < features; j++) {
      const value = covariance[i * features + j] / (n - 1);
      covariance[i * features + j] = value;
      covariance[j * features + i] = value;
    }
  }
  const eigen = features <= JACOBI_MAX_FEATURES ? jacobiEigen(covariance, features) : topEigen(covariance, features, count);
  const components = matrix(count, features);
  for (let c = 0; c < count; c++) {
    for (let f = 0; f < features; f++) components.data[c * features + f] = eigen.vectors[f * eigen.count + c];
  }
  return { mean, components, explainedVariance: eigen.values.slice(0, count) };
}

/** The PCA as a dense layer: y = components (x - mean), i.e. weights = components, bias = -components . mean. */
export function pcaDenseNode(pca: Pca, name: string, input: string, output: string): DenseNode {
  const { rows, cols, data } = pca.components;
  const bias = new Float64Array(rows);
  for (let c = 0; c < rows; c++) {
    let sum = 0;
    for (let f = 0; f < cols; f++) sum += data[c * cols + f] * pca.mean[f];
    bias[c] = -sum;
  }
  return { op: 'dense', name, inputs: [input], output, weights: matrix(rows, cols, Float64Array.from(data)), bias };
}

/**
 * A network that takes raw features and applies the PCA as its first (dense) layer before
 * `network`, whose input must be the `count` PCA coordinates.
 */
export function withPcaInput(network: Network, pca: Pca, rawInputName = `${network.inputName}_raw`): Network {
  const count = pca.components.rows;
  if (network.inputShape.length !== 1 || network.inputShape[0] !== count) {
    throw new RangeError(`the network takes [${network.inputShape.join(', ')}] per sample, the PCA gives [${count}]`);
  }
  return {
    inputName: rawInputName,
    inputShape: [pca.components.cols],
    nodes: [pcaDenseNode(pca, 'pca', rawInputName, network.inputName), ...network.nodes],
    outputs: network.outputs,
  };
}
