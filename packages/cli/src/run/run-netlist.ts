import type { Analysis, Design } from '@xbar/dsl';
import type { ProgressReporter } from '../progress/reporter.js';
import type { RunContext } from './context.js';
import { runMse } from './mse.js';
import { runMvm } from './mvm.js';
import { runOptimize } from './optimize.js';
import type { AnalysisRows, Cell, ResultTable } from './results.js';
import type { StepPoint } from './sweep.js';
import type { TrialEvaluator } from './trial-evaluator.js';
import { type EvaluatedWorkload, requestTrials, trialPlan } from './trial-plan.js';
import { describeWorkload } from './workload.js';
import { errorEstimateKey } from './workload-key.js';

/** The results of every analysis card at one `.step` point, in card order. Plain data. */
export type PointResult = readonly AnalysisRows[];

/**
 * Runs every analysis card of a point's design in order. Monte-Carlo trials of `.mc`, `.accuracy` and
 * `.compare` go through `evaluate` (which may split them over worker threads), each such card showing
 * its trials on `progress`.
 */
export async function runPoint(ctx: RunContext, evaluate: TrialEvaluator, progress: ProgressReporter): Promise<PointResult> {
  const results: AnalysisRows[] = [];
  for (const [analysisIndex, analysis] of ctx.design.analyses.entries()) {
    const plan = trialPlan(ctx, analysis);
    if (!plan) {
      results.push(runDirectAnalysis(ctx, analysis));
      continue;
    }
    progress.start(plan.requests.reduce((sum, request) => sum + requestTrials(request), 0), `.${analysis.kind} (line ${analysis.span.line}): trials`);
    try {
      const evaluated: EvaluatedWorkload[] = [];
      for (const [requestIndex, request] of plan.requests.entries()) {
        evaluated.push(await evaluate(ctx, request, { analysisIndex, requestIndex }, (trials) => progress.tick(trials)));
      }
      results.push(plan.rows(evaluated));
    } finally {
      progress.stop();
    }
  }
  return results;
}

/** The analyses that run in this thread as a whole: `.mvm`, `.mse`, `.optimize`. */
function runDirectAnalysis(ctx: RunContext, analysis: Analysis): AnalysisRows {
  switch (analysis.kind) {
    case 'mvm':
      return runMvm(ctx, analysis);
    case 'mse':
      return runMse(ctx, analysis);
    case 'optimize':
      return runOptimize(ctx, analysis);
    default:
      throw new Error(`${analysis.kind} runs through its trial plan`);
  }
}

/**
 * One table per card from the results of every `.step` point (in point order); with sweeps, each row
 * starts with the swept parameters' values. Without sweeps, a card's report-only data (column
 * currents) is kept on its table.
 */
export function assembleTables(design: Design, points: readonly StepPoint[], results: readonly PointResult[]): ResultTable[] {
  const stepColumns = design.sweeps.map((sweep) => sweep.param);
  const stepValues = (point: StepPoint) => stepColumns.map((name) => point[name.toLowerCase()]);
  return design.analyses.map((analysis, index) => {
    let columns: string[] = [...stepColumns];
    const rows: ResultTable['rows'] = [];
    let dac: { columns: string[]; rows: Cell[][] } | undefined;
    const warningPoints = new Map<string, StepPoint[]>();
    points.forEach((point, p) => {
      const result = results[p][index];
      columns = [...stepColumns, ...result.columns];
      for (const row of result.rows) rows.push([...stepValues(point), ...row]);
      if (result.dac) {
        dac ??= { columns: [...stepColumns, ...result.dac.columns], rows: [] };
        for (const row of result.dac.rows) dac.rows.push([...stepValues(point), ...row]);
      }
      for (const warning of result.warnings ?? []) warningPoints.set(warning, [...(warningPoints.get(warning) ?? []), point]);
    });
    const estimateKey = errorEstimateKey(analysis);
    const columnCurrents = design.sweeps.length === 0 ? results[0]?.[index]?.columnCurrents : undefined;
    return {
      kind: analysis.kind,
      index,
      line: analysis.span.line,
      title: describeAnalysis(analysis),
      workload: analysis.kind === 'accuracy' ? `net=${analysis.network}` : describeWorkload(analysis.workload),
      columns,
      rows,
      ...(estimateKey !== undefined ? { estimateKey } : {}),
      ...(columnCurrents !== undefined ? { columnCurrents } : {}),
      ...(dac !== undefined ? { dac } : {}),
      warnings: [...warningPoints].map(([warning, at]) => (at.length === points.length ? warning : `${warning} (at ${describePoints(at)})`)),
    };
  });
}

/** `p=1, 2 and 3 more` for the first few points of a warning that does not hold at every point. */
function describePoints(points: readonly StepPoint[]): string {
  const shown = points.slice(0, 3).map((point) => Object.entries(point).map(([name, value]) => `${name}=${value}`).join(' '));
  return points.length > shown.length ? `${shown.join('; ')} and ${points.length - shown.length} more points` : shown.join('; ');
}

/** A card as one line, e.g. `.accuracy net=mlp inputs=X labels=Y runs=5 (line 12)`. */
export function describeAnalysis(analysis: Analysis): string {
  const line = `(${analysis.span.file}:${analysis.span.line})`;
  switch (analysis.kind) {
    case 'mvm':
      return `.mvm ${describeWorkload(analysis.workload)} inputs=${analysis.inputs} mode=${analysis.mode} trials=${analysis.trials} ${line}`;
    case 'mc':
      return `.mc ${describeWorkload(analysis.workload)} inputs=${analysis.inputs} metric=${analysis.metric} mode=${analysis.mode} runs=${analysis.runs} ${line}`;
    case 'mse':
      return `.mse ${describeWorkload(analysis.workload)} inputs=${analysis.inputs} ${line}`;
    case 'accuracy':
      return `.accuracy net=${analysis.network} inputs=${analysis.inputs} labels=${analysis.labels} mode=${analysis.mode} runs=${analysis.runs} ${line}`;
    case 'optimize':
      return `.optimize param=${analysis.param} ${describeWorkload(analysis.workload)} metric=${analysis.metric} goal=${analysis.goal} ${line}`;
    case 'compare':
      return `.compare models=(${analysis.models.join(' ')}) ${describeWorkload(analysis.workload)} metric=${analysis.metric} runs=${analysis.runs} ${line}`;
  }
}
