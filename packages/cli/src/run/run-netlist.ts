import type { Analysis, Design } from '@xbar/dsl';
import { runAccuracy } from './accuracy.js';
import { runCompare } from './compare.js';
import { type FileCache, RunContext } from './context.js';
import { runMonteCarlo } from './monte-carlo.js';
import { runMse } from './mse.js';
import { runMvm } from './mvm.js';
import { runOptimize } from './optimize.js';
import type { Cell, ResultTable } from './results.js';
import { type StepPoint, stepPoints } from './sweep.js';
import { describeWorkload } from './workload.js';

/** How to run a netlist: its first design, and a way to re-check it at other parameter values. */
export interface NetlistRun {
  readonly design: Design;
  readonly check: (overrides: StepPoint) => Design;
  readonly cwd: string;
  readonly seed?: number;
  /** Called before each analysis at each step point (for progress lines on stderr). */
  readonly onAnalysis?: (analysis: Analysis, point: StepPoint) => void;
}

/**
 * Runs every analysis card of the netlist in order, once per `.step` point (the netlist re-checked
 * with the point's values). Returns one table per card; with sweeps its rows start with the swept
 * parameters' values.
 */
export function runNetlist(run: NetlistRun): ResultTable[] {
  const points = stepPoints(run.design.sweeps);
  const stepColumns = run.design.sweeps.map((sweep) => sweep.param);
  const files: FileCache = new Map();
  const tables = run.design.analyses.map((analysis, index) => ({ analysis, index, columns: [] as string[], rows: [] as Cell[][] }));
  for (const point of points) {
    const design = run.design.sweeps.length === 0 ? run.design : run.check(point);
    const ctx = new RunContext(design, run.cwd, files, run.seed, (overrides) => run.check({ ...point, ...overrides }));
    design.analyses.forEach((analysis, index) => {
      run.onAnalysis?.(analysis, point);
      const result = runAnalysis(ctx, analysis);
      const table = tables[index];
      table.columns = [...stepColumns, ...result.columns];
      for (const row of result.rows) table.rows.push([...stepColumns.map((name) => point[name.toLowerCase()]), ...row]);
    });
  }
  return tables.map(({ analysis, index, columns, rows }) => ({ kind: analysis.kind, index, line: analysis.span.line, title: describeAnalysis(analysis), columns, rows }));
}

function runAnalysis(ctx: RunContext, analysis: Analysis): { columns: string[]; rows: Cell[][] } {
  switch (analysis.kind) {
    case 'mvm':
      return runMvm(ctx, analysis);
    case 'mc':
      return runMonteCarlo(ctx, analysis);
    case 'mse':
      return runMse(ctx, analysis);
    case 'accuracy':
      return runAccuracy(ctx, analysis);
    case 'optimize':
      return runOptimize(ctx, analysis);
    case 'compare':
      return runCompare(ctx, analysis);
  }
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
