import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { type JobFunction, jobModuleUrl, loadJobFunction } from './job-module.js';
import type { JobReply, JobRequest } from './protocol.js';
import { launchWorker } from './worker-launch.js';

/** Independent jobs: one exported function of one module, called once per argument object. */
export interface JobBatch<A> {
  /** The job module: a file: URL or an absolute path (see `siblingModule` for one next to the caller). */
  readonly module: string | URL;
  /** Name of the exported function, called as `fn(args)`; it may return a promise. */
  readonly exportName: string;
  /** Arguments of each job, JSON-serializable (they are copied to the worker threads). */
  readonly jobs: readonly A[];
}

export interface PoolOptions<R> {
  /** Worker threads; 1 runs every job in this thread, in order. Default: `defaultThreads()`. */
  readonly threads?: number;
  /**
   * Stops the batch (Ctrl-C): no job starts after the abort, the running ones finish and are reported
   * through `onResult`, then `runJobs` rejects with `JobsAbortedError`.
   */
  readonly signal?: AbortSignal;
  /** Called once per finished job, in completion order, e.g. to checkpoint it or tick a progress bar. */
  readonly onResult?: (index: number, result: R) => void;
}

/** A job threw: the message is the job's own message; `jobIndex` says which job. */
export class JobError extends Error {
  override readonly name = 'JobError';
  constructor(
    message: string,
    readonly jobIndex: number,
    /** The stack trace inside the job (in the worker thread, if any). */
    readonly jobStack: string | undefined,
  ) {
    super(message);
  }
}

/** The batch was aborted through its signal after `finished` of `total` jobs. */
export class JobsAbortedError extends Error {
  override readonly name = 'JobsAbortedError';
  constructor(
    readonly finished: number,
    readonly total: number,
  ) {
    super(`stopped after ${finished} of ${total} jobs`);
  }
}

/**
 * Work estimated below this many seconds in the main thread is not sent to worker threads (starting
 * them costs more); `XBAR_PARALLEL_MIN_SECONDS` overrides it (0 = always use workers when threads > 1).
 * Where work runs never changes a result.
 */
const DEFAULT_MIN_PARALLEL_SECONDS = 1;

/** The least estimated work (seconds) worth worker threads: XBAR_PARALLEL_MIN_SECONDS, else 1 s. */
export function minParallelSeconds(): number {
  const text = process.env.XBAR_PARALLEL_MIN_SECONDS;
  const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_MIN_PARALLEL_SECONDS;
}

/** Worker threads by default: the number of logical CPUs Node may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Runs every job of `batch` and returns the results in job order. With `threads` > 1 the jobs run on
 * up to `threads` worker threads (never more than there are jobs), each taking the next job when it is
 * free; with 1 they run here, one after the other. Either way each job sees the same arguments, so a
 * job whose result depends only on its arguments (Monte-Carlo trials seeded from (seed, trial)) gives
 * identical results for any thread count. The first failing job rejects the batch with a `JobError`
 * and stops the other workers. Workers are terminated before the promise settles.
 */
export async function runJobs<A, R>(batch: JobBatch<A>, options: PoolOptions<R> = {}): Promise<R[]> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be an integer >= 1, got ${threads}`);
  const moduleUrl = jobModuleUrl(batch.module);
  if (batch.jobs.length === 0) return [];
  if (threads === 1) return runInThisThread(moduleUrl, batch, options);
  return runInWorkers(moduleUrl, batch, Math.min(threads, batch.jobs.length), options);
}

async function runInThisThread<A, R>(moduleUrl: string, batch: JobBatch<A>, options: PoolOptions<R>): Promise<R[]> {
  const run: JobFunction = await loadJobFunction(moduleUrl, batch.exportName);
  const results: R[] = [];
  for (let index = 0; index < batch.jobs.length; index++) {
    if (options.signal?.aborted) throw new JobsAbortedError(index, batch.jobs.length);
    let result: R;
    try {
      result = (await run(batch.jobs[index])) as R;
    } catch (error) {
      throw new JobError(error instanceof Error ? error.message : String(error), index, error instanceof Error ? error.stack : undefined);
    }
    results.push(result);
    options.onResult?.(index, result);
  }
  return results;
}

function runInWorkers<A, R>(moduleUrl: string, batch: JobBatch<A>, workerCount: number, options: PoolOptions<R>): Promise<R[]> {
  const { jobs, exportName } = batch;
  const { signal, onResult } = options;
  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(jobs.length);
    const workers: Worker[] = [];
    let nextJob = 0;
    let finished = 0;
    let running = 0;
    let settled = false;

    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      const terminated = Promise.all(workers.map((worker) => worker.terminate()));
      void terminated.finally(() => (error ? reject(error) : resolve(results)));
    };
    const settleIfIdle = () => {
      if (running > 0) return;
      if (finished === jobs.length) settle(undefined);
      else if (signal?.aborted) settle(new JobsAbortedError(finished, jobs.length));
    };
    const dispatch = (worker: Worker) => {
      if (settled) return;
      if (signal?.aborted || nextJob >= jobs.length) {
        settleIfIdle();
        return;
      }
      const request: JobRequest = { index: nextJob, moduleUrl, exportName, args: jobs[nextJob] };
      nextJob++;
      running++;
      try {
        worker.postMessage(request);
      } catch (error) {
        settle(new JobError(`arguments of job ${request.index} cannot be sent to a worker: ${messageOf(error)}`, request.index, undefined));
      }
    };
    function onAbort() {
      settleIfIdle();
    }

    signal?.addEventListener('abort', onAbort);
    for (let w = 0; w < workerCount; w++) {
      const worker = launchWorker();
      workers.push(worker);
      worker.on('message', (reply: JobReply) => {
        if (settled) return;
        running--;
        if (!reply.ok) {
          settle(new JobError(reply.message, reply.index, reply.stack));
          return;
        }
        const result = reply.result as R;
        results[reply.index] = result;
        finished++;
        try {
          onResult?.(reply.index, result);
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        dispatch(worker);
      });
      worker.on('error', (error: Error) => settle(new Error(`a worker thread failed: ${error.message}`)));
      worker.on('exit', (code: number) => settle(new Error(`a worker thread exited (code ${code}) before its jobs were done`)));
      dispatch(worker);
    }
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
