/**
 * The worker-thread jobs of `xbar mse` (see parallel/pool.ts): the prediction of a few samples, or a
 * range of Monte-Carlo trials, of one network on one netlist's hardware. Each job loads and calibrates
 * the workload again from its flags (once per thread; the main thread hands over its own), so every
 * thread predicts the same hardware.
 */
import {
  type ErrorSources,
  HardwareNetwork,
  MseAnalyzer,
  type MsePrediction,
  type NetworkMonteCarlo,
  type PredictionMode,
  type Tensor,
  batchSlice,
  idealNodeOutputs,
} from '@xbar/core';
import { analysableHardware, calibrateOnInputs, monteCarloWithSources, readModelInputs } from '@xbar/session';
import { canonicalJson } from '../checkpoint/key.js';
import { siblingModule } from '../parallel/job-module.js';
import type { CliIo } from '../program.js';
import { type NetworkFlags, loadCommandNetwork } from './command-network.js';

/** What a job loads: the command's network and hardware flags, its input file and working directory. */
export interface MseWorkloadSource extends NetworkFlags {
  readonly input: string;
  readonly cwd: string;
}

/** The prediction of samples first .. first+count-1 with `sources` on. */
export interface MsePredictionJob {
  readonly source: MseWorkloadSource;
  readonly mode: PredictionMode;
  readonly sources: ErrorSources;
  readonly first: number;
  readonly count: number;
}

/** Monte-Carlo trials first .. first+count-1 of the hardware with only `sources` on. */
export interface MseTrialsJob {
  readonly source: MseWorkloadSource;
  readonly sources: ErrorSources;
  readonly seed: number;
  readonly first: number;
  readonly count: number;
}

/** A loaded workload: the calibrated hardware and the whole input batch. */
export interface MseWorkload {
  readonly hardware: HardwareNetwork;
  readonly input: Tensor;
}

/** The module of these jobs (`.ts` from the sources, `.js` from dist). */
export function mseJobsModule(): URL {
  return siblingModule(import.meta.url, 'mse-jobs');
}

const workloads = new Map<string, Promise<MseWorkload>>();
const analyzers = new Map<string, MseAnalyzer>();

/** Makes the jobs of `source` in this thread use `workload` (the main thread's, already loaded). */
export function rememberMseWorkload(source: MseWorkloadSource, workload: MseWorkload): void {
  workloads.set(canonicalJson(source), Promise.resolve(workload));
}

export async function runMsePredictionJob(job: MsePredictionJob): Promise<MsePrediction> {
  const key = canonicalJson(job.source);
  const { hardware, input } = await workloadOf(job.source);
  const analyzerKey = canonicalJson({ key, sources: job.sources });
  let analyzer = analyzers.get(analyzerKey);
  if (!analyzer) analyzers.set(analyzerKey, (analyzer = new MseAnalyzer(analysableHardware(hardware), job.sources)));
  const part = batchSlice(input, job.first, job.count);
  return analyzer.predict(part, { mode: job.mode, ideal: idealNodeOutputs(hardware.network, part) });
}

export async function runMseTrialsJob(job: MseTrialsJob): Promise<NetworkMonteCarlo> {
  const { hardware, input } = await workloadOf(job.source);
  return monteCarloWithSources(hardware, input, job.sources, { seed: job.seed, trials: job.count, firstTrial: job.first });
}

function workloadOf(source: MseWorkloadSource): Promise<MseWorkload> {
  const key = canonicalJson(source);
  let found = workloads.get(key);
  if (!found) {
    found = loadMseWorkload(source);
    workloads.set(key, found);
  }
  return found;
}

/**
 * The calibrated hardware and the inputs that `xbar mse` with these flags runs (scripts and benchmarks
 * use it to sample the same hardware). Silent: the main thread printed the netlist's diagnostics.
 */
export async function loadMseWorkload(source: MseWorkloadSource): Promise<MseWorkload> {
  const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd: source.cwd };
  const { network, label, hardware: netlistHardware } = await loadCommandNetwork(source, io, true);
  const input = readModelInputs(source.input, source.cwd, network, label).batch;
  const hardware = HardwareNetwork.create(network, netlistHardware!.spec);
  calibrateOnInputs(hardware, input);
  return { hardware, input };
}
