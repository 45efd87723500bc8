import type { Analysis } from '@xbar/dsl';
import { describeWorkload } from './workload.js';

/**
 * The quantity a card estimates, for pairing an analytical prediction with a Monte-Carlo one: the
 * workload, its inputs and the read conditions, e.g. `array=tile weights=w inputs=x`. Given for `.mse`
 * and for `.mc` sampled without IR drop at the arrays' own read time (what `.mse` predicts); cards with
 * equal keys estimate the same errors. Undefined for every other card.
 */
export function errorEstimateKey(analysis: Analysis): string | undefined {
  switch (analysis.kind) {
    case 'mse':
      return `${describeWorkload(analysis.workload)} inputs=${analysis.inputs}`.toLowerCase();
    case 'mc':
      return analysis.mode === 'noisy' && analysis.readTimeSeconds === undefined ? `${describeWorkload(analysis.workload)} inputs=${analysis.inputs}`.toLowerCase() : undefined;
    default:
      return undefined;
  }
}
