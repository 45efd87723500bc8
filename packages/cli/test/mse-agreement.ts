import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MseAnalyzer, type Network, type Tensor, decodeNpy, idealNodeOutputs, networkMonteCarlo, tensor } from '@xbar/core';
import { importOnnx } from '@xbar/onnx';
import { caseHardware } from '../../core/test/analysis-configs.js';

const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');
export const modelPath = (name: string) => join(models, name, 'model.onnx');
export const inputPath = (name: string) => join(models, name, 'inputs.npy');

/** A committed example network and its inputs. */
export function load(name: string): { network: Network; input: Tensor } {
  const network = importOnnx(readFileSync(modelPath(name))).network;
  const x = decodeNpy(readFileSync(inputPath(name)));
  return { network, input: tensor(x.shape, Float64Array.from(x.data)) };
}

/** Full-covariance prediction vs Monte-Carlo at the output of a committed example. */
export function agreement(name: string, source: string, level: number, trials: number) {
  const { network, input } = load(name);
  const hardware = caseHardware(network, input, source, level);
  const ideal = idealNodeOutputs(network, input);
  const predicted = new MseAnalyzer(hardware).predict(input, { mode: 'full', ideal }).output.mse;
  const mc = networkMonteCarlo(hardware, input, { seed: 9, trials, ideal }).nodes.get(network.nodes.at(-1)!.name)!;
  return { predicted, mc: mc.mse, ci95: mc.ci95 };
}

