import { type Tensor, batchSlice, shapeSize, tensor } from '@xbar/core';

/**
 * The outputs of `run` on consecutive chunks of `batchSize` samples, concatenated; one chunk's
 * output as it is (a whole-batch network's, whose first axis need not be the batch).
 */
export async function runInChunks(input: Tensor, batchSize: number, run: (batch: Tensor) => Tensor | Promise<Tensor>, onBatch?: (samples: number) => void): Promise<Tensor> {
  const total = input.shape[0];
  if (total > 0 && batchSize >= total) {
    const y = await run(input);
    onBatch?.(total);
    return y;
  }
  let out: Tensor | undefined;
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const y = await run(batchSlice(input, start, count));
    out ??= tensor([total, ...y.shape.slice(1)]);
    out.data.set(y.data, start * shapeSize(y.shape.slice(1)));
    onBatch?.(count);
  }
  return out ?? tensor([0]);
}
