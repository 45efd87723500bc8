import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { argmaxPerSample, decodeIdx, runNetworkBatched, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';

// Fashion-MNIST from Debian's dataset-fashion-mnist (H. Xiao, K. Rasul, R. Vollgraf 2017, MIT license).
const FASHION = '/usr/share/datasets/fashion-mnist';

describe('fashion-resnet (ResNet-8 on Fashion-MNIST)', () => {
  it('accuracy on the 10000 test images is what the training script reported', () => {
    const folder = join(import.meta.dirname, 'fashion-resnet');
    const { network } = importOnnx(readFileSync(join(folder, 'model.onnx')));
    const metrics = JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf8')) as { evalAccuracy: number; evalCount: number };
    const images = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'))));
    const labels = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'))));
    // float32-rounded pixel / 255, as the training script feeds PyTorch
    const pixels = Float64Array.from(images.data, (p) => Math.fround(Math.fround(p) / 255));
    const [logits] = runNetworkBatched(network, tensor([images.dims[0], 1, 28, 28], pixels), 500);
    const predicted = argmaxPerSample(logits);
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels.data[i]) correct++;
    expect(images.dims[0]).toBe(metrics.evalCount);
    expect(correct / predicted.length).toBe(metrics.evalAccuracy);
    expect(metrics.evalAccuracy).toBeGreaterThan(0.85);
  }, 600_000);
});
