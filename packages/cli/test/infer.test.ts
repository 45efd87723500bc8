import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');

describe('xbar infer', () => {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-infer-'));

  it.each(['digits-cnn', 'mnist-mlp-pca'])("writes float64 outputs matching PyTorch's for %s", async (name) => {
    const output = join(folder, `${name}.npy`);
    const result = await runXbar(['infer', '--model', join(models, name, 'model.onnx'), '--input', join(models, name, 'inputs.npy'), '--output', output, '--seed', '3']);
    expect(result.stderr).toMatch(/64 samples, ideal float64/);
    expect(result.code).toBe(0);
    const got = decodeNpy(readFileSync(output));
    const expected = decodeNpy(readFileSync(join(models, name, 'outputs.npy')));
    expect(got.dtype).toBe('float64');
    expect(got.shape).toEqual(expected.shape);
    let worst = 0;
    for (let i = 0; i < got.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - expected.data[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('runs one sample given without the batch axis, and --ideal with --netlist', async () => {
    const input = join(folder, 'one.npy');
    writeFileSync(input, encodeNpy({ shape: [1, 8, 8], data: new Float64Array(64).fill(0.5) }, 'float32'));
    const output = join(folder, 'one-out.npy');
    const result = await runXbar(['infer', '--model', join(models, 'digits-cnn', 'model.onnx'), '--input', input, '--output', output, '--netlist', 'hw.xbar', '--ideal']);
    expect(result.code).toBe(0);
    expect(decodeNpy(readFileSync(output)).shape).toEqual([10]);
  });

  it('exits 2 on usage errors and for --netlist without --ideal (not yet supported)', async () => {
    expect((await runXbar(['infer', '--input', 'x.npy', '--output', 'y.npy'])).code).toBe(2);
    const netlist = await runXbar(['infer', '--model', 'm.onnx', '--input', 'x.npy', '--output', 'y.npy', '--netlist', 'hw.xbar']);
    expect(netlist.code).toBe(2);
    expect(netlist.stderr).toMatch(/--netlist .* is not yet supported/);
    expect((await runXbar(['infer', '--model', 'm.onnx', '--input', 'x.npy', '--output', 'y.npy', '--seed', 'abc'])).code).toBe(2);
  });

  it('exits 3 naming the file for missing, malformed or unsupported models and mismatched inputs', async () => {
    const model = join(models, 'digits-cnn', 'model.onnx');
    const missing = await runXbar(['infer', '--model', join(folder, 'nope.onnx'), '--input', 'x.npy', '--output', 'y.npy']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read .*nope\.onnx/);
    const junk = join(folder, 'junk.onnx');
    writeFileSync(junk, 'this is not protobuf at all');
    const bad = await runXbar(['infer', '--model', junk, '--input', 'x.npy', '--output', 'y.npy']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/junk\.onnx: /);
    const wrong = join(folder, 'wrong.npy');
    writeFileSync(wrong, encodeNpy({ shape: [2, 63], data: new Float64Array(126) }, 'float64'));
    const mismatch = await runXbar(['infer', '--model', model, '--input', wrong, '--output', join(folder, 'o.npy')]);
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toContain('wrong.npy: inputs of shape (2, 63) do not fit');
  });
});
