import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runXbar } from '../../packages/cli/test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface MseJson {
  layers: { name: string; predicted_mse: number; mc_mse: number | null }[];
  output: { predicted_mse: number };
  timing: { predicted_s: number; mc_s: number | null };
}

describe('examples/mse-optimizer/hardware.xbar from the CLI', () => {
  it('predicts the per-layer and output MSE of the example MLP on its hardware (xbar mse)', async () => {
    const { code, stdout, stderr } = await runXbar(
      [
        'mse',
        '--model',
        'examples/models/mnist-mlp-pca/model.onnx',
        '--netlist',
        'examples/mse-optimizer/hardware.xbar',
        '--input',
        'examples/models/mnist-mlp-pca/inputs.npy',
        '--format',
        'json',
      ],
      root,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as MseJson;
    expect(result.layers.length).toBeGreaterThanOrEqual(3);
    for (const layer of result.layers) expect(layer.predicted_mse).toBeGreaterThan(0);
    expect(result.output.predicted_mse).toBeGreaterThan(0);
    expect(result.timing.mc_s).toBeNull();
  });
});
