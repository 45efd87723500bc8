/**
 * The analytical MSE at scale (issue 16) on ResNet-20 (mse-resnet/setup.ts): `xbar mse --mode
 * adjoint` (time on every CPU and on one thread, peak memory, in a child process of its own) against
 * a Monte-Carlo of all sources together on the same hardware, capped in time, at every node; the
 * diagonal mode beside it. `mse_resnet20_speedup_vs_mc`: the Monte-Carlo time to a +-5 % 95 % CI at
 * the output (extrapolated from the trials run, at most 10x them; one thread) over the one-thread
 * prediction time: like for like (both split over threads alike).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { idealNodeOutputs, networkMonteCarlo } from '@xbar/core';
import { type BenchSection, markdownTable, sig } from './harness.js';
import type { MseWorkloadSource } from '@xbar/cli';
import { RESNET_INPUTS, resnetFiles, resnetSetup } from './mse-resnet/setup.js';

/** Monte-Carlo time cap (ms) and its least trials. */
const MC_MS = 150_000;
const MC_MIN_TRIALS = 20;

interface ChildPrediction {
  readonly threads: number;
  readonly adjointSeconds: number;
  readonly adjointOneThreadSeconds: number;
  readonly sameBits: boolean;
  readonly diagonalSeconds: number;
  readonly peakMegabytes: number;
  readonly tailStart: string;
  readonly adjoint: Record<string, number>;
  readonly diagonal: Record<string, number>;
}

function predictInChild(source: MseWorkloadSource): ChildPrediction {
  const child = spawnSync(process.execPath, [...process.execArgv, join(import.meta.dirname, 'mse-resnet', 'predict.ts'), JSON.stringify(source)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`the ResNet-20 prediction failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildPrediction;
}

const section: BenchSection = {
  id: 'mse-resnet',
  title: 'Analytical MSE at scale: ResNet-20, adjoint mode vs Monte-Carlo',
  async run() {
    const source = resnetFiles();
    const prediction = predictInChild(source);
    if (!prediction.sameBits) throw new Error('xbar mse gave other numbers on one thread than on several');
    const { input, hardware } = await resnetSetup(source);
    const network = hardware.network;
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
      mse_resnet20_predict_threads: prediction.threads,
      mse_resnet20_predict_one_thread_s: Number(sig(prediction.adjointOneThreadSeconds)),
      mse_resnet20_peak_mb: Number(sig(prediction.peakMegabytes)),
      mse_resnet20_rel_error_output_all_sources: Number(sig(relative(prediction.adjoint[output], output), 2)),
      mse_resnet20_rel_error_max_layers_all_sources: Number(sig(worst, 2)),
      mse_resnet20_diagonal_rel_error_output_all_sources: Number(sig(relative(prediction.diagonal[output], output), 2)),
      mse_resnet20_mc_trials: mc.trials,
      mse_resnet20_mc_ci95_rel_output: Number(sig(outputCi, 2)),
      mse_resnet20_speedup_vs_mc: Number(sig(mcSecondsToFivePercent / prediction.adjointOneThreadSeconds, 2)),
    };
    const markdown = [
      `ResNet-20 (bench/models/resnet20.onnx), ${RESNET_INPUTS} seeded standard-normal inputs, Gaussian cells (gmax 100 uS, 1 uS programming and 1 uS read noise), 8-bit calibrated ADC, 256 x 256 tiles; every source on.`,
      `\`xbar mse --mode adjoint\` (variances to '${prediction.tailStart}', its covariance from first-order sensitivities, full covariances after it): ${sig(prediction.adjointSeconds)} s for the ${RESNET_INPUTS} inputs on ${prediction.threads} threads (one sample per job), ${sig(prediction.adjointOneThreadSeconds)} s on one thread (the same bits), peak resident memory ${sig(prediction.peakMegabytes)} MB (child process, worker threads included). Diagonal mode: ${sig(prediction.diagonalSeconds)} s on one thread.`,
      `Monte-Carlo (one thread): ${mc.trials} trials in ${sig(mcSeconds)} s (capped at ${MC_MS / 1000} s); output CI ±${sig(100 * outputCi, 2)} %. Trials to ±5 % at the output: ${trialsToFivePercent}${trialsToFivePercent > mc.trials ? ' (extrapolated)' : ''}, ${sig(mcSecondsToFivePercent)} s: speedup ${results.mse_resnet20_speedup_vs_mc}x over the one-thread prediction.`,
      '',
      markdownTable(['node', 'op', 'adjoint', 'diagonal', 'Monte-Carlo (95 % CI)', 'adjoint error', 'diagonal error'], rows),
      '',
      'Only all sources together at one noise level ran here (each source alone at two levels, with a ±3 % CI, would take hours of Monte-Carlo on this machine).',
    ].join('\n');
    return { markdown, results };
  },
};

export default section;
