/**
 * The ResNet-20 setup of the analytical-MSE-at-scale benchmark (issue 16): bench/models/resnet20.onnx
 * (CIFAR shape, BatchNorm folded), Gaussian cells with 1 uS programming and read noise (gmax 100 uS),
 * an 8-bit calibrated ADC, 256 x 256 tiles, 8 seeded standard-normal inputs: written as the netlist
 * and the .npy that `xbar mse` reads, and loaded as it loads them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, encodeNpy, tensor } from '@xbar/core';
import { type MseWorkload, type MseWorkloadSource, loadMseWorkload } from '@xbar/cli';

export const RESNET_INPUTS = 8;

export const RESNET_NETLIST = ['.model g gaussian (gmin=0 gmax=1e-4 sigma_prog=1e-6 sigma_read=1e-6)', '.array default rows=256 cols=256 model=g adc_bits=8 adc_range=calibrated'].join('\n');

/** The model, netlist and inputs of the benchmark as `xbar mse` flags (the files in a new temporary folder). */
export function resnetFiles(): MseWorkloadSource {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-mse-resnet-'));
  const input = tensor([RESNET_INPUTS, 3, 32, 32]);
  createRng('mse-resnet20', 'inputs').fillNormal(input.data);
  writeFileSync(join(folder, 'inputs.npy'), encodeNpy(input));
  writeFileSync(join(folder, 'hardware.xbar'), `${RESNET_NETLIST}\n`);
  return { model: join(import.meta.dirname, '..', 'models', 'resnet20.onnx'), netlist: join(folder, 'hardware.xbar'), input: join(folder, 'inputs.npy'), cwd: folder, config: false };
}

/** The hardware and inputs of `resnetFiles()` as `xbar mse` builds and calibrates them. */
export function resnetSetup(source: MseWorkloadSource): Promise<MseWorkload> {
  return loadMseWorkload(source);
}
