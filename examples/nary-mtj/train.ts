/**
 * Builds the data and weights of the N-ary MTJ and device-compare studies (deterministic, no Python):
 *
 *   npx tsx --conditions=@xbar/source examples/nary-mtj/train.ts
 *
 * - MNIST (examples/data/mnist, the 10 000 test images): a PCA fitted on images 0..7999 (pixels / 255),
 *   then for each PCA dimension d in PCA_DIMS an MLP d -> 32 -> 10 (ReLU) trained on the PCA coordinates
 *   of images 0..7999 (softmax cross-entropy, Adam, seeded) and evaluated on images 8000..9999.
 *   The PCA runs digitally before the crossbars; its coordinates are scaled by one factor so that the
 *   training set lies in [-1, 1] (the DAC range), and the hidden layer is rescaled (ReLU is positively
 *   homogeneous: W1, b1 / a and W2 * a leave the outputs unchanged) so that its largest training
 *   activation is 1.
 * - XOR: 200 points around the four corners (Gaussian jitter, std 0.15), label x1 XOR x2; the 2-2-2
 *   network's weights are set by hand in xor.xbar.
 *
 * Writes into examples/nary-mtj/data and examples/device-compare/data: weights as the netlist places
 * them (inputs x outputs, float64 .npy), evaluation inputs (float32) and labels (uint8), and
 * metrics.json with the float64 software accuracies.
 */
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Matrix, createRng, decodeIdx, encodeNpy, fitPca, idxToFloat64, matrix } from '@xbar/core';

const HERE = import.meta.dirname;
const MNIST = join(HERE, '..', 'data', 'mnist');
const OUT = [join(HERE, 'data'), join(HERE, '..', 'device-compare', 'data')];
const PCA_DIMS = [8, 16, 32, 64];
const HIDDEN = 32;
const EPOCHS = 40;
const BATCH = 64;
const LEARNING_RATE = 1e-2;
const TRAIN = 8000;

function write(name: string, bytes: Uint8Array, folders = OUT): void {
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, name), bytes);
  }
}

const images = decodeIdx(gunzipSync(readFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz'))), 'MNIST images');
const labelsIdx = decodeIdx(gunzipSync(readFileSync(join(MNIST, 't10k-labels-idx1-ubyte.gz'))), 'MNIST labels');
const pixels = idxToFloat64(images, 1 / 255);
const labels = Int32Array.from(labelsIdx.data);
const count = labels.length;
const train = matrix(TRAIN, 784, pixels.subarray(0, TRAIN * 784));
const pca = fitPca(train, Math.max(...PCA_DIMS));

/** PCA coordinates (first d components) of every image. */
function project(d: number): Matrix {
  const out = matrix(count, d);
  const { components, mean } = pca;
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let f = 0; f < 784; f++) sum += components.data[c * 784 + f] * (pixels[s * 784 + f] - mean[f]);
      out.data[s * d + c] = sum;
    }
  }
  let largest = 0;
  for (let i = 0; i < TRAIN * d; i++) largest = Math.max(largest, Math.abs(out.data[i]));
  for (let i = 0; i < out.data.length; i++) out.data[i] /= largest;
  return out;
}

/** A d -> HIDDEN -> 10 MLP; weights stored inputs x outputs as in the netlist. */
interface Mlp {
  readonly w1: Float64Array; // d x HIDDEN
  readonly b1: Float64Array;
  readonly w2: Float64Array; // HIDDEN x 10
  readonly b2: Float64Array;
}

function forward(net: Mlp, d: number, x: Float64Array, hidden: Float64Array, out: Float64Array): void {
  for (let h = 0; h < HIDDEN; h++) {
    let sum = net.b1[h];
    for (let i = 0; i < d; i++) sum += x[i] * net.w1[i * HIDDEN + h];
    hidden[h] = sum > 0 ? sum : 0;
  }
  for (let o = 0; o < 10; o++) {
    let sum = net.b2[o];
    for (let h = 0; h < HIDDEN; h++) sum += hidden[h] * net.w2[h * 10 + o];
    out[o] = sum;
  }
}

function accuracy(net: Mlp, d: number, x: Matrix, from: number, to: number): number {
  const hidden = new Float64Array(HIDDEN);
  const out = new Float64Array(10);
  let correct = 0;
  for (let s = from; s < to; s++) {
    forward(net, d, x.data.subarray(s * d, (s + 1) * d), hidden, out);
    let best = 0;
    for (let o = 1; o < 10; o++) if (out[o] > out[best]) best = o;
    if (best === labels[s]) correct++;
  }
  return correct / (to - from);
}

function trainMlp(d: number, x: Matrix): Mlp {
  const rng = createRng(2026, 'nary-mtj-train', d);
  const init = (n: number, fanIn: number) => {
    const w = new Float64Array(n);
    rng.fillNormal(w);
    for (let i = 0; i < n; i++) w[i] *= Math.sqrt(2 / fanIn);
    return w;
  };
  const net: Mlp = { w1: init(d * HIDDEN, d), b1: new Float64Array(HIDDEN), w2: init(HIDDEN * 10, HIDDEN), b2: new Float64Array(10) };
  const params = [net.w1, net.b1, net.w2, net.b2];
  const grads = params.map((p) => new Float64Array(p.length));
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const order = Int32Array.from({ length: TRAIN }, (_, i) => i);
  const hidden = new Float64Array(HIDDEN);
  const out = new Float64Array(10);
  const dOut = new Float64Array(10);
  const dHidden = new Float64Array(HIDDEN);
  let step = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = TRAIN - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < TRAIN; start += BATCH) {
      grads.forEach((g) => g.fill(0));
      const end = Math.min(TRAIN, start + BATCH);
      for (let k = start; k < end; k++) {
        const s = order[k];
        const xs = x.data.subarray(s * d, (s + 1) * d);
        forward(net, d, xs, hidden, out);
        let max = -Infinity;
        for (let o = 0; o < 10; o++) max = Math.max(max, out[o]);
        let z = 0;
        for (let o = 0; o < 10; o++) z += Math.exp(out[o] - max);
        for (let o = 0; o < 10; o++) dOut[o] = Math.exp(out[o] - max) / z - (o === labels[s] ? 1 : 0);
        dHidden.fill(0);
        for (let h = 0; h < HIDDEN; h++) {
          for (let o = 0; o < 10; o++) {
            grads[2][h * 10 + o] += hidden[h] * dOut[o];
            dHidden[h] += net.w2[h * 10 + o] * dOut[o];
          }
          if (hidden[h] <= 0) dHidden[h] = 0;
        }
        for (let o = 0; o < 10; o++) grads[3][o] += dOut[o];
        for (let i = 0; i < d; i++) for (let h = 0; h < HIDDEN; h++) grads[0][i * HIDDEN + h] += xs[i] * dHidden[h];
        for (let h = 0; h < HIDDEN; h++) grads[1][h] += dHidden[h];
      }
      step++;
      const scale = 1 / (end - start);
      params.forEach((p, q) => {
        for (let i = 0; i < p.length; i++) {
          const g = grads[q][i] * scale;
          m[q][i] = 0.9 * m[q][i] + 0.1 * g;
          v[q][i] = 0.999 * v[q][i] + 0.001 * g * g;
          p[i] -= (LEARNING_RATE * (m[q][i] / (1 - 0.9 ** step))) / (Math.sqrt(v[q][i] / (1 - 0.999 ** step)) + 1e-8);
        }
      });
    }
  }
  // rescale the hidden layer so that its largest training activation is 1
  let largest = 0;
  for (let s = 0; s < TRAIN; s++) {
    forward(net, d, x.data.subarray(s * d, (s + 1) * d), hidden, out);
    for (const value of hidden) largest = Math.max(largest, value);
  }
  for (let i = 0; i < net.w1.length; i++) net.w1[i] /= largest;
  for (let i = 0; i < net.b1.length; i++) net.b1[i] /= largest;
  for (let i = 0; i < net.w2.length; i++) net.w2[i] *= largest;
  return net;
}

const metrics: Record<string, unknown> = {
  train: `MNIST test images 0..${TRAIN - 1}`,
  eval: `MNIST test images ${TRAIN}..${count - 1}`,
  network: `PCA(784 -> d, digital) -> Linear(d, ${HIDDEN}) -> ReLU -> Linear(${HIDDEN}, 10)`,
  training: `Adam lr ${LEARNING_RATE}, ${EPOCHS} epochs, batch ${BATCH}, seed 2026`,
};
const evalLabels = Uint8Array.from(labels.subarray(TRAIN));
write('mnist-labels.npy', encodeNpy({ shape: [count - TRAIN], data: evalLabels }, 'uint8'));
for (const d of PCA_DIMS) {
  const x = project(d);
  const net = trainMlp(d, x);
  const folders = d === 16 ? OUT : [OUT[0]];
  write(`pca${d}-inputs.npy`, encodeNpy({ shape: [count - TRAIN, d], data: x.data.subarray(TRAIN * d) }, 'float32'), folders);
  write(`pca${d}-w1.npy`, encodeNpy({ shape: [d, HIDDEN], data: net.w1 }), folders);
  write(`pca${d}-b1.npy`, encodeNpy({ shape: [HIDDEN], data: net.b1 }), folders);
  write(`pca${d}-w2.npy`, encodeNpy({ shape: [HIDDEN, 10], data: net.w2 }), folders);
  write(`pca${d}-b2.npy`, encodeNpy({ shape: [10], data: net.b2 }), folders);
  metrics[`pca${d}`] = { trainAccuracy: accuracy(net, d, x, 0, TRAIN), evalAccuracy: accuracy(net, d, x, TRAIN, count) };
  console.log(`PCA ${d}: train ${(100 * (metrics[`pca${d}`] as { trainAccuracy: number }).trainAccuracy).toFixed(2)} %, eval ${(100 * accuracy(net, d, x, TRAIN, count)).toFixed(2)} %`);
}

// XOR: 200 jittered corner points
const rng = createRng(7, 'xor-data');
const xor = new Float64Array(400);
const xorLabels = new Uint8Array(200);
for (let s = 0; s < 200; s++) {
  const a = s % 2;
  const b = Math.floor(s / 2) % 2;
  xor[2 * s] = a + 0.15 * rng.normal();
  xor[2 * s + 1] = b + 0.15 * rng.normal();
  xorLabels[s] = a ^ b;
}
write('xor-inputs.npy', encodeNpy({ shape: [200, 2], data: xor }, 'float32'), [OUT[0]]);
write('xor-labels.npy', encodeNpy({ shape: [200], data: xorLabels }, 'uint8'), [OUT[0]]);
write('metrics.json', new TextEncoder().encode(`${JSON.stringify(metrics, null, 2)}\n`));
