/**
 * The ResNet-20 setup of the analytical-MSE-at-scale benchmark (issue 16): bench/models/resnet20.onnx
 * (CIFAR shape, BatchNorm folded), Gaussian cells with 1 uS programming and read noise (gmax 100 uS),
 * an 8-bit calibrated ADC, 256 x 256 tiles, 8 seeded standard-normal inputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HardwareNetwork, type Network, type Tensor, createRng, crossbarConfig, gaussianDevice, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';

export const RESNET_INPUTS = 8;

export function resnetSetup(): { network: Network; input: Tensor; hardware: HardwareNetwork } {
  const { network } = importOnnx(readFileSync(join(import.meta.dirname, '..', 'models', 'resnet20.onnx')));
  const input = tensor([RESNET_INPUTS, 3, 32, 32]);
  createRng('mse-resnet20', 'inputs').fillNormal(input.data);
  const device = gaussianDevice.create({ gmin: 0, gmax: 1e-4, sigma_prog: 1e-6, sigma_read: 1e-6 });
  const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device, rows: 256, cols: 256, adc: { bits: 8, range: 'calibrated' } }));
  hardware.calibrate(input);
  return { network, input, hardware };
}
