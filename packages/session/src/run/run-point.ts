import type { Design } from '@xbar/dsl';
import type { ProgressReporter } from '../progress.js';
import type { RunContext } from './context.js';
import type { AnalysisRows, Cell, ResultTable } from './results.js';
import type { StepPoint } from './sweep.js';
import type { MetricRequest } from './evaluate.js';
import { type EvaluatedWorkload, requestTrials } from './trial-plan.js';
import { cardRunner, describeAnalysis } from '../cards/registry.js';
import { describeWorkload } from '../build/workload.js';
import { errorEstimateKey } from '../build/workload-key.js';

/** Where a request is in the netlist, for a worker to build it again: analysis k, request i of its plan. */
export interface RequestLocation {
  readonly analysisIndex: number;
  readonly requestIndex: number;
}

/**
 * Evaluates every trial of a request; `tick(n)` after each n finished trials. The CLI's evaluator
 * may split the trials over worker threads.
 */
export type TrialEvaluator = (ctx: RunContext, request: MetricRequest, where: RequestLocation, tick: (trials: number) => void) => Promise<EvaluatedWorkload>;

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
    const runner = cardRunner(analysis);
    if ('direct' in runner) {
      results.push(await runner.direct(ctx, analysis));
      continue;
    }
    const plan = runner.trials(ctx, analysis);
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
