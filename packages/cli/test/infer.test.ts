import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../onnx/test/builders.js';
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

  it('runs an LSTM on crossbars: its input projection and its recurrent arrays, the recurrent matrix by its initializer', async () => {
    const model = join(folder, 'lstm.onnx');
    writeFileSync(model, readFileSync(join(import.meta.dirname, '..', '..', 'onnx', 'test', 'fixtures', 'pytorch', 'lstm-last-hidden.onnx')));
    const input = join(folder, 'sequences.npy');
    writeFileSync(input, encodeNpy({ shape: [4, 5, 6], data: Float64Array.from({ length: 120 }, (_, i) => Math.sin(i)) }, 'float32'));
    const reference = join(folder, 'lstm-ideal.npy');
    expect((await runXbar(['infer', '--model', model, '--input', input, '--output', reference])).code).toBe(0);
    // the first layer's R (initializer onnx::LSTM_...) on its own array; every other weight node on the default one
    const bytes = readFileSync(model);
    const recurrent = importOnnx(bytes).weightInitializers.get('/rnn/LSTM/R')!;
    expect(recurrent).toMatch(/^onnx::LSTM_/);
    writeFileSync(
      join(folder, 'lstm.xbar'),
      [
        '.model exact ideal (gmin=0)',
        '.array default rows=64 cols=64 model=exact dac_range=1000',
        '.array loops rows=32 cols=32 model=exact dac_range=1000',
        `.weights R1 onnx="lstm.onnx" layer="${recurrent}"`,
        '.network lstm',
        '.layer recurrent1 weights=R1 array=loops',
        '.endnetwork',
      ].join('\n') + '\n',
    );
    const output = join(folder, 'lstm-hw.npy');
    const result = await runXbar(['infer', '--model', model, '--input', input, '--output', output, '--netlist', join(folder, 'lstm.xbar')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/5 nodes on crossbars: \/rnn\/LSTM\/W \(dense\) on array default, \/rnn\/LSTM\/R \(recurrent\) on layer recurrent1 \(array loops\), \/rnn\/LSTM_1\/W \(dense\) on array default, \/rnn\/LSTM_1\/R \(recurrent\) on array default, \/fc\/Gemm \(dense\) on array default/);
    const a = decodeNpy(readFileSync(output)).data;
    const b = decodeNpy(readFileSync(reference)).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-9);
  });

  it('--engine onnxruntime gives the float64 outputs to float32 rounding, an LSTM too, ideal and on crossbars', async () => {
    const name = 'digits-cnn';
    const args = (output: string, model = join(models, name, 'model.onnx'), input = join(models, name, 'inputs.npy')) => ['infer', '--model', model, '--input', input, '--output', output, '--batch-size', '20'];
    const exact = join(folder, 'exact.npy');
    const fast = join(folder, 'fast.npy');
    expect((await runXbar(args(exact))).code).toBe(0);
    const result = await runXbar([...args(fast), '--engine', 'onnxruntime']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/64 samples, ideal float32 on ONNX Runtime/);
    const a = decodeNpy(readFileSync(fast));
    const b = decodeNpy(readFileSync(exact));
    expect(a.shape).toEqual(b.shape);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / (1e-3 + Math.abs(b.data[i])));
    expect(worst).toBeLessThan(1e-4);

    const lstm = join(import.meta.dirname, '..', '..', 'onnx', 'test', 'fixtures', 'pytorch', 'lstm-last-hidden.onnx');
    const sequences = join(folder, 'engine-sequences.npy');
    writeFileSync(sequences, encodeNpy({ shape: [2, 5, 6], data: Float64Array.from({ length: 60 }, (_, i) => Math.cos(i)) }, 'float32'));
    const recurrent = await runXbar([...args(join(folder, 'lstm-fast.npy'), lstm, sequences), '--engine', 'onnxruntime']);
    expect(recurrent.code, recurrent.stderr).toBe(0);
    expect(recurrent.stderr).toMatch(/2 samples, ideal float32 on ONNX Runtime/);
    // on crossbars its recurrent arrays, read at every step, run on ONNX Runtime too (a Scan over the steps): the reference engine's outputs to float32 rounding
    writeFileSync(join(folder, 'lstm-ort.xbar'), '.model exact ideal (gmin=0)\n.array default rows=64 cols=64 model=exact dac_range=1000\n');
    const hardware = (engine: string, output: string) => runXbar([...args(join(folder, output), lstm, sequences), '--engine', engine, '--netlist', join(folder, 'lstm-ort.xbar')]);
    const onOnnxRuntime = await hardware('onnxruntime', 'lstm-hw-fast.npy');
    expect(onOnnxRuntime.code, onOnnxRuntime.stderr).toBe(0);
    expect(onOnnxRuntime.stderr).not.toMatch(/warning/);
    expect(onOnnxRuntime.stderr).toMatch(/on the hardware of .*lstm-ort.xbar \(seed \d+, float32 on ONNX Runtime\),/);
    expect((await hardware('reference', 'lstm-hw-exact.npy')).code).toBe(0);
    const fastHardware = decodeNpy(readFileSync(join(folder, 'lstm-hw-fast.npy'))).data;
    const exactHardware = decodeNpy(readFileSync(join(folder, 'lstm-hw-exact.npy'))).data;
    for (let i = 0; i < exactHardware.length; i++) expect(Math.abs(fastHardware[i] - exactHardware[i])).toBeLessThan(1e-4 * (1 + Math.abs(exactHardware[i])));
  });

  it('--engine onnxruntime on a node ONNX Runtime computes differently (Resize align_corners from scales): the reference engine\'s outputs, with a warning naming the node', async () => {
    const model = join(folder, 'align-corners.onnx');
    writeFileSync(model, buildModel({
      input: { name: 'x', dims: ['batch', 1, 2, 4] },
      outputs: ['y'],
      nodes: [{ op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], name: 'shrink', attributes: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } }],
      initializers: [{ name: 'scales', dims: [4], values: [1, 1, 0.6, 0.6] }],
    }));
    const input = join(folder, 'align-corners-x.npy');
    writeFileSync(input, encodeNpy({ shape: [2, 1, 2, 4], data: Float64Array.from({ length: 16 }, (_, i) => i) }, 'float32'));
    const [exact, fast] = [join(folder, 'ac-exact.npy'), join(folder, 'ac-fast.npy')];
    expect((await runXbar(['infer', '--model', model, '--input', input, '--output', exact])).code).toBe(0);
    const result = await runXbar(['infer', '--model', model, '--input', input, '--output', fast, '--engine', 'onnxruntime']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: ran on xbar's reference engine: ONNX Runtime cannot run node 'shrink' \(Resize with align_corners from scales/);
    expect(result.stderr).toMatch(/2 samples, ideal float64/);
    expect(Array.from(decodeNpy(readFileSync(fast)).data)).toEqual(Array.from(decodeNpy(readFileSync(exact)).data));
  });

  it('--engine: an unknown name is a usage error', async () => {
    const unknown = await runXbar(['infer', '--model', join(models, 'digits-cnn', 'model.onnx'), '--input', 'x.npy', '--output', 'y.npy', '--engine', 'tensorflow']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--engine must be one of reference, onnxruntime, got 'tensorflow'/);
  });

  it('--engine onnxruntime with --netlist runs the programmed trial on ONNX Runtime: ideal devices give the reference engine\'s outputs to float32 rounding', async () => {
    const model = join(models, 'mnist-mlp-pca', 'model.onnx');
    const input = join(models, 'mnist-mlp-pca', 'inputs.npy');
    writeFileSync(join(folder, 'ideal-ort.xbar'), '.model exact ideal (gmin=0)\n.array default rows=64 cols=64 model=exact dac_range=1000\n');
    const reference = join(folder, 'hw-reference.npy');
    const fast = join(folder, 'hw-fast.npy');
    const args = (output: string) => ['infer', '--model', model, '--input', input, '--output', output, '--netlist', join(folder, 'ideal-ort.xbar'), '--seed', '5'];
    expect((await runXbar(args(reference))).code).toBe(0);
    const result = await runXbar([...args(fast), '--engine', 'onnxruntime']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/on the hardware of .*ideal-ort.xbar \(seed 5, float32 on ONNX Runtime\)/);
    const a = decodeNpy(readFileSync(fast)).data;
    const b = decodeNpy(readFileSync(reference)).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
    expect(worst).toBeLessThan(1e-3);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runXbar(['infer', '--input', 'x.npy', '--output', 'y.npy'])).code).toBe(2);
    expect((await runXbar(['infer', '--model', 'm.onnx', '--input', 'x.npy', '--output', 'y.npy', '--seed', 'abc'])).code).toBe(2);
  });

  it('runs on the hardware of a netlist: ideal devices reproduce --ideal, a seed gives the same bytes', async () => {
    const model = join(models, 'mnist-mlp-pca', 'model.onnx');
    const input = join(models, 'mnist-mlp-pca', 'inputs.npy');
    writeFileSync(join(folder, 'ideal.xbar'), '.model exact ideal (gmin=0)\n.array default rows=64 cols=64 model=exact dac_range=1000\n');
    const reference = join(folder, 'reference.npy');
    expect((await runXbar(['infer', '--model', model, '--input', input, '--output', reference])).code).toBe(0);
    const onIdeal = join(folder, 'on-ideal.npy');
    const ideal = await runXbar(['infer', '--model', model, '--input', input, '--output', onIdeal, '--netlist', join(folder, 'ideal.xbar')]);
    expect(ideal.code).toBe(0);
    expect(ideal.stderr).toMatch(/on the hardware of .*ideal\.xbar \(seed 1\)/);
    // which nodes ran on which arrays, and which digitally
    expect(ideal.stderr).toMatch(/xbar infer: 3 nodes on crossbars: \S+ \(dense\) on array default, \S+ \(dense\) on array default, \S+ \(dense\) on array default; 1 digital: relu\n/);
    const a = decodeNpy(readFileSync(onIdeal)).data;
    const b = decodeNpy(readFileSync(reference)).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-9);

    // layers named after the ONNX nodes / initializers; 4-state MTJs with read noise
    writeFileSync(
      join(folder, 'mtj.xbar'),
      [
        '.model cell mtj preset="four-state-series"',
        '.array small rows=32 cols=32 model=cell mapping=nary states=4 digits=2 dac_range=8',
        '.options seed=7',
      ].join('\n') + '\n',
    );
    const outputs: Uint8Array[] = [];
    for (const extra of [[], [], ['--seed', '8']]) {
      const out = join(folder, `mtj-${outputs.length}.npy`);
      const result = await runXbar(['infer', '--model', model, '--input', input, '--output', out, '--netlist', join(folder, 'mtj.xbar'), ...extra]);
      expect(result.code).toBe(0);
      outputs.push(readFileSync(out));
    }
    expect(Buffer.compare(outputs[0], outputs[1])).toBe(0);
    expect(Buffer.compare(outputs[0], outputs[2])).not.toBe(0);
    expect(Buffer.compare(outputs[0], readFileSync(reference))).not.toBe(0);
  });

  it('exits 1 naming the weight nodes a netlist leaves without hardware', async () => {
    writeFileSync(join(folder, 'two.xbar'), '.model exact ideal\n.array a rows=8 cols=8 model=exact\n.array b rows=8 cols=8 model=exact\n');
    const model = join(models, 'mnist-mlp-pca', 'model.onnx');
    const result = await runXbar(['infer', '--model', model, '--input', join(models, 'mnist-mlp-pca', 'inputs.npy'), '--output', join(folder, 'x.npy'), '--netlist', join(folder, 'two.xbar')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no hardware for weight nodes '.+', '.+', '.+'/);
    const broken = await runXbar(['infer', '--model', model, '--input', 'x.npy', '--output', 'y.npy', '--netlist', join(folder, 'missing.xbar')]);
    expect(broken.code).toBe(3);
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
