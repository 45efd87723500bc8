import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Tensor, argmaxPerSample, decodeIdx, decodeNpy, runNetwork, runNetworkBatched, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const data = join(here, '..', 'data');

interface Metrics {
  readonly evalAccuracy: number;
  readonly evalCount: number;
}

function load(name: string) {
  const folder = join(here, name);
  const { network, opset } = importOnnx(readFileSync(join(folder, 'model.onnx')));
  const inputs = decodeNpy(readFileSync(join(folder, 'inputs.npy')));
  const outputs = decodeNpy(readFileSync(join(folder, 'outputs.npy')));
  const metrics = JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf8')) as Metrics;
  return { network, opset, inputs, outputs, metrics };
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function accuracy(predicted: Int32Array, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / predicted.length;
}

/** MNIST images 8000..9999 as float32-rounded pixel / 255 (as the training script feeds PyTorch), and labels. */
function mnistEvaluation(): { images: Tensor; labels: Uint8Array } {
  const images = decodeIdx(gunzipSync(readFileSync(join(data, 'mnist', 't10k-images-idx3-ubyte.gz'))));
  const labels = decodeIdx(gunzipSync(readFileSync(join(data, 'mnist', 't10k-labels-idx1-ubyte.gz'))));
  const pixelsPerImage = images.dims[1] * images.dims[2];
  const evaluation = images.data.subarray(8000 * pixelsPerImage);
  const pixels = Float64Array.from(evaluation, (p) => Math.fround(Math.fround(p) / 255));
  return { images: tensor([2000, pixelsPerImage], pixels), labels: labels.data.subarray(8000) };
}

/** scikit-learn digits 1500..1796 as float32-rounded value / 16, 1 x 8 x 8 each, and labels. */
function digitsEvaluation(): { images: Tensor; labels: number[] } {
  const rows = gunzipSync(readFileSync(join(data, 'digits', 'digits.csv.gz'))).toString('utf8').trim().split('\n').slice(1500);
  const values = rows.map((row) => row.split(',').map(Number));
  const pixels = Float64Array.from(values.flatMap((v) => v.slice(0, 64)), (p) => Math.fround(p / 16));
  return { images: tensor([rows.length, 1, 8, 8], pixels), labels: values.map((v) => v[64]) };
}

describe('committed example models', () => {
  it.each(['mnist-mlp-pca', 'digits-cnn', 'fashion-resnet', 'fashion-lstm', 'fashion-transformer'])("%s: ideal float64 outputs match PyTorch's saved outputs", (name) => {
    const { network, opset, inputs, outputs } = load(name);
    expect(opset).toBe(13);
    const [result] = runNetwork(network, tensor(inputs.shape, inputs.data));
    expect(result.shape).toEqual(outputs.shape);
    expect(maxAbsDifference(result.data, outputs.data)).toBeLessThan(1e-5);
    // the exported transformer holds float32 constants where PyTorch's float64 run computes exactly
    // (sqrt(8) of the attention scale, sqrt(2) of GELU, LayerNorm's 1e-5): about 1e-7 apart
    expect(maxAbsDifference(result.data, outputs.data)).toBeLessThan(name === 'fashion-transformer' ? 1e-6 : 1e-10);
  });

  it('mnist-mlp-pca: accuracy on MNIST test images 8000..9999 is what the training script reported', () => {
    const { network, metrics } = load('mnist-mlp-pca');
    const { images, labels } = mnistEvaluation();
    expect(images.shape[0]).toBe(metrics.evalCount);
    const [logits] = runNetworkBatched(network, images, 500);
    expect(accuracy(argmaxPerSample(logits), labels)).toBe(metrics.evalAccuracy);
    expect(metrics.evalAccuracy).toBeGreaterThan(0.9);
  });

  it('digits-cnn: accuracy on digits 1500..1796 is what the training script reported', () => {
    const { network, metrics } = load('digits-cnn');
    const { images, labels } = digitsEvaluation();
    expect(images.shape[0]).toBe(metrics.evalCount);
    const [probabilities] = runNetwork(network, images);
    expect(accuracy(argmaxPerSample(probabilities), labels)).toBe(metrics.evalAccuracy);
    expect(metrics.evalAccuracy).toBeGreaterThan(0.9);
  });
});
