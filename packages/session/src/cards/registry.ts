import type { Analysis } from '@xbar/dsl';
import { accuracyCard } from './accuracy.js';
import type { CardRunner, CardRunners } from './card.js';
import { compareCard } from './compare.js';
import { monteCarloCard } from './monte-carlo.js';
import { mseCard } from './mse.js';
import { mvmCard } from './mvm.js';
import { optimizeCard } from './optimize.js';

/** Every analysis card kind and how it runs. */
export const CARD_RUNNERS: CardRunners = {
  mvm: mvmCard,
  mc: monteCarloCard,
  mse: mseCard,
  accuracy: accuracyCard,
  optimize: optimizeCard,
  compare: compareCard,
};

/** The runner of an analysis' card kind. */
export function cardRunner<A extends Analysis>(analysis: A): CardRunner<A> {
  // CARD_RUNNERS[kind] is the runner of exactly A's kind; TypeScript cannot correlate the two
  return CARD_RUNNERS[analysis.kind] as unknown as CardRunner<A>;
}

/** A card as one line with its place, e.g. `.accuracy net=mlp inputs=X labels=Y mode=noisy runs=5 (net.xbar:12)`. */
export function describeAnalysis(analysis: Analysis): string {
  return `${cardRunner(analysis).describe(analysis)} (${analysis.span.file}:${analysis.span.line})`;
}
