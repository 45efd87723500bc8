import { networkShapes, shapeSize } from '@xbar/core';
import type { Analysis, Design, Diagnostic, TensorDefinition, Workload } from '@xbar/dsl';
import type { RunContext } from './context.js';
import type { StepPoint } from './sweep.js';

/** Limits of one `xbar run`, applied to every `.step` point's design before anything runs. */
export interface RunLimits {
  /**
   * Most input rows passed through a workload over the whole run: the sum over points and cards of
   * trials x input rows (x models for `.compare`, x evaluations for `.optimize`; one trial for
   * `mode=ideal` and `.mse`, plus its `mc=` trials).
   */
  readonly maxRowEvaluations: number;
  /** Most values of one `.mvm` card's result table over all points (trials x vectors x (outputs + 2)). */
  readonly maxMvmResultValues: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxRowEvaluations: 1e9, maxMvmResultValues: 2 ** 24 };

/** The work of one card, summed over points, and what it is made of at the first point (for the message). */
interface CardWork {
  readonly analysis: Analysis;
  rowEvaluations: number;
  resultValues: number;
  readonly factors: string;
}

/**
 * The error (E905) of a run whose total work or `.mvm` output is over `limits`, naming the cards and
 * sweeps that make it up; undefined when it is within them. `contextOf` gives each point's context
 * (its checked design); data files are read once for all points.
 */
export function runWorkExcess(points: readonly StepPoint[], contextOf: (point: StepPoint) => RunContext, design: Design, limits: RunLimits = DEFAULT_RUN_LIMITS): Diagnostic | undefined {
  const sizes = new DataSizes();
  const cards: CardWork[] = [];
  for (const point of points) {
    const ctx = contextOf(point);
    ctx.design.analyses.forEach((analysis, index) => {
      const work = cardWork(ctx, analysis, sizes);
      const sum = cards[index];
      if (sum) {
        sum.rowEvaluations += work.rowEvaluations;
        sum.resultValues += work.resultValues;
      } else {
        cards[index] = { ...work, analysis: design.analyses[index] };
      }
    });
  }
  const overPoints = design.sweeps.length === 0 ? '' : ` over ${points.length} .step points (${design.sweeps.map((sweep) => `${sweep.values.length} of .step ${sweep.param} at line ${sweep.span.line}`).join(' x ')})`;
  const mvm = cards.find((card) => card.analysis.kind === 'mvm' && card.resultValues > limits.maxMvmResultValues);
  if (mvm) {
    return workError(
      mvm.analysis,
      `.mvm would give ${formatCount(mvm.resultValues)} result values (${mvm.factors}${overPoints}), more than the limit of ${formatCount(limits.maxMvmResultValues)}`,
      'fewer trials or input vectors; .mc gives statistics of the outputs without keeping them',
    );
  }
  const total = cards.reduce((sum, card) => sum + card.rowEvaluations, 0);
  if (total <= limits.maxRowEvaluations) return undefined;
  const largest = [...cards].sort((a, b) => b.rowEvaluations - a.rowEvaluations);
  const parts = largest.slice(0, 3).map((card) => `.${card.analysis.kind} at line ${card.analysis.span.line}: ${formatCount(card.rowEvaluations)} (${card.factors})`);
  return workError(
    largest[0].analysis,
    `the run would pass ${formatCount(total)} input rows through its workloads${overPoints}, more than the limit of ${formatCount(limits.maxRowEvaluations)}: ${parts.join('; ')}${largest.length > 3 ? '; ...' : ''}`,
    'fewer runs, input rows or .step points',
  );
}

function cardWork(ctx: RunContext, analysis: Analysis, sizes: DataSizes): CardWork {
  const trials = (mode: 'ideal' | 'noisy' | 'ir', runs: number) => (mode === 'ideal' ? 1 : runs);
  const rows = (name: string, limit?: number) => Math.min(limit ?? Infinity, sizes.inputRows(ctx, name));
  const card = (rowEvaluations: number, factors: string, resultValues = 0): CardWork => ({ analysis, rowEvaluations, resultValues, factors });
  switch (analysis.kind) {
    case 'mvm': {
      const [k, vectors, outputs] = [trials(analysis.mode, analysis.trials), rows(analysis.inputs), sizes.outputWidth(ctx, analysis.workload)];
      return card(k * vectors, `${k} trials x ${vectors} vectors x ${outputs} outputs`, k * vectors * (outputs + 2));
    }
    case 'mse': {
      const vectors = rows(analysis.inputs);
      if (analysis.monteCarloTrials === 0) return card(vectors, `${vectors} rows`);
      return card((1 + analysis.monteCarloTrials) * vectors, `1 prediction + ${analysis.monteCarloTrials} Monte-Carlo trials x ${vectors} rows`);
    }
    case 'mc':
    case 'accuracy': {
      const [k, vectors] = [trials(analysis.mode, analysis.runs), rows(analysis.inputs, analysis.kind === 'accuracy' ? analysis.limit : undefined)];
      return card(k * vectors, `${k} runs x ${vectors} rows`);
    }
    case 'compare': {
      const [k, vectors, models] = [trials(analysis.mode, analysis.runs), rows(analysis.inputs), analysis.models.length];
      return card(models * k * vectors, `${models} models x ${k} runs x ${vectors} rows`);
    }
    case 'optimize': {
      const [k, vectors] = [trials(analysis.mode, analysis.runs), rows(analysis.inputs)];
      return card(analysis.points * k * vectors, `${analysis.points} evaluations x ${k} runs x ${vectors} rows`);
    }
  }
}

/** Rows of inputs and columns of weights, from the netlist for inline and random data, else read once per source. */
class DataSizes {
  private readonly read = new Map<string, number>();

  inputRows(ctx: RunContext, name: string): number {
    const definition = ctx.design.inputs.get(name.toLowerCase());
    const source = definition?.source;
    if (source?.kind === 'inline' || source?.kind === 'random') return source.rows;
    return this.once(definition, name, () => ctx.inputs(name).shape[0]);
  }

  /** Outputs per input vector of a workload: the columns of its (last) weight matrix, or an ONNX network's output size. */
  outputWidth(ctx: RunContext, workload: Workload): number {
    const network = workload.kind === 'network' ? ctx.design.networks.get(workload.network.toLowerCase()) : undefined;
    if (network?.kind === 'onnx') {
      const imported = ctx.onnx.load(network.path);
      return 'network' in imported ? shapeSize(networkShapes(imported.network).get(imported.network.outputs[0]) ?? []) : 0;
    }
    const name = workload.kind === 'array' ? workload.weights : network?.layers.at(-1)?.weights;
    if (name === undefined) return 0;
    const definition = ctx.design.weights.get(name.toLowerCase());
    const source = definition?.source;
    if (source?.kind === 'inline' || source?.kind === 'random') return source.cols;
    return this.once(definition, name, () => ctx.weights(name).cols);
  }

  private once(definition: TensorDefinition | undefined, name: string, count: () => number): number {
    const key = `${definition?.role ?? ''}\u0000${JSON.stringify(definition?.source ?? name)}`;
    let value = this.read.get(key);
    if (value === undefined) this.read.set(key, (value = count()));
    return value;
  }
}

function workError(analysis: Analysis, message: string, hint: string): Diagnostic {
  const { file, line, column } = analysis.span;
  return { severity: 'error', code: 'E905', message, file, line, column, hint };
}

/** 1234 as is, 12345678 as 1.23e7. */
function formatCount(value: number): string {
  return value < 1e6 ? String(value) : value.toExponential(2).replace('e+', 'e');
}
