/**
 * The code of a pool worker thread: runs the jobs the pool posts, one at a time, and posts back each
 * job's result or error. Started by `launchWorker` (see worker-launch.ts for how it is loaded).
 */
import { parentPort } from 'node:worker_threads';
import { loadJobFunction } from './job-module.js';
import type { JobReply, JobRequest } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

port.on('message', (request: JobRequest) => {
  void runJob(request).then((reply) => {
    try {
      port.postMessage(reply);
    } catch (error) {
      // a result that cannot be structured-cloned (a function, a class instance with private state)
      port.postMessage(failure(request.index, error));
    }
  });
});

async function runJob(request: JobRequest): Promise<JobReply> {
  try {
    const run = await loadJobFunction(request.moduleUrl, request.exportName);
    const result = await run(request.args);
    return { index: request.index, ok: true, result };
  } catch (error) {
    return failure(request.index, error);
  }
}

function failure(index: number, error: unknown): JobReply {
  return {
    index,
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  };
}
