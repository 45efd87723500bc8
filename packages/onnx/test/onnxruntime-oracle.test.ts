/**
 * ONNX Runtime (npm onnxruntime-node, CPU) as the oracle of the importer: every example model, and
 * the bench's ResNet-20, gives xbar's ideal float64 outputs within float32 tolerance of ONNX
 * Runtime's on the same inputs; so do the PyTorch exports of test/fixtures/pytorch (LSTM, GRU,
 * RNN, a transformer encoder layer, a MobileNet-style CNN with squeeze-excite) at batches 1 and 3,
 * their batch moved and merged inside the graph.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, runNetwork, tensor } from '@xbar/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const exampleModels = readdirSync(join(root, 'examples', 'models')).filter((name) => existsSync(join(root, 'examples', 'models', name, 'model.onnx')));

/** The first `count` saved inputs of an example model (float32, batch first), or sine values of the given shape. */
function inputsOf(folder: string, shape: readonly number[]): Float32Array {
  const saved = join(folder, 'inputs.npy');
  const size = shape.reduce((a, b) => a * b, 1);
  if (existsSync(saved)) return Float32Array.from(decodeNpy(readFileSync(saved)).data.subarray(0, size));
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37));
}

const cases = [
  ...exampleModels.map((name) => ({ name, path: join(root, 'examples', 'models', name, 'model.onnx'), batch: 16 })),
  { name: 'resnet20 (bench)', path: join(root, 'bench', 'models', 'resnet20.onnx'), batch: 4 },
  ...readdirSync(join(import.meta.dirname, 'fixtures', 'pytorch'))
    .filter((name) => name.endsWith('.onnx'))
    .flatMap((name) => [1, 3].map((batch) => ({ name: `${name} (batch ${batch})`, path: join(import.meta.dirname, 'fixtures', 'pytorch', name), batch }))),
];

describe('xbar ideal = ONNX Runtime (float32 tolerance)', () => {
  it.each(cases)('$name', async ({ path, batch }) => {
    const bytes = readFileSync(path);
    const { network } = importOnnx(bytes);
    const shape = [batch, ...network.inputShape];
    const values = inputsOf(join(path, '..'), shape);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', values, shape) });
    const reference = results[session.outputNames[0]];
    const [ours] = runNetwork(network, tensor(shape, Float64Array.from(values)));
    expect(ours.shape).toEqual([...reference.dims]);
    const expected = reference.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - expected[i]) / (1e-3 + Math.abs(expected[i])));
    expect(worst).toBeLessThan(1e-3);
  });
});
