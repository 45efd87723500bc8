import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../onnx/test/builders.js';
import { runXbar } from './helpers.js';

// Bad files and flags get a clean exit code and a message naming the file, never an internal error.

const folder = mkdtempSync(join(tmpdir(), 'xbar-bad-'));

const gemm = (weights: readonly number[], dims: readonly number[] = [2, 2]) =>
  buildModel({
    input: { name: 'x', dims: ['batch', 2] },
    outputs: ['y'],
    nodes: [{ op: 'Gemm', inputs: ['x', 'fc.weight'], outputs: ['y'] }],
    initializers: [{ name: 'fc.weight', dims, values: weights }],
  });

function netlistReading(onnx: string): string {
  const path = join(folder, `${onnx}.xbar`);
  writeFileSync(path, `.weights W onnx="${onnx}" layer="fc.weight"\n.model m ideal\n.array a rows=4 cols=4 model=m\n.inputs X [[1 2]]\n.mvm array=a weights=W inputs=X mode=ideal\n`);
  return path;
}

describe('ONNX tensors in a netlist: one loader, one set of messages', () => {
  const good = gemm([1, 2, 3, 4]);
  it.each([
    ['truncated.onnx', good.subarray(0, good.length - 5), /truncated\.onnx: not a valid ONNX model/],
    ['random.onnx', Uint8Array.from({ length: 300 }, (_, k) => (k * 151 + 7) % 256), /random\.onnx: /],
    ['negative.onnx', gemm([1, 2, 3, 4], [-1, 4]), /negative\.onnx: initializer 'fc\.weight': dims \[-1, 4\] must be whole numbers >= 0/],
  ])('%s', async (name, bytes, message) => {
    writeFileSync(join(folder, name), bytes);
    const result = await runXbar(['run', netlistReading(name)]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
  });

  it('xbar infer refuses non-finite initializers, naming the tensor (wrote all-NaN outputs)', async () => {
    writeFileSync(join(folder, 'nan.onnx'), gemm([1, Number.POSITIVE_INFINITY, 0, 1]));
    writeFileSync(join(folder, 'x.npy'), encodeNpy({ shape: [1, 2], data: [1, 2] }));
    const result = await runXbar(['infer', '--model', 'nan.onnx', '--input', 'x.npy', '--output', 'y.npy'], folder);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/nan\.onnx: initializer 'fc\.weight': element 1 is Infinity; weights and other initializers must be finite/);
  });
});

describe('resistances', () => {
  const rows = 64;
  writeFileSync(join(folder, 'g.npy'), encodeNpy({ shape: [rows, rows], data: Array.from({ length: rows * rows }, (_, k) => 1e-6 + ((k * 37) % 100) * 1e-6) }));
  writeFileSync(join(folder, 'v.npy'), encodeNpy({ shape: [rows], data: Array.from({ length: rows }, (_, i) => 0.1 + (i % 5) * 0.02) }));
  const mvm = (wire: string) => runXbar(['mvm', '--conductances', 'g.npy', '--inputs', 'v.npy', '--r-wire', wire, '--output', 'i.npy', '--quiet'], folder);

  it('--r-wire 1e10 solves (was: relative residual 4.75e-10 above the tolerance)', async () => {
    const result = await mvm('1e10');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reads resistances as netlist numbers: 1k is 1000 ohm, 0x10 and -1 are refused (0x10 was 16 ohm)', async () => {
    expect((await mvm('1k')).code).toBe(0);
    for (const wrong of ['0x10', '-1', '1 ohm', 'abc']) {
      const result = await mvm(wrong);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--r-wire must be a resistance >= 0 in ohms/);
    }
  });

  it('rwire=1e12 in a netlist runs mode=ir (was an internal error)', async () => {
    const path = join(folder, 'huge-wire.xbar');
    writeFileSync(path, '.model m ideal\n.array a rows=8 cols=8 model=m rwire=1e12\n.weights W [[0.5] [0.2] [-0.3] [0.1]]\n.inputs X [[1 0.5 0.2 1]]\n.mvm array=a weights=W inputs=X mode=ir\n');
    const result = await runXbar(['run', path]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
  });
});

describe('paths', () => {
  it("reads a data file whose name starts with two dots (was refused as outside the folder)", async () => {
    writeFileSync(join(folder, '..weights.npy'), encodeNpy({ shape: [2, 1], data: [0.5, -0.25] }));
    const path = join(folder, 'dots.xbar');
    writeFileSync(path, '.weights W npy="..weights.npy"\n.model m ideal\n.array a rows=4 cols=4 model=m\n.inputs X [[1 2]]\n.mvm array=a weights=W inputs=X mode=ideal\n');
    const result = await runXbar(['run', path, '--format', 'json']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
  });
});

describe('circuits too large to solve', () => {
  it('mode=ir on a 4096 x 4096 array is refused with the estimate and the limit, before allocating it (was 6 GiB)', async () => {
    const path = join(folder, 'big-ir.xbar');
    writeFileSync(
      path,
      ['.model m ideal', '.array big rows=4096 cols=4096 model=m rwire=1', '.weights W random rows=4096 cols=2048 seed=3', '.inputs X random rows=1 cols=4096 seed=4', '.mvm array=big weights=W inputs=X mode=ir'].join('\n'),
    );
    const result = await runXbar(['run', path]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/solving the 4096 x 4096 array with its wires needs about [\d.]+ GiB \(factorization\) or [\d.]+ GiB \(conjugate gradients\), more than the limit of 4\.0 GiB: use smaller tiles/);
  });
});
