import type { Design } from '@xbar/dsl';
import { InterruptGuard, type InterruptEnvironment } from '../checkpoint/interrupt.js';
import { type RunIdentity, pointId } from '../checkpoint/key.js';
import { SweepCheckpoint } from '../checkpoint/store.js';
import { type PendingPointsRunner, runSweepPoints } from '../checkpoint/sweep.js';
import { assembleTables, type PointResult, type ProgressReporter, type ResultTable, runPoint, type StepPoint, stepPoints } from '@xbar/session';
import type { NetlistSession } from '@xbar/session';
import type { RunSource } from './netlist-session.js';
import { type EncodedPointResult, decodePointResult, encodePointResult } from './point-codec.js';
import { sweepRunner } from './sweep-runner.js';
import { trialEvaluator } from './trial-evaluator.js';

/** Where finished `.step` points are kept, so that an interrupted sweep can be resumed. */
export interface CheckpointOptions {
  /** The output folder (`<out>/checkpoint.json`). */
  readonly out: string;
  /** Take the finished points of an earlier run with the same key. */
  readonly resume: boolean;
  /** What the run's results depend on (options and every file read): a checkpoint of another identity is not resumed. */
  readonly identity: RunIdentity;
  /** Ctrl-C source (default `process`; tests pass an emitter). */
  readonly signals?: InterruptEnvironment['signals'];
  /** Where the Ctrl-C notices go (stderr). */
  readonly write: (text: string) => void;
}

/** How to run a checked netlist. */
export interface ExecuteOptions {
  readonly threads: number;
  /** Worker threads only for work that would take longer than this in the main thread. */
  readonly minParallelSeconds: number;
  readonly progress: ProgressReporter;
  /** Keep and resume sweep points (with `--out`); none = nothing written during the run. */
  readonly checkpoint?: CheckpointOptions;
}

/**
 * Runs every analysis card of `design` (the netlist as written) once per `.step` point and returns
 * one table per card. Without sweeps, Monte-Carlo trials may be split over worker threads (progress
 * per trial); with sweeps, every point is checked first (diagnostics, exit 1), then the points run,
 * possibly on worker threads (progress per point), through the checkpoint when there is one (the
 * caller removes it once the outputs are written).
 */
export async function executeRun(session: NetlistSession<RunSource>, design: Design, options: ExecuteOptions): Promise<ResultTable[]> {
  const points = stepPoints(design.sweeps);
  if (design.sweeps.length === 0) {
    const evaluate = trialEvaluator({ threads: options.threads, minParallelSeconds: options.minParallelSeconds, source: session.source, point: {} });
    return assembleTables(design, points, [await runPoint(session.context({}), evaluate, options.progress)]);
  }
  for (const point of points) session.check(point);
  const runner = sweepRunner(session, points, options);
  const results = options.checkpoint ? await sweepWithCheckpoint(points, runner, options.checkpoint, options.progress) : await sweepInMemory(points, runner, options.progress);
  return assembleTables(design, points, results);
}

const SWEEP_LABEL = 'sweep points';

async function sweepWithCheckpoint(points: readonly StepPoint[], runner: PendingPointsRunner<PointResult>, options: CheckpointOptions, progress: ProgressReporter): Promise<PointResult[]> {
  const checkpoint = SweepCheckpoint.open<EncodedPointResult>(options.out, options.identity, { resume: options.resume });
  const guard = new InterruptGuard({ write: options.write, ...(options.signals ? { signals: options.signals } : {}) });
  const encoded = await runSweepPoints<StepPoint, EncodedPointResult>({
    points,
    idOf: (point) => pointId(point),
    runPending: (pending, record, signal) => runner(pending, (index, result) => record(index, encodePointResult(result)), signal),
    checkpoint,
    guard,
    progress,
    label: SWEEP_LABEL,
  });
  return encoded.map(decodePointResult);
}

async function sweepInMemory(points: readonly StepPoint[], runner: PendingPointsRunner<PointResult>, progress: ProgressReporter): Promise<PointResult[]> {
  const results = new Array<PointResult>(points.length);
  progress.start(points.length, SWEEP_LABEL);
  try {
    const record = (index: number, result: PointResult) => {
      results[index] = result;
      progress.tick();
    };
    await runner(
      points.map((_, index) => index),
      record,
      new AbortController().signal,
    );
  } finally {
    progress.stop();
  }
  return results;
}
