import { ProgrammedNetwork, type Tensor, firstTileColumnCurrents, runNetwork } from '@xbar/core';
import { XbarError, runtimeError } from '../errors.js';
import type { MvmAnalysis } from '@xbar/dsl';
import type { RunContext } from '../run/context.js';
import { withWorkloadNotes } from '../run/hardware-notes.js';
import type { AnalysisRows, Cell } from '../run/results.js';
import { type BuiltWorkload, buildWorkload, describeWorkload } from '../build/workload.js';
import type { CardRunner } from './card.js';

/**
 * `.mvm`: the workload's outputs for every input vector; `mode=ideal` the exact float64 product (one
 * row per vector, trial 0), `noisy` one independent programming per trial (trial k from the streams
 * of (seed, k)), `ir` the same with every array solved as a circuit with its wire resistances. Columns: trial, vector, y0 ... y(m-1).
 * `ir` also gives, for the report, the first tile's column currents with and without IR drop.
 */
export function runMvm(ctx: RunContext, analysis: MvmAnalysis): AnalysisRows {
  const built = buildWorkload(ctx, analysis.workload, ctx.inputs(analysis.inputs));
  try {
    return mvmRows(ctx, analysis, built.inputs, built);
  } catch (error) {
    if (error instanceof XbarError) throw error;
    throw runtimeError(`.mvm: running the workload failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function mvmRows(ctx: RunContext, analysis: MvmAnalysis, inputs: Tensor, built: BuiltWorkload): AnalysisRows {
  const rows: Cell[][] = [];
  const append = (trial: number, data: Float64Array, width: number) => {
    for (let v = 0; v < inputs.shape[0]; v++) rows.push([trial, v, ...data.subarray(v * width, (v + 1) * width)]);
  };
  let width = 0;
  if (analysis.mode === 'ideal') {
    const [y] = runNetwork(built.network, inputs);
    width = y.data.length / Math.max(1, inputs.shape[0]);
    append(0, y.data, width);
  } else {
    for (let k = 0; k < analysis.trials; k++) {
      const y = ProgrammedNetwork.program(built.hardware, ctx.seed(analysis), k, analysis.readTimeSeconds, { irDrop: analysis.mode === 'ir' })
        .run(inputs)
        .get(built.outputNode)!;
      width = y.data.length / Math.max(1, inputs.shape[0]);
      append(k, y.data, width);
    }
  }
  const columns = ['trial', 'vector', ...Array.from({ length: width }, (_, o) => `y${o}`)];
  const columnCurrents = analysis.mode === 'ir' ? firstTileColumnCurrents(built.hardware, inputs) : undefined;
  return withWorkloadNotes({ columns, rows, ...(columnCurrents !== undefined ? { columnCurrents } : {}) }, built, analysis.mode);
}

/** The `.mvm` card. */
export const mvmCard: CardRunner<MvmAnalysis> = {
  describe: (analysis) => `.mvm ${describeWorkload(analysis.workload)} inputs=${analysis.inputs} mode=${analysis.mode} trials=${analysis.trials}`,
  direct: runMvm,
};
