import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { argmaxPerSample, decodeIdx, runNetworkBatched, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';

// Fashion-MNIST from Debian's dataset-fashion-mnist (H. Xiao, K. Rasul, R. Vollgraf 2017, MIT license).
const FASHION = '/usr/share/datasets/fashion-mnist';

/** Each Fashion-MNIST example, the per-image shape it reads, and the accuracy it must at least reach. */
const MODELS = [
  { name: 'fashion-resnet', shape: [1, 28, 28], floor: 0.85 },
  { name: 'fashion-lstm', shape: [28, 28], floor: 0.85 },
  { name: 'fashion-transformer', shape: [1, 28, 28], floor: 0.8 },
];

describe('Fashion-MNIST examples (ResNet-8, LSTM, transformer encoder)', () => {
  const images = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'))));
  const labels = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'))));
  // float32-rounded pixel / 255, as the training script feeds PyTorch
  const pixels = Float64Array.from(images.data, (p) => Math.fround(Math.fround(p) / 255));

  it.each(MODELS)('$name: accuracy on the 10000 test images is what the training script reported', ({ name, shape, floor }) => {
    const folder = join(import.meta.dirname, name);
    const { network } = importOnnx(readFileSync(join(folder, 'model.onnx')));
    const metrics = JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf8')) as { evalAccuracy: number; evalCount: number };
    const [logits] = runNetworkBatched(network, tensor([images.dims[0], ...shape], pixels), 500);
    const predicted = argmaxPerSample(logits);
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels.data[i]) correct++;
    expect(images.dims[0]).toBe(metrics.evalCount);
    expect(correct / predicted.length).toBe(metrics.evalAccuracy);
    expect(metrics.evalAccuracy).toBeGreaterThan(floor);
  }, 600_000);
});
