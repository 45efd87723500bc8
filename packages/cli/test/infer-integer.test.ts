import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '@xbar/core';
import { OnnxDataType } from '@xbar/onnx';
import { describe, expect, it } from 'vitest';
import { buildModel, values } from '../../onnx/test/builders.js';
import { runXbar } from './helpers.js';

// int64 token ids [batch, 3] -> Gather(embedding [6, 2]) -> Flatten -> Gemm [6, 2]: what the ids select, times w
const table = values(12, 1);
const w = values(12, 2);
const model = buildModel({
  input: { name: 'ids', dims: ['batch', 3], type: OnnxDataType.INT64 },
  outputs: ['y'],
  nodes: [
    { op: 'Gather', inputs: ['table', 'ids'], outputs: ['e'], name: 'embed' },
    { op: 'Flatten', inputs: ['e'], outputs: ['f'], name: 'flatten' },
    { op: 'Gemm', inputs: ['f', 'w'], outputs: ['y'], name: 'classify' },
  ],
  initializers: [
    { name: 'table', dims: [6, 2], values: table },
    { name: 'w', dims: [6, 2], values: w },
  ],
});

describe('xbar infer on integer inputs', () => {
  it('runs token ids from an int64 .npy through an embedding Gather and a dense layer', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-infer-ids-'));
    writeFileSync(join(folder, 'ids.onnx'), model);
    const ids = [0, 5, 2, 3, 3, 1];
    writeFileSync(join(folder, 'ids.npy'), encodeNpy({ shape: [2, 3], data: Float64Array.from(ids) }, 'int64'));
    const result = await runXbar(['infer', '--model', 'ids.onnx', '--input', 'ids.npy', '--output', 'out.npy'], folder);
    expect(result.stderr).toMatch(/2 samples/);
    expect(result.code).toBe(0);
    const out = decodeNpy(readFileSync(join(folder, 'out.npy')));
    expect(out.shape).toEqual([2, 2]);
    for (let s = 0; s < 2; s++) {
      const flat = ids.slice(s * 3, s * 3 + 3).flatMap((id) => table.slice(id * 2, id * 2 + 2));
      for (let o = 0; o < 2; o++) expect(out.data[s * 2 + o]).toBeCloseTo(flat.reduce((sum, v, i) => sum + v * w[i * 2 + o], 0), 12);
    }
  });
});
