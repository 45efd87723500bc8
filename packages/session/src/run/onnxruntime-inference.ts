import type { Network, Tensor } from '@xbar/core';
import { unexportableNodes } from '@xbar/onnx';
import { runInChunks } from './chunks.js';

/** The result of an ideal run by ONNX Runtime: the output, or why the network ran on the reference engine. */
export interface OnnxRuntimeRun {
  readonly output: Tensor;
  /** Set when a node has no ONNX Runtime form and the float64 reference engine ran instead. */
  readonly fallback?: string;
}

/**
 * Ideal inference of a batch by ONNX Runtime (float32), in chunks of `batchSize`: the first output
 * of `network`. A network with a node that has no faithful ONNX form runs on `reference` instead,
 * and the result says which nodes and why. ONNX Runtime is loaded only when it runs.
 */
export async function runIdealOnOnnxRuntime(
  network: Network,
  batch: Tensor,
  batchSize: number,
  reference: () => Tensor,
  onBatch?: (samples: number) => void,
): Promise<OnnxRuntimeRun> {
  const refused = unexportableNodes(network);
  if (refused.length > 0) {
    return { output: reference(), fallback: `ran on xbar's reference engine: ONNX Runtime cannot run ${refused.map((r) => `node '${r.node}' (${r.reason})`).join('; ')}` };
  }
  const { OnnxRuntimeNetwork } = await import('@xbar/onnx/engine');
  const engine = await OnnxRuntimeNetwork.create(network);
  try {
    return { output: await runInChunks(batch, batchSize, async (part) => (await engine.run(part))[0], onBatch) };
  } finally {
    await engine.release();
  }
}
