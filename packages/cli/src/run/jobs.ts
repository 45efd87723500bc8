/**
 * The worker-thread jobs of `xbar run` (see parallel/pool.ts): one `.step` point, or one range of
 * Monte-Carlo trials of one request. Each job loads the netlist again from its source (once per
 * worker: the session, with its plugins, designs and data files, is kept for the next jobs).
 */
import { canonicalJson } from '../checkpoint/key.js';
import { buildWorkload, type BuiltWorkload, evaluateTrialRange, type MetricRequest, type PointResult, runPoint, silentProgress, type StepPoint, trialPlan, type TrialValues } from '@xbar/session';
import type { CliIo } from '../program.js';
import type { NetlistSession } from '@xbar/session';
import { type RunSource, openNetlistSession } from './netlist-session.js';
import { type TrialRangeJob, trialEvaluator } from './trial-evaluator.js';

/** The arguments of one sweep-point job. */
export interface PointJob {
  readonly source: RunSource;
  readonly point: StepPoint;
}

/** Every analysis of one `.step` point, its trials in this thread. */
export async function runPointJob(job: PointJob): Promise<PointResult> {
  const session = await sessionOf(job.source);
  return runPoint(session.context(job.point), trialEvaluator({ threads: 1, minParallelSeconds: Infinity }), silentProgress);
}

/** Trials [first, first + count) of request `requestIndex` of analysis `analysisIndex` at `point`. */
export async function runTrialRangeJob(job: TrialRangeJob): Promise<TrialValues> {
  const session = await sessionOf(job.source);
  const key = canonicalJson({ source: job.source, point: job.point, analysis: job.analysisIndex, request: job.requestIndex });
  let entry = workloads.get(key);
  if (!entry) {
    const ctx = session.context(job.point);
    const plan = trialPlan(ctx, ctx.design.analyses[job.analysisIndex]);
    const request = plan?.requests[job.requestIndex];
    if (!request) throw new Error(`analysis ${job.analysisIndex} has no trial request ${job.requestIndex}`);
    entry = { request, built: buildWorkload(ctx, request.workload, request.inputs, { ...(request.device ? { device: request.device } : {}) }) };
    workloads.set(key, entry);
  }
  return evaluateTrialRange(entry.built, entry.request, { first: job.first, count: job.count });
}

/** Diagnostics were printed by the main thread's checks; a worker stays silent. */
const SILENT_IO: Omit<CliIo, 'cwd'> = { stdout: () => {}, stderr: () => {} };

const sessions = new Map<string, Promise<NetlistSession<RunSource>>>();
const workloads = new Map<string, { request: MetricRequest; built: BuiltWorkload }>();

function sessionOf(source: RunSource): Promise<NetlistSession<RunSource>> {
  const key = canonicalJson(source);
  let session = sessions.get(key);
  if (!session) {
    session = openNetlistSession(source, { ...SILENT_IO, cwd: source.cwd });
    sessions.set(key, session);
  }
  return session;
}
