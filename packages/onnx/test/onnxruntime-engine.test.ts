/**
 * xbar's networks written as ONNX (exportOnnx) and run by ONNX Runtime (OnnxRuntimeNetwork) give
 * runNetwork's outputs to float32 tolerance: on every conformance case the importer passes (ONNX's
 * backend node tests, the ops one at a time, batch axes and integer operands included) and on the
 * example and fixture models (recurrent layers included).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, decodeNpy, runNetwork, tensor } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { OnnxRuntimeNetwork } from '../src/engine/index.js';
import { OnnxExportError, OnnxImportError, decodeOnnxModel, importOnnx, importOnnxModel, unexportableNodes } from '../src/index.js';
import { NODE_TESTS, dataSets, loadTensor, supportedCases, withConstantInputs } from './conformance-cases.js';

/** Largest |a - b| / (atol + |b|) with atol a millionth of b's largest magnitude: float32 rounding of float64 results. */
function worstRelative(ours: Tensor, reference: Tensor): number {
  const scale = reference.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const atol = 1e-6 * Math.max(scale, 1e-30);
  let worst = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const d = Math.abs(ours.data[i] - reference.data[i]);
    if (!(d <= atol)) worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / (atol + Math.abs(reference.data[i])));
  }
  return worst;
}

async function compare(network: Parameters<typeof runNetwork>[0], input: Tensor): Promise<number> {
  const engine = await OnnxRuntimeNetwork.create(network);
  try {
    const ours = await engine.run(input);
    const reference = runNetwork(network, input);
    expect(ours.map((o) => o.shape)).toEqual(reference.map((r) => r.shape));
    return Math.max(...ours.map((o, k) => worstRelative(o, reference[k])));
  } finally {
    await engine.release();
  }
}

describe.runIf(existsSync(NODE_TESTS))('ONNX Runtime on exported networks = runNetwork (conformance cases)', () => {
  const cases = supportedCases().flatMap((name) => {
    const folder = join(NODE_TESTS, name);
    const [set] = dataSets(folder);
    try {
      const { network } = importOnnxModel(withConstantInputs(decodeOnnxModel(readFileSync(join(folder, 'model.onnx'))), set.inputs));
      if (unexportableNodes(network).length > 0) return [];
      const input = loadTensor(set.inputs[0]);
      runNetwork(network, tensor(input.dims, input.values));
      return [{ name, network, input }];
    } catch (error) {
      if (error instanceof OnnxImportError || error instanceof RangeError) return [];
      throw error;
    }
  });

  it('covers the passing cases but one (Resize align_corners from scales, refused below)', () => expect(cases.length).toBeGreaterThan(170));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, { network, input }) => {
    expect(await compare(network, tensor(input.dims, input.values))).toBeLessThan(1e-3);
  });

  it('refuses a Resize with align_corners from scales (ONNX Runtime differs from ONNX there), naming the node', async () => {
    const folder = join(NODE_TESTS, 'test_resize_downsample_scales_linear_align_corners');
    const [set] = dataSets(folder);
    const { network } = importOnnxModel(withConstantInputs(decodeOnnxModel(readFileSync(join(folder, 'model.onnx'))), set.inputs));
    expect(unexportableNodes(network)).toEqual([{ node: network.nodes[0].name, reason: "Resize with align_corners from scales: ONNX Runtime's coordinates differ from ONNX's reference there" }]);
    await expect(OnnxRuntimeNetwork.create(network)).rejects.toThrow(OnnxExportError);
  });
});

const root = join(import.meta.dirname, '..', '..', '..');
const models = [
  ...readdirSync(join(root, 'examples', 'models'))
    .filter((name) => existsSync(join(root, 'examples', 'models', name, 'model.onnx')))
    .map((name) => join(root, 'examples', 'models', name, 'model.onnx')),
  join(root, 'bench', 'models', 'resnet20.onnx'),
  ...readdirSync(join(import.meta.dirname, 'fixtures', 'pytorch'))
    .filter((name) => name.endsWith('.onnx'))
    .map((name) => join(import.meta.dirname, 'fixtures', 'pytorch', name)),
].map((path) => ({ name: path.slice(root.length + 1), network: importOnnx(readFileSync(path)).network, folder: join(path, '..') }));

describe('ONNX Runtime on exported networks = runNetwork (models)', () => {
  it('all have an ONNX form', () => {
    for (const m of models) expect(unexportableNodes(m.network), m.name).toEqual([]);
  });

  it.each(models.map((m) => [m.name, m] as const))('%s at batch 3', async (_name, { network, folder }) => {
    const shape = [3, ...network.inputShape];
    const size = shape.reduce((a, b) => a * b, 1);
    const saved = join(folder, 'inputs.npy');
    const values = existsSync(saved) ? decodeNpy(readFileSync(saved)).data.slice(0, size) : Float64Array.from({ length: size }, (_, i) => Math.sin(i * 0.37));
    expect(await compare(network, tensor(shape, Float64Array.from(values, Math.fround)))).toBeLessThan(1e-3);
  });

});
