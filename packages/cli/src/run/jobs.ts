/**
 * The worker-thread jobs of `xbar run` (see parallel/pool.ts): one `.step` point, or one range of
 * Monte-Carlo trials of one request. Each job loads the netlist again from its source (once per
 * worker: the session, with its plugins, designs and data files, is kept for the next jobs).
 */
import { canonicalJson } from '../checkpoint/key.js';
import { silentProgress } from '../progress/reporter.js';
import type { CliIo } from '../program.js';
import type { MetricRequest } from './evaluate.js';
import { NetlistSession, type NetlistSource } from './netlist-session.js';
import { type PointResult, runPoint } from './run-netlist.js';
import type { StepPoint } from './sweep.js';
import { type TrialRangeJob, trialEvaluator } from './trial-evaluator.js';
import { trialPlan } from './trial-plan.js';
import { type TrialValues, evaluateTrialRange } from './trial-values.js';
import { type BuiltWorkload, buildWorkload } from './workload.js';

/** The arguments of one sweep-point job. */
export interface PointJob {
  readonly source: NetlistSource;
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

const sessions = new Map<string, Promise<NetlistSession>>();
const workloads = new Map<string, { request: MetricRequest; built: BuiltWorkload }>();

function sessionOf(source: NetlistSource): Promise<NetlistSession> {
  const key = canonicalJson(source);
  let session = sessions.get(key);
  if (!session) {
    session = NetlistSession.open(source, { ...SILENT_IO, cwd: source.cwd });
    sessions.set(key, session);
  }
  return session;
}
