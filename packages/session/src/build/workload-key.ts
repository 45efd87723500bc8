import type { Analysis, Workload } from '@xbar/dsl';
import { describeWorkload } from './workload.js';

/**
 * The quantity a card estimates, for pairing an analytical prediction with a Monte-Carlo one: the
 * workload, its inputs and the read time, e.g. `array=tile weights=W inputs=X` or `net=mlp inputs=X
 * time=86400`. Given for `.mse` and for `.mc` sampled without IR drop (what `.mse` predicts); cards with equal keys (names compared case-insensitively) estimate the same errors.
 * A `.mse` with some sources switched off has them in its key, so it pairs with no `.mc`. Undefined
 * for every other card.
 */
export function errorEstimateKey(analysis: Analysis): string | undefined {
  const key = (workload: Workload, inputs: string, time: number | undefined) =>
    `${describeWorkload(workload)} inputs=${inputs}${time === undefined ? '' : ` time=${time}`}`;
  switch (analysis.kind) {
    case 'mse': {
      // with some sources switched off, .mse estimates another error than any .mc
      const sources = analysis.sources ? ` sources=(${analysis.sources.join(' ')})` : '';
      return `${key(analysis.workload, analysis.inputs, analysis.readTimeSeconds)}${sources}`;
    }
    case 'mc':
      return analysis.mode === 'noisy' ? key(analysis.workload, analysis.inputs, analysis.readTimeSeconds) : undefined;
    default:
      return undefined;
  }
}
