/** `xbar infer` on a model that mixes the samples of its fixed batch: exactly that batch, in one piece, ideal or on crossbars. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { buildModel, values } from '../../onnx/test/builders.js';
import { runXbar } from './helpers.js';

const [BATCH, FEATURES, OUTPUTS] = [3, 4, 2];

describe('xbar infer on a whole-batch model', () => {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-whole-'));
  const model = join(folder, 'centred.onnx');
  // the inputs less their mean over the batch, times a weight matrix
  writeFileSync(
    model,
    buildModel({
      input: { name: 'x', dims: [BATCH, FEATURES] },
      outputs: ['y'],
      nodes: [
        { op: 'ReduceMean', inputs: ['x'], outputs: ['mean'], attributes: { axes: [0], keepdims: 1 } },
        { op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'] },
        { op: 'MatMul', inputs: ['centred', 'w'], outputs: ['y'], name: 'projection' },
      ],
      initializers: [{ name: 'w', dims: [FEATURES, OUTPUTS], values: values(FEATURES * OUTPUTS, 2) }],
    }),
  );
  const inputs = join(folder, 'x.npy');
  const x = Float64Array.from(values(BATCH * FEATURES, 9));
  writeFileSync(inputs, encodeNpy({ shape: [BATCH, FEATURES], data: x }, 'float64'));

  it('runs its batch in one piece, says that --batch-size has no effect, and writes the whole output', async () => {
    const output = join(folder, 'y.npy');
    const result = await runXbar(['infer', '--model', model, '--input', inputs, '--output', output, '--batch-size', '1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --batch-size 1 has no effect: .*centred\.onnx mixes the samples of its batch and runs its 3 inputs as one/);
    const y = decodeNpy(readFileSync(output));
    expect(y.shape).toEqual([BATCH, OUTPUTS]);
    const w = values(FEATURES * OUTPUTS, 2);
    for (let n = 0; n < BATCH; n++) {
      for (let o = 0; o < OUTPUTS; o++) {
        let sum = 0;
        for (let f = 0; f < FEATURES; f++) {
          let mean = 0;
          for (let m = 0; m < BATCH; m++) mean += x[m * FEATURES + f] / BATCH;
          sum += (x[n * FEATURES + f] - mean) * w[f * OUTPUTS + o];
        }
        expect(y.data[n * OUTPUTS + o]).toBeCloseTo(sum, 12);
      }
    }
  });

  it('refuses another number of inputs, naming the batch it needs', async () => {
    const two = join(folder, 'two.npy');
    writeFileSync(two, encodeNpy({ shape: [2, FEATURES], data: new Float64Array(2 * FEATURES) }, 'float64'));
    const result = await runXbar(['infer', '--model', model, '--input', two, '--output', join(folder, 'no.npy')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/runs on exactly 3 inputs at once; .*two\.npy holds 2/);
  });

  it('runs the weight layer on crossbars, on both engines', async () => {
    writeFileSync(join(folder, 'hw.xbar'), '.model exact ideal (gmin=0)\n.array default rows=8 cols=8 model=exact dac_range=100\n');
    const ideal = decodeNpy(readFileSync(join(folder, 'y.npy')));
    for (const engine of ['reference', 'onnxruntime']) {
      const output = join(folder, `hw-${engine}.npy`);
      const result = await runXbar(['infer', '--model', model, '--input', inputs, '--output', output, '--netlist', join(folder, 'hw.xbar'), '--engine', engine]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/warning/);
      const y = decodeNpy(readFileSync(output));
      expect(y.shape).toEqual([BATCH, OUTPUTS]);
      Array.from(y.data).forEach((value, i) => expect(value).toBeCloseTo(ideal.data[i], 4));
    }
  });
});
