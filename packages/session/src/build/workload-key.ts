import type { Analysis, Workload } from '@xbar/dsl';
import { describeWorkload } from './workload.js';

/**
 * The quantity a card estimates, for pairing an analytical prediction with a Monte-Carlo one: the
 * workload, its inputs and the read time, e.g. `array=tile weights=W inputs=X` or `net=mlp inputs=X
 * time=86400`. Given for `.mse` and for `.mc` sampled without IR drop (what `.mse` predicts); cards with equal keys (names compared case-insensitively) estimate the same errors.
 * Undefined for every other card.
 */
export function errorEstimateKey(analysis: Analysis): string | undefined {
  const key = (workload: Workload, inputs: string, time: number | undefined) =>
    `${describeWorkload(workload)} inputs=${inputs}${time === undefined ? '' : ` time=${time}`}`;
  switch (analysis.kind) {
    case 'mse':
      return key(analysis.workload, analysis.inputs, analysis.readTimeSeconds);
    case 'mc':
      return analysis.mode === 'noisy' ? key(analysis.workload, analysis.inputs, analysis.readTimeSeconds) : undefined;
    default:
      return undefined;
  }
}
