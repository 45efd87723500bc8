/**
 * The analytical MSE at scale (issue 16) on ResNet-20 (mse-resnet/setup.ts): the adjoint-mode
 * prediction (time and peak memory, in a child process of its own) against a Monte-Carlo of all
 * sources together, capped in time, at every node; the diagonal mode beside it.
 * `mse_resnet20_speedup_vs_mc`: the Monte-Carlo time to a +-5 % 95 % CI at the output (extrapolated
 * from the trials run, at most 10x them) over the prediction time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { idealNodeOutputs, networkMonteCarlo } from '@xbar/core';
import { type BenchSection, markdownTable, sig } from './harness.js';
import { RESNET_INPUTS, resnetSetup } from './mse-resnet/setup.js';

/** Monte-Carlo time cap (ms) and its least trials. */
const MC_MS = 150_000;
const MC_MIN_TRIALS = 20;

interface ChildPrediction {
  readonly adjointSeconds: number;
  readonly diagonalSeconds: number;
  readonly peakMegabytes: number;
  readonly tailStart: string;
  readonly adjoint: Record<string, number>;
  readonly diagonal: Record<string, number>;
}

function predictInChild(): ChildPrediction {
  const child = spawnSync(process.execPath, [...process.execArgv, join(import.meta.dirname, 'mse-resnet', 'predict.ts')], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`the ResNet-20 prediction failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildPrediction;
}

const section: BenchSection = {
  id: 'mse-resnet',
  title: 'Analytical MSE at scale: ResNet-20, adjoint mode vs Monte-Carlo',
  run() {
    const prediction = predictInChild();
    const { network, input, hardware } = resnetSetup();
    const ideal = idealNodeOutputs(network, input);
    const started = performance.now();
    const mc = networkMonteCarlo(hardware, input, {
      seed: 20,
      trials: 100_000,
      ideal,
      onTrial: (done) => done < MC_MIN_TRIALS || performance.now() - started < MC_MS,
    });
    const mcSeconds = (performance.now() - started) / 1000;
    const output = network.nodes.at(-1)!.name;
    const relative = (predicted: number, name: string) => (predicted - mc.nodes.get(name)!.mse) / mc.nodes.get(name)!.mse;
    const rows = network.nodes.map((node) => {
      const sampled = mc.nodes.get(node.name)!;
      return [node.name, node.op, sig(prediction.adjoint[node.name]), sig(prediction.diagonal[node.name]), `${sig(sampled.mse)} ± ${sig((100 * sampled.ci95) / sampled.mse, 2)} %`, `${(100 * relative(prediction.adjoint[node.name], node.name)).toFixed(1)} %`, `${(100 * relative(prediction.diagonal[node.name], node.name)).toFixed(1)} %`];
    });
    const worst = Math.max(...network.nodes.map((node) => Math.abs(relative(prediction.adjoint[node.name], node.name))));
    const outputCi = mc.nodes.get(output)!.ci95 / mc.nodes.get(output)!.mse;
    // trials to a +-5 % CI at the output: the CI shrinks as 1 / sqrt(trials)
    const trialsToFivePercent = Math.min(10 * mc.trials, Math.max(mc.trials, Math.ceil(mc.trials * (outputCi / 0.05) ** 2)));
    const mcSecondsToFivePercent = (mcSeconds / mc.trials) * trialsToFivePercent;
    const results = {
      mse_resnet20_predict_s: Number(sig(prediction.adjointSeconds)),
      mse_resnet20_peak_mb: Number(sig(prediction.peakMegabytes)),
      mse_resnet20_rel_error_output_all_sources: Number(sig(relative(prediction.adjoint[output], output), 2)),
      mse_resnet20_rel_error_max_layers_all_sources: Number(sig(worst, 2)),
      mse_resnet20_diagonal_rel_error_output_all_sources: Number(sig(relative(prediction.diagonal[output], output), 2)),
      mse_resnet20_mc_trials: mc.trials,
      mse_resnet20_mc_ci95_rel_output: Number(sig(outputCi, 2)),
      mse_resnet20_speedup_vs_mc: Number(sig(mcSecondsToFivePercent / prediction.adjointSeconds, 2)),
    };
    const markdown = [
      `ResNet-20 (bench/models/resnet20.onnx), ${RESNET_INPUTS} seeded standard-normal inputs, Gaussian cells (gmax 100 uS, 1 uS programming and 1 uS read noise), 8-bit calibrated ADC, 256 x 256 tiles; every source on.`,
      `Adjoint mode (variances to '${prediction.tailStart}', its covariance from first-order sensitivities, full covariances after it): ${sig(prediction.adjointSeconds)} s for the ${RESNET_INPUTS} inputs on one thread, peak resident memory ${sig(prediction.peakMegabytes)} MB (child process). Diagonal mode: ${sig(prediction.diagonalSeconds)} s.`,
      `Monte-Carlo: ${mc.trials} trials in ${sig(mcSeconds)} s (capped at ${MC_MS / 1000} s); output CI ±${sig(100 * outputCi, 2)} %. Trials to ±5 % at the output: ${trialsToFivePercent}${trialsToFivePercent > mc.trials ? ' (extrapolated)' : ''}, ${sig(mcSecondsToFivePercent)} s: speedup ${results.mse_resnet20_speedup_vs_mc}x.`,
      '',
      markdownTable(['node', 'op', 'adjoint', 'diagonal', 'Monte-Carlo (95 % CI)', 'adjoint error', 'diagonal error'], rows),
      '',
      'Only all sources together at one noise level ran here (each source alone at two levels, with a ±3 % CI, would take hours of Monte-Carlo on this machine).',
    ].join('\n');
    return { markdown, results };
  },
};

export default section;
