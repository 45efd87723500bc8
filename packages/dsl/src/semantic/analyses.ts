/**
 * Analysis cards, checked into typed descriptors for the engines:
 *
 *   .mvm      array=A weights=W inputs=X [mode=ideal|noisy|ir] [trials=N]    (or net=NET instead of array/weights)
 *   .mc       net=NET inputs=X [labels=Y] [metric=mse|accuracy] [runs=N]
 *   .mse      net=NET inputs=X [mode=full|diagonal|adjoint] [sources=(S1 S2 ...)] [alone=yes|no] [mc=N]   (analytical)
 *   .accuracy net=NET inputs=X labels=Y [runs=N] [limit=N]
 *   .optimize param=P from=A to=B [scale=lin|log] [points=N] metric=mse|accuracy net=NET inputs=X ...
 *   .compare  models=(M1 M2 ...) net=NET inputs=X [metric=mse|accuracy] [runs=N]
 *   .step     [param] P list V1 V2 ... | lin START STOP STEP | dec START STOP PER_DECADE | log START STOP POINTS
 */
import { type PredictionMode, ERROR_SOURCE_NAMES, errorSourceKey } from '@xbar/core';
import type { Card, Item, Span } from '../ast.js';
import type { Limits } from '../limits.js';
import { didYouMean } from '../suggest.js';
import type { BuiltArray } from './arrays.js';
import { describeValue, type SemanticContext } from './context.js';
import type {
  Analysis,
  MvmMode,
  NetworkDefinition,
  SimulationOptions,
  StepSweep,
  TensorDefinition,
  Workload,
} from './design.js';
import { checkNumber, PARAM_UNIT, type EnumSpec, type NumberSpec, type OptionSpec, type OptionValues, readOptions } from './options.js';
import { shapeOf } from './tensors.js';

type AnalysisKind = Analysis['kind'];

export const ANALYSIS_KEYWORDS: readonly AnalysisKind[] = ['mvm', 'mc', 'mse', 'accuracy', 'optimize', 'compare'];

const seedSpec = (options?: SimulationOptions): NumberSpec => ({
  kind: 'number',
  name: 'seed',
  unit: '1',
  min: 0,
  max: 4_294_967_295,
  integer: true,
  ...(options ? { default: options.seed } : {}),
  doc: 'random seed of this analysis (default: .options seed)',
});

const TIME: OptionSpec = { kind: 'number', name: 'time', unit: 's', min: 0, max: 1e12, doc: "read time after programming, overriding the arrays' readtime" };
const NET: OptionSpec = { kind: 'ref', name: 'net', target: 'network', doc: 'the network to run' };
const ARRAY: OptionSpec = { kind: 'ref', name: 'array', target: 'array', doc: 'the array to run one weight matrix on (with weights=)' };
const WEIGHTS: OptionSpec = { kind: 'ref', name: 'weights', target: 'weights', doc: 'the weight matrix placed on array= (with array=)' };
const INPUTS: OptionSpec = { kind: 'ref', name: 'inputs', target: 'inputs', required: true, doc: 'the input vectors (batch x features)' };
const LABELS: OptionSpec = { kind: 'ref', name: 'labels', target: 'labels', doc: 'class labels of the inputs (for metric=accuracy)' };
const MODE: OptionSpec = { kind: 'enum', name: 'mode', values: ['ideal', 'noisy', 'ir'], default: 'noisy', doc: 'ideal product, sampled devices, or sampled devices with IR drop' };
const METRIC: EnumSpec = { kind: 'enum', name: 'metric', values: ['mse', 'accuracy'], default: 'mse', doc: 'error metric' };
const MSE_MODE: EnumSpec = {
  kind: 'enum',
  name: 'mode',
  values: ['full', 'diagonal', 'adjoint'],
  default: 'full',
  doc: 'propagation: full covariances (exact correlations), diagonal (variances only: fast), or adjoint (variances, then the covariance of the narrow tail from first-order sensitivities: for large CNNs)',
};
/** The error sources as written in netlists (`device_mean`, ...), and `all`. */
const MSE_SOURCE_WORDS: readonly string[] = [...ERROR_SOURCE_NAMES.map(errorSourceKey), 'all'];
const MSE_SOURCES: OptionSpec = { kind: 'enums', name: 'sources', values: MSE_SOURCE_WORDS, doc: 'the error sources switched on, in the prediction and the Monte-Carlo: (programming read ...) or all' };
const MSE_ALONE: OptionSpec = { kind: 'flag', name: 'alone', default: true, doc: 'also the MSE with each error source alone (one more prediction per source)' };
const monteCarloTrialsSpec = (limits: Limits): NumberSpec => ({
  kind: 'number',
  name: 'mc',
  unit: '1',
  min: 0,
  max: limits.maxTrials,
  integer: true,
  default: 0,
  doc: 'Monte-Carlo trials (programmings) sampled with the same sources beside the prediction: 0 (none) or at least 2',
});
const runsSpec = (limits: Limits, name: string, byDefault: number, doc: string): OptionSpec => ({
  kind: 'number',
  name,
  unit: '1',
  min: 1,
  max: limits.maxTrials,
  integer: true,
  default: byDefault,
  doc,
});

/** The options each analysis card accepts (with units, defaults and ranges). */
export function analysisOptionSpecs(kind: AnalysisKind, limits: Limits, options?: SimulationOptions): OptionSpec[] {
  const workload = [NET, ARRAY, WEIGHTS];
  switch (kind) {
    case 'mvm':
      return [...workload, INPUTS, MODE, runsSpec(limits, 'trials', 1, 'independent programmings of the arrays'), seedSpec(options), TIME];
    case 'mc':
      return [...workload, INPUTS, LABELS, METRIC, MODE, runsSpec(limits, 'runs', 100, 'Monte-Carlo runs (programmings)'), seedSpec(options), TIME];
    case 'mse':
      return [...workload, INPUTS, MSE_MODE, MSE_SOURCES, MSE_ALONE, monteCarloTrialsSpec(limits), seedSpec(options), TIME];
    case 'accuracy':
      return [
        { ...NET, required: true },
        INPUTS,
        { ...LABELS, required: true },
        MODE,
        runsSpec(limits, 'runs', 1, 'programmings averaged'),
        { kind: 'number', name: 'limit', unit: '1', min: 1, max: limits.maxTrials, integer: true, doc: 'use only the first N samples' },
        seedSpec(options),
        TIME,
      ];
    case 'optimize':
      return [
        { kind: 'ref', name: 'param', target: 'param', required: true, doc: 'the .param to vary' },
        { kind: 'number', name: 'from', unit: PARAM_UNIT, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, required: true, doc: 'lower end of the search interval' },
        { kind: 'number', name: 'to', unit: PARAM_UNIT, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, required: true, doc: 'upper end of the search interval' },
        { kind: 'enum', name: 'scale', values: ['lin', 'log'], default: 'lin', doc: 'search on a linear or logarithmic scale' },
        { kind: 'number', name: 'points', unit: '1', min: 2, max: limits.maxSweepPoints, integer: true, default: 20, doc: 'evaluations of the metric' },
        { kind: 'enum', name: 'metric', values: METRIC.values, required: true, doc: METRIC.doc },
        { kind: 'enum', name: 'goal', values: ['min', 'max'], doc: 'minimize or maximize (default: min for mse, max for accuracy)' },
        ...workload,
        INPUTS,
        LABELS,
        MODE,
        runsSpec(limits, 'runs', 1, 'programmings averaged per evaluation'),
        seedSpec(options),
      ];
    case 'compare':
      return [
        { kind: 'refs', name: 'models', target: 'model', required: true, doc: 'the device models to compare: (m1 m2 ...)' },
        METRIC,
        ...workload,
        INPUTS,
        LABELS,
        MODE,
        runsSpec(limits, 'runs', 1, 'programmings averaged per model'),
        seedSpec(options),
        TIME,
      ];
  }
}

export interface AnalysisInputs {
  readonly options: SimulationOptions;
  readonly arrays: ReadonlyMap<string, BuiltArray>;
  readonly networks: ReadonlyMap<string, NetworkDefinition>;
  readonly weights: ReadonlyMap<string, TensorDefinition>;
  readonly inputs: ReadonlyMap<string, TensorDefinition>;
}

export function buildAnalysis(ctx: SemanticContext, card: Card, kind: AnalysisKind, built: AnalysisInputs): Analysis | undefined {
  const where = `.${kind}`;
  const specs = analysisOptionSpecs(kind, ctx.limits, built.options);
  const values = readOptions(ctx, card.items, specs, where, card.keywordSpan);
  const workload = kind === 'accuracy' ? networkWorkload(values) : readWorkload(ctx, values, where, card.keywordSpan);
  const inputs = values.text('inputs');
  const seed = values.number('seed') ?? built.options.seed;
  const time = values.number('time');
  const timeField = time === undefined ? {} : { readTimeSeconds: time };
  const labels = values.text('labels');
  const labelsField = labels === undefined ? {} : { labels };
  const missing = specs.some((spec) => spec.required && !values.has(spec.name));
  if (!workload || inputs === undefined || missing || !allValid(values)) return undefined;
  checkShapes(ctx, workload, inputs, built, values.span('inputs') ?? card.span);
  if (kind === 'mse') return buildMse(ctx, values, card.span, seed, workload, inputs, timeField);
  const mode = values.text('mode') as MvmMode | undefined;
  if (mode === 'ir') warnNoWires(ctx, workload, built, values.span('mode')!);
  const metric = values.text('metric') as 'mse' | 'accuracy' | undefined;
  if (metric === 'accuracy' && labels === undefined) {
    ctx.bag.error('E502', values.span('metric')!, `metric=accuracy needs labels=...`);
    return undefined;
  }
  const span = card.span;
  switch (kind) {
    case 'mvm':
      return { kind, span, seed, workload, inputs, mode: mode!, trials: values.number('trials')!, ...timeField };
    case 'mc':
      return { kind, span, seed, workload, inputs, ...labelsField, metric: metric!, mode: mode!, runs: values.number('runs')!, ...timeField };
    case 'accuracy': {
      const limit = values.number('limit');
      return {
        kind,
        span,
        seed,
        network: (workload as { network: string }).network,
        inputs,
        labels: labels!,
        mode: mode!,
        runs: values.number('runs')!,
        ...(limit === undefined ? {} : { limit }),
        ...timeField,
      };
    }
    case 'optimize':
      return buildOptimize(ctx, values, span, seed, workload, inputs, labels, metric!, mode!);
    case 'compare':
      warnCompareOverrides(ctx, workload, built, values.span('models')!);
      return { kind, span, seed, models: values.list('models')!, metric: metric!, workload, inputs, ...labelsField, mode: mode!, runs: values.number('runs')!, ...timeField };
  }
}

/** False if any written option failed its check (already reported). */
function allValid(values: OptionValues): boolean {
  for (const key of ['net', 'array', 'weights', 'inputs', 'labels', 'mode', 'metric', 'trials', 'runs', 'seed', 'time', 'limit', 'models', 'param', 'from', 'to', 'scale', 'points', 'goal', 'sources', 'alone', 'mc']) {
    if (values.written(key) && !values.has(key)) return false;
  }
  return true;
}

function networkWorkload(values: OptionValues): Workload | undefined {
  const network = values.text('net');
  return network === undefined ? undefined : { kind: 'network', network };
}

/** net=NET, or array=A with weights=W: exactly one of the two. */
function readWorkload(ctx: SemanticContext, values: OptionValues, where: string, span: Span): Workload | undefined {
  const hasNet = values.written('net');
  const hasArray = values.written('array');
  const hasWeights = values.written('weights');
  if (hasNet && (hasArray || hasWeights)) {
    ctx.bag.error('E701', values.span(hasArray ? 'array' : 'weights')!, `${where} runs either net= or array= with weights=, not both`);
    return undefined;
  }
  if (hasNet) return networkWorkload(values);
  if (hasArray !== hasWeights) {
    const missing = hasArray ? 'weights' : 'array';
    ctx.bag.error('E701', values.span(hasArray ? 'array' : 'weights')!, `${where} needs ${missing}= as well`, 'array= and weights= go together: the weights placed on that array');
    return undefined;
  }
  if (!hasArray) {
    ctx.bag.error('E701', span, `${where} needs net=NETWORK, or array=ARRAY with weights=WEIGHTS`);
    return undefined;
  }
  const array = values.text('array');
  const weights = values.text('weights');
  return array === undefined || weights === undefined ? undefined : { kind: 'array', array, weights };
}

/** Inline inputs must have as many columns as the (first) weight matrix has rows. */
function checkShapes(ctx: SemanticContext, workload: Workload, inputs: string, built: AnalysisInputs, span: Span): void {
  const inputTensor = built.inputs.get(inputs.toLowerCase());
  const inputShape = inputTensor ? shapeOf(inputTensor.source) : undefined;
  let weightsName: string | undefined;
  if (workload.kind === 'array') weightsName = workload.weights;
  else {
    const network = built.networks.get(workload.network.toLowerCase());
    // an ONNX network's input shape is the model's: checked where it is imported
    weightsName = network?.kind === 'layers' ? network.layers[0]?.weights : undefined;
  }
  const weights = weightsName === undefined ? undefined : built.weights.get(weightsName.toLowerCase());
  const weightShape = weights ? shapeOf(weights.source) : undefined;
  if (inputShape && weightShape && inputShape.cols !== weightShape.rows) {
    ctx.bag.error(
      'E603',
      span,
      `inputs '${inputTensor!.name}' have ${inputShape.cols} feature${inputShape.cols === 1 ? '' : 's'} but weights '${weights!.name}' take ${weightShape.rows} input${weightShape.rows === 1 ? '' : 's'}`,
      'inputs are batch x features; weights are inputs (rows) x outputs (cols)',
    );
  }
}

/** `.compare` runs every model with its own gmin/gmax: say so where the workload's arrays override them. */
function warnCompareOverrides(ctx: SemanticContext, workload: Workload, built: AnalysisInputs, span: Span): void {
  for (const name of new Set(workloadArrays(workload, built))) {
    const overrides = [...(built.arrays.get(name.toLowerCase())?.deviceOverrides.keys() ?? [])];
    if (overrides.length === 0) continue;
    ctx.bag.warning(
      'W501',
      span,
      `${overrides.join(' and ')} on array '${name}' ${overrides.length === 1 ? 'applies' : 'apply'} to its own model only: .compare runs each model with the model's own gmin and gmax`,
      'set gmin/gmax on the .model cards to compare the models over one conductance window',
    );
  }
}

function workloadArrays(workload: Workload, built: AnalysisInputs): string[] {
  if (workload.kind === 'array') return [workload.array];
  const network = built.networks.get(workload.network.toLowerCase());
  if (network === undefined) return [];
  if (network.kind === 'layers') return network.layers.map((layer) => layer.array);
  const placements = [network.defaultPlacement, ...network.maps.map((map) => map.placement)];
  return placements.flatMap((placement) => (placement?.kind === 'array' ? [placement.array] : []));
}

function warnNoWires(ctx: SemanticContext, workload: Workload, built: AnalysisInputs, span: Span): void {
  const arrays = workloadArrays(workload, built);
  const ideal = arrays.filter((name) => built.arrays.get(name.toLowerCase()) && !built.arrays.get(name.toLowerCase())!.definition.config.wires);
  if (ideal.length > 0) {
    ctx.bag.warning('W501', span, `mode=ir, but array '${ideal[0]}' has no wire resistance, so there is no IR drop`, 'set rwire=... (ohms per segment) on the array');
  }
}

function buildMse(ctx: SemanticContext, values: OptionValues, span: Span, seed: number, workload: Workload, inputs: string, timeField: { readTimeSeconds?: number }): Analysis | undefined {
  const monteCarloTrials = values.number('mc')!;
  if (monteCarloTrials === 1) {
    ctx.bag.error('E503', values.span('mc')!, 'mc=1 gives no confidence interval: write mc=0 (no Monte-Carlo) or at least 2 trials', 'mc: Monte-Carlo trials beside the prediction');
    return undefined;
  }
  const words = values.list('sources');
  if (words !== undefined && words.includes('all') && words.length > 1) {
    ctx.bag.error('E504', values.span('sources')!, `sources=all stands alone; found (${words.join(' ')})`, 'write sources=all, or list the sources');
    return undefined;
  }
  const named = words === undefined || words.includes('all') ? undefined : ERROR_SOURCE_NAMES.filter((name) => words.includes(errorSourceKey(name)));
  if (values.written('seed') && monteCarloTrials === 0) {
    ctx.bag.warning('W501', values.span('seed')!, 'seed= has no effect on .mse without mc=: the prediction draws no random numbers', 'add mc=N for a Monte-Carlo check, or remove seed=');
  }
  return {
    kind: 'mse',
    span,
    seed,
    workload,
    inputs,
    mode: values.text('mode') as PredictionMode,
    ...(named === undefined ? {} : { sources: named }),
    alone: values.flag('alone'),
    monteCarloTrials,
    ...timeField,
  };
}

function buildOptimize(
  ctx: SemanticContext,
  values: OptionValues,
  span: Span,
  seed: number,
  workload: Workload,
  inputs: string,
  labels: string | undefined,
  metric: 'mse' | 'accuracy',
  mode: MvmMode,
): Analysis | undefined {
  const lower = values.number('from')!;
  const upper = values.number('to')!;
  const scale = values.text('scale') as 'lin' | 'log';
  if (!(lower < upper)) {
    ctx.bag.error('E503', values.span('to')!, `to=${upper} must be greater than from=${lower}`);
    return undefined;
  }
  if (scale === 'log' && lower <= 0) {
    ctx.bag.error('E503', values.span('from')!, `scale=log needs from > 0, got ${lower}`);
    return undefined;
  }
  const goal = (values.text('goal') ?? (metric === 'accuracy' ? 'max' : 'min')) as 'min' | 'max';
  return {
    kind: 'optimize',
    span,
    seed,
    param: values.text('param')!,
    lower,
    upper,
    scale,
    points: values.number('points')!,
    metric,
    goal,
    workload,
    inputs,
    ...(labels === undefined ? {} : { labels }),
    mode,
    runs: values.number('runs')!,
  };
}

/** `.options k=v ...`. */
export const SIMULATION_OPTIONS: readonly OptionSpec[] = [
  { ...seedSpec(), default: 1, doc: 'seed of every analysis that does not set its own' },
  { kind: 'number', name: 'readtime', unit: 's', min: 0, max: 1e12, default: 1, doc: 'default time from programming to reading for arrays' },
];

const STEP_SCALES = ['list', 'lin', 'dec', 'log'] as const;

/** `.step [param] NAME list V... | lin START STOP STEP | dec START STOP N | log START STOP N`. */
export function buildStep(ctx: SemanticContext, card: Card): StepSweep | undefined {
  let items = card.items;
  const usage = 'write .step NAME list V1 V2 ..., lin START STOP STEP, dec START STOP PER_DECADE or log START STOP POINTS';
  if (items[0]?.value.kind === 'word' && items[0].key === undefined && items[0].value.name.toLowerCase() === 'param' && items.length > 2) {
    items = items.slice(1);
  }
  const named = items.find((item) => item.key !== undefined);
  if (named) {
    ctx.bag.error('E507', named.span, `unexpected '${named.key}=' in .step`, usage);
    return undefined;
  }
  const [paramItem, scaleItem, ...numbers] = items;
  if (!paramItem || !scaleItem) {
    ctx.bag.error('E507', card.keywordSpan, '.step needs a parameter and a sweep', usage);
    return undefined;
  }
  const param = ctx.reference('param', paramItem.value);
  if (scaleItem.value.kind !== 'word' || !STEP_SCALES.includes(scaleItem.value.name.toLowerCase() as (typeof STEP_SCALES)[number])) {
    const word = scaleItem.value.kind === 'word' ? scaleItem.value.name : undefined;
    const hint = (word && didYouMean(word, STEP_SCALES)) ?? usage;
    ctx.bag.error('E504', scaleItem.span, `expected list, lin, dec or log after the parameter, found ${describeValue(scaleItem.value)}`, hint);
    return undefined;
  }
  const scale = scaleItem.value.name.toLowerCase() as StepSweep['scale'];
  const values = numbers.map((item) => ctx.number(item.value));
  if (param === undefined || values.some((v) => v === undefined)) return undefined;
  const numbersOnly = values as number[];
  const sweep = stepValues(ctx, scale, numbersOnly, numbers, scaleItem.span);
  return sweep ? { param, scale, values: sweep, span: card.span } : undefined;
}

function stepValues(ctx: SemanticContext, scale: StepSweep['scale'], v: number[], items: Item[], at: Span): Float64Array | undefined {
  const limit = ctx.limits.maxSweepPoints;
  const tooMany = (count: number) => {
    ctx.bag.error('E902', at, `.step of ${count} points, more than the limit of ${limit}`);
    return undefined;
  };
  if (scale === 'list') {
    if (v.length === 0) {
      ctx.bag.error('E507', at, '.step list needs at least one value');
      return undefined;
    }
    return v.length > limit ? tooMany(v.length) : Float64Array.from(v);
  }
  if (v.length !== 3) {
    const what = scale === 'lin' ? 'START STOP STEP' : scale === 'dec' ? 'START STOP PER_DECADE' : 'START STOP POINTS';
    ctx.bag.error('E507', items[3]?.span ?? at, `.step ${scale} takes three numbers (${what}), got ${v.length}`);
    return undefined;
  }
  const [start, stop, third] = v as [number, number, number];
  if (scale === 'lin') {
    if (third === 0 || Math.sign(stop - start) * Math.sign(third) < 0) {
      ctx.bag.error('E503', items[2].span, `step ${third} never goes from ${start} to ${stop}`);
      return undefined;
    }
    const count = Math.floor((stop - start) / third + 1e-9) + 1;
    if (count > limit) return tooMany(count);
    return Float64Array.from({ length: count }, (_, i) => start + i * third);
  }
  if (start <= 0 || stop <= 0) {
    ctx.bag.error('E503', items[start <= 0 ? 0 : 1].span, `.step ${scale} needs positive START and STOP`);
    return undefined;
  }
  const countSpec: NumberSpec = { kind: 'number', name: scale === 'dec' ? 'per_decade' : 'points', unit: '1', min: scale === 'dec' ? 1 : 2, max: limit, integer: true, doc: 'number of points' };
  if (!checkNumber(ctx, countSpec, third, items[2].value)) return undefined;
  if (scale === 'dec') {
    const decades = Math.log10(stop / start);
    const count = Math.floor(Math.abs(decades) * third + 1e-9) + 1;
    if (count > limit) return tooMany(count);
    const ratio = 10 ** (Math.sign(decades) / third);
    return Float64Array.from({ length: count }, (_, i) => start * ratio ** i);
  }
  const ratio = (stop / start) ** (1 / (third - 1));
  return Float64Array.from({ length: third }, (_, i) => (i === third - 1 ? stop : start * ratio ** i));
}
