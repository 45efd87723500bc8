import type { Analysis } from '@xbar/dsl';
import type { RunContext } from '../run/context.js';
import type { AnalysisRows } from '../run/results.js';
import type { TrialPlan } from '../run/trial-plan.js';

/**
 * How one kind of analysis card runs. `direct` cards (`.mvm`, `.mse`, `.optimize`) run whole in the
 * calling thread (`.mse` asynchronously); `trials` cards (`.mc`, `.accuracy`, `.compare`) give a plan of Monte-Carlo trial
 * requests whose trials the caller may split over worker threads.
 */
export type CardRunner<A extends Analysis> = CardDescription<A> & ({ readonly direct: (ctx: RunContext, analysis: A) => AnalysisRows | Promise<AnalysisRows> } | { readonly trials: (ctx: RunContext, analysis: A) => TrialPlan });

interface CardDescription<A extends Analysis> {
  /** The card as one line, e.g. `.mc array=tile weights=W inputs=X metric=mse mode=noisy runs=50`. */
  readonly describe: (analysis: A) => string;
}

/** One runner per card kind: the compiler checks that every kind the language has is covered. */
export type CardRunners = { readonly [K in Analysis['kind']]: CardRunner<Extract<Analysis, { kind: K }>> };
