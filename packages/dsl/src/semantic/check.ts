/**
 * The semantic pass: reads the netlist and its includes, collects every definition, resolves the
 * parameters, then builds models, arrays, tensors, networks, analyses and sweeps, in that order (so
 * that names may be used before the card that defines them). Never throws: every problem is a
 * diagnostic, and the partial design is returned alongside.
 */
import type { DeviceRegistry } from '@xbar/core';
import type { Card, InvalidCard, Span } from '../ast.js';
import { type Diagnostic, DiagnosticBag } from '../diagnostics.js';
import { MemorySourceHost, type SourceHost } from '../host/source-host.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import { didYouMean } from '../suggest.js';
import { ANALYSIS_KEYWORDS, SIMULATION_OPTIONS, buildAnalysis, buildStep } from './analyses.js';
import { type BuiltArray, buildArray } from './arrays.js';
import { CARD_KEYWORDS, DEFINING_CARDS, REFUSED_CARDS } from './cards.js';
import { type DefinitionKind, SemanticContext } from './context.js';
import {
  type Analysis,
  DEFAULT_OPTIONS,
  type Design,
  type ModelDefinition,
  type NetworkDefinition,
  type SimulationOptions,
  type StepSweep,
  type TensorDefinition,
} from './design.js';
import { loadSources } from './includes.js';
import { buildModel, positionalWord } from './models.js';
import { type NetworkCards, buildNetwork } from './networks.js';
import { readOptions } from './options.js';
import { collectParams, resolveParams } from './params.js';
import { buildTensor } from './tensors.js';

export interface CheckOptions {
  /** Device models a `.model` card may name. */
  readonly registry: DeviceRegistry;
  /** Where includes and data files are looked up. Default: nothing but the given text. */
  readonly host?: SourceHost;
  /** Raise or lower size limits. */
  readonly limits?: Partial<Limits>;
  /** Let includes and data paths leave the top netlist's folder. Default false. */
  readonly allowOutsideRoot?: boolean;
  /** Let includes and data paths be absolute. Default false. */
  readonly allowAbsolutePaths?: boolean;
  /** Parameter values replacing the written ones (lower-case names), e.g. one point of a `.step`. */
  readonly paramOverrides?: Readonly<Record<string, number>>;
}

export interface CheckResult {
  /** What could be built (complete when there is no error). */
  readonly design: Design;
  /** Errors and warnings, sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
  /** Text of every file read, for `renderDiagnostics`. */
  readonly sources: ReadonlyMap<string, string>;
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
}

/** Checks the netlist file `path`, read through `options.host`. */
export function checkNetlistFile(path: string, options: CheckOptions): CheckResult {
  return run(path, undefined, options);
}

/** Checks netlist `text` named `file` (includes are read through `options.host`, if given). */
export function checkNetlistText(text: string, options: CheckOptions, file = 'netlist.xbar'): CheckResult {
  return run(file, text, options);
}

function run(file: string, text: string | undefined, options: CheckOptions): CheckResult {
  const bag = new DiagnosticBag();
  const host = options.host ?? new MemorySourceHost();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const policy = { allowOutsideRoot: options.allowOutsideRoot ?? false, allowAbsolutePaths: options.allowAbsolutePaths ?? false };
  const ctx = new SemanticContext(bag, limits, options.registry, host, policy, host.dirname(file));
  let sources: ReadonlyMap<string, string> = text === undefined ? new Map() : new Map([[file, text]]);
  let files: readonly string[] = [file];
  let design: Design = emptyDesign([file]);
  try {
    const loaded = loadSources(ctx, file, text);
    sources = loaded.sources;
    files = loaded.files.length > 0 ? loaded.files : [file];
    design = buildDesign(ctx, loaded.cards, loaded.invalid, files, options.paramOverrides ?? {});
  } catch (error) {
    // A bug, not a netlist problem: still report it as a diagnostic rather than crash the caller.
    const message = error instanceof Error ? error.message : String(error);
    bag.error('E999', { file, line: 1, column: 1, endLine: 1, endColumn: 1 }, `internal error while checking: ${message}`);
  }
  const diagnostics = bag.sorted(files);
  return { design, diagnostics, sources, ok: diagnostics.every((d) => d.severity !== 'error') };
}

function emptyDesign(files: readonly string[]): Design {
  return {
    files,
    params: new Map(),
    options: DEFAULT_OPTIONS,
    models: new Map(),
    arrays: new Map(),
    weights: new Map(),
    inputs: new Map(),
    labels: new Map(),
    networks: new Map(),
    analyses: [],
    sweeps: [],
  };
}

/** Cards sorted by what they are. */
interface Sorted {
  title?: string;
  params: Card[];
  options: Card[];
  definitions: { card: Card; kind: DefinitionKind; name: string }[];
  networks: NetworkCards[];
  analyses: Card[];
  steps: Card[];
}

function buildDesign(
  ctx: SemanticContext,
  cards: readonly Card[],
  invalid: readonly InvalidCard[],
  files: readonly string[],
  overrides: Readonly<Record<string, number>>,
): Design {
  // Names that cards with syntax errors meant to define: references to them are not reported again.
  for (const card of invalid) {
    const kind = DEFINING_CARDS[card.keyword];
    if (kind && card.name) ctx.broken[kind].add(card.name.toLowerCase());
    if (card.keyword === 'param') for (const key of card.keys) ctx.broken.param.add(key.toLowerCase());
  }
  const sorted = sortCards(ctx, cards);
  const paramDefinitions = collectParams(ctx, sorted.params);
  resolveParams(ctx, paramDefinitions, overrides);
  const options = buildOptions(ctx, sorted.options);

  const models = new Map<string, ModelDefinition>();
  const arrays = new Map<string, BuiltArray>();
  const tensors: Record<'weights' | 'inputs' | 'labels', Map<string, TensorDefinition>> = { weights: new Map(), inputs: new Map(), labels: new Map() };
  for (const { card, kind, name } of sorted.definitions) {
    if (kind !== 'model') continue;
    const model = buildModel(ctx, card);
    if (model) models.set(name.toLowerCase(), model);
  }
  for (const { card, kind, name } of sorted.definitions) {
    if (kind === 'array') {
      const array = buildArray(ctx, card, name, models, options);
      if (array) arrays.set(name.toLowerCase(), array);
    } else if (kind === 'weights' || kind === 'inputs' || kind === 'labels') {
      const tensor = buildTensor(ctx, card, name, kind);
      if (tensor) tensors[kind].set(name.toLowerCase(), tensor);
    }
  }
  const networks = new Map<string, NetworkDefinition>();
  for (const network of sorted.networks) {
    const built = buildNetwork(ctx, network, { arrays, models, weights: tensors.weights });
    if (built) networks.set(network.name.toLowerCase(), built);
  }
  const analyses: Analysis[] = [];
  const inputsForAnalyses = { options, arrays, networks, weights: tensors.weights, inputs: tensors.inputs };
  for (const card of sorted.analyses) {
    const analysis = buildAnalysis(ctx, card, card.keyword as Analysis['kind'], inputsForAnalyses);
    if (analysis) analyses.push(analysis);
  }
  const sweeps = buildSweeps(ctx, sorted.steps);
  return {
    ...(sorted.title === undefined ? {} : { title: sorted.title }),
    files,
    params: new Map(ctx.params),
    options,
    models,
    arrays: new Map([...arrays].map(([key, built]) => [key, built.definition])),
    weights: tensors.weights,
    inputs: tensors.inputs,
    labels: tensors.labels,
    networks,
    analyses,
    sweeps,
  };
}

/** First pass: what each card is, the names it defines, network blocks; unknown cards reported. */
function sortCards(ctx: SemanticContext, cards: readonly Card[]): Sorted {
  const sorted: Sorted = { params: [], options: [], definitions: [], networks: [], analyses: [], steps: [] };
  let openNetwork: NetworkCards | undefined;
  for (const card of cards) {
    const keyword = card.keyword;
    if (keyword === 'layer' || keyword === 'map') {
      if (openNetwork) (keyword === 'layer' ? openNetwork.layers : openNetwork.maps).push(card);
      else ctx.bag.error('E604', card.keywordSpan, `.${keyword} outside a network`, `put .${keyword} cards between .network NAME and .endnetwork`);
      continue;
    }
    if (keyword === 'endnetwork') {
      if (!openNetwork) ctx.bag.error('E604', card.keywordSpan, '.endnetwork without a .network before it');
      if (card.items.length > 0) ctx.bag.error('E507', card.items[0].span, '.endnetwork takes nothing after it');
      openNetwork = undefined;
      continue;
    }
    const kind = DEFINING_CARDS[keyword];
    if (kind) {
      if (openNetwork && keyword === 'network') {
        ctx.bag.error('E604', openNetwork.card.keywordSpan, `network '${openNetwork.name}' has no .endnetwork before the next .network`);
        openNetwork = undefined;
      }
      const name = defineName(ctx, card, kind);
      if (name === undefined) continue;
      if (kind === 'network') {
        openNetwork = { card, name, layers: [], maps: [] };
        sorted.networks.push(openNetwork);
      } else {
        sorted.definitions.push({ card, kind, name });
      }
      continue;
    }
    if (keyword === 'param') sorted.params.push(card);
    else if (keyword === 'options') sorted.options.push(card);
    else if (keyword === 'step') sorted.steps.push(card);
    else if ((ANALYSIS_KEYWORDS as readonly string[]).includes(keyword)) sorted.analyses.push(card);
    else if (keyword === 'title') sorted.title = titleOf(card);
    else reportUnknownCard(ctx, card);
  }
  if (openNetwork) {
    ctx.bag.error('E604', openNetwork.card.keywordSpan, `network '${openNetwork.name}' is not closed`, 'end it with .endnetwork');
  }
  return sorted;
}

/** Registers the name a definition card defines; undefined (reported) if missing or taken. */
function defineName(ctx: SemanticContext, card: Card, kind: DefinitionKind): string | undefined {
  const first = card.items[0];
  const name = positionalWord(first);
  if (!name) {
    const found = first ? (first.key !== undefined ? `'${first.key}='` : 'a value') : 'nothing';
    ctx.bag.error('E507', first?.span ?? card.keywordSpan, `.${card.keyword} needs a name first, found ${found}`, `write ${usageOf(card.keyword)}`);
    return undefined;
  }
  const key = name.toLowerCase();
  const earlier = ctx.definitions[kind].get(key);
  if (earlier) {
    ctx.bag.error('E506', first.span, `${kind} '${name}' is already defined at ${where(earlier.span, card.span)}`);
    return undefined;
  }
  ctx.definitions[kind].set(key, { name, span: first.span, card });
  return name;
}

function usageOf(keyword: string): string {
  switch (keyword) {
    case 'model':
      return '.model NAME TYPE (k=v ...)';
    case 'array':
      return '.array NAME rows=R cols=C model=M';
    case 'network':
      return '.network NAME [onnx="model.onnx" array=A]';
    default:
      return `.${keyword} NAME SOURCE`;
  }
}

function where(span: Span, from: Span): string {
  return span.file === from.file ? `line ${span.line}` : `${span.file}:${span.line}`;
}

function titleOf(card: Card): string {
  return card.items
    .map((item) => (item.value.kind === 'string' ? item.value.value : item.value.kind === 'word' ? item.value.name : ''))
    .join(' ')
    .trim();
}

function reportUnknownCard(ctx: SemanticContext, card: Card): void {
  const refused = REFUSED_CARDS[card.keyword];
  if (refused) {
    ctx.bag.error('E108', card.keywordSpan, refused.message, refused.hint);
    return;
  }
  const hint = didYouMean(card.keyword, CARD_KEYWORDS);
  ctx.bag.error('E107', card.keywordSpan, `unknown card '.${card.keyword}'`, hint ? hint.replace(/'([^']+)'/, "'.$1'") : `cards: ${CARD_KEYWORDS.map((k) => `.${k}`).join(' ')}`);
}

function buildOptions(ctx: SemanticContext, cards: readonly Card[]): SimulationOptions {
  let options = DEFAULT_OPTIONS;
  for (const card of cards) {
    const values = readOptions(ctx, card.items, SIMULATION_OPTIONS, '.options', card.keywordSpan);
    options = {
      seed: values.has('seed') ? values.number('seed')! : options.seed,
      readTimeSeconds: values.has('readtime') ? values.number('readtime')! : options.readTimeSeconds,
    };
  }
  return options;
}

function buildSweeps(ctx: SemanticContext, cards: readonly Card[]): StepSweep[] {
  const sweeps: StepSweep[] = [];
  for (const card of cards) {
    const sweep = buildStep(ctx, card);
    if (!sweep) continue;
    if (sweeps.some((s) => s.param.toLowerCase() === sweep.param.toLowerCase())) {
      ctx.bag.error('E506', card.span, `parameter '${sweep.param}' is already stepped`);
      continue;
    }
    sweeps.push(sweep);
  }
  const points = sweeps.reduce((product, sweep) => product * sweep.values.length, 1);
  if (sweeps.length > 1 && points > ctx.limits.maxSweepPoints) {
    const last = sweeps[sweeps.length - 1];
    const sizes = sweeps.map((sweep) => `${sweep.param} (line ${sweep.span.line}): ${sweep.values.length}`).join(' x ');
    ctx.bag.error(
      'E902',
      last.span,
      `the .step cards together give ${points} points (${sizes}), more than the limit of ${ctx.limits.maxSweepPoints}`,
      'nested .step cards multiply: sweep fewer values, or run the sweeps one at a time',
    );
    return [];
  }
  return sweeps;
}
