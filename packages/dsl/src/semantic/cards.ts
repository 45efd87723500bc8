/**
 * The card keywords of the language, and the SPICE or code-loading keywords that are refused with an
 * explanation instead of a bare "unknown card".
 */
import type { DefinitionKind } from './context.js';

/** Every card keyword (lower case, without the dot). */
export const CARD_KEYWORDS = [
  'title',
  'param',
  'include',
  'options',
  'model',
  'array',
  'weights',
  'inputs',
  'labels',
  'network',
  'layer',
  'map',
  'endnetwork',
  'mvm',
  'mc',
  'mse',
  'accuracy',
  'optimize',
  'compare',
  'step',
  'end',
] as const;

/** Cards that define a name (their first positional word), and its kind. */
export const DEFINING_CARDS: Readonly<Partial<Record<string, DefinitionKind>>> = {
  model: 'model',
  array: 'array',
  weights: 'weights',
  inputs: 'inputs',
  labels: 'labels',
  network: 'network',
};

/** Why a keyword is refused, and what to do instead. */
interface Refusal {
  readonly message: string;
  readonly hint: string;
}

const refuse = (words: readonly string[], message: (word: string) => string, hint: string): [string, Refusal][] =>
  words.map((word) => [word, { message: message(word), hint }]);

/** Refused keywords: why, and what to do instead. */
export const REFUSED_CARDS: Readonly<Record<string, Refusal>> = Object.fromEntries([
  ...refuse(
    ['plugin', 'load', 'use', 'require', 'import', 'exec', 'shell', 'system', 'control', 'endc', 'python', 'eval'],
    (word) => `.${word}: a netlist cannot load plugins or run code`,
    'device plugins are enabled in the xbar configuration (xbar.config.yaml), never from a netlist',
  ),
  ...refuse(['lib'], () => '.lib sections are not supported', 'put the models in a file and use .include "FILE"'),
  ...refuse(['subckt', 'ends'], (word) => `.${word}: SPICE subcircuits are not part of xbar`, 'describe arrays with .array and networks with .network ... .endnetwork'),
  ...refuse(
    ['op', 'dc', 'ac', 'tran', 'noise', 'tf', 'sens', 'pz', 'four', 'meas', 'measure', 'print', 'plot', 'probe', 'save'],
    (word) => `.${word}: SPICE circuit analyses are not part of xbar`,
    'xbar analyses: .mvm, .mc, .mse, .accuracy, .optimize, .compare, .step',
  ),
]);
