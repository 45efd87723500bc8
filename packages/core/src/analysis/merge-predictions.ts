import type { MsePrediction, NodePrediction } from './predict.js';

/**
 * One prediction from predictions of consecutive parts of a batch (`samples[k]` samples in part k),
 * as if predicted at once: each node's MSE, variance and squared bias weighted by its part's samples,
 * summed in part order, and the output moments concatenated. Parts of fixed size give the same bits
 * whichever thread predicted them.
 */
export function mergePredictions(parts: readonly MsePrediction[], samples: readonly number[]): MsePrediction {
  if (parts.length === 0 || parts.length !== samples.length) throw new RangeError(`mergePredictions: ${parts.length} parts for ${samples.length} sample counts`);
  const total = samples.reduce((sum, count) => sum + count, 0);
  const weighted = (pick: (node: NodePrediction) => number, k: number): number => {
    let sum = 0;
    parts.forEach((part, p) => (sum += samples[p] * pick(part.nodes[k])));
    return sum / Math.max(1, total);
  };
  const nodes = parts[0].nodes.map((node, k): NodePrediction => ({
    name: node.name,
    op: node.op,
    mse: weighted((n) => n.mse, k),
    variance: weighted((n) => n.variance, k),
    biasSquared: weighted((n) => n.biasSquared, k),
  }));
  const outputIndex = parts[0].nodes.findIndex((node) => node.name === parts[0].output.name);
  return {
    nodes,
    output: nodes[outputIndex],
    outputMoments: parts.flatMap((part) => part.outputMoments),
    method: parts[0].method,
  };
}
