import {
  type ConductanceMoments,
  type DeviceInstance,
  type DeviceModel,
  type ProgrammedCells,
  resolveParams,
} from '@xbar/core';
import { cellCurrent } from './bias.js';
import {
  TRUNCATION_SIGMAS,
  conductanceOfVariation,
  landingStates,
  mtjCell,
  nearestLevelIndex,
  nominalLevels,
  stateMoments,
  stateVariation,
} from './cell.js';
import { MTJ_PARAMS } from './params.js';
import { MTJ_PRESETS } from './presets.js';

/** What a programmed MTJ cell keeps: the state it landed in and its low-bias conductance. */
export interface MtjCells extends ProgrammedCells {
  /** Low-bias conductance in siemens (with device-to-device variation). */
  readonly conductance: Float64Array;
  /** Landed state index (ascending conductance; n - index junctions antiparallel). */
  readonly state: Uint16Array;
}

/** Creates an MTJ instance (the `create` of `mtjDevice`, typed with its cells). */
export function createMtj(values: Readonly<Record<string, number>> = {}): DeviceInstance<MtjCells> {
  const params = resolveParams('mtj', MTJ_PARAMS, values);
  const cell = mtjCell(params);
  const levels = nominalLevels(cell);
  const lastIndex = levels.length - 1;
  const states = { minSiemens: levels[0], maxSiemens: levels[lastIndex], levels };
  const perState = Array.from(levels, (_, i) => stateMoments(cell, i));
  const variations = Array.from(levels, (_, i) => stateVariation(cell, i));
  const { write_error: writeError, sigma_read: sigmaRead, rel_read: relRead } = params;
  const readVariance = (g: number) => sigmaRead * sigmaRead + relRead * relRead * g * g;
  return {
    modelName: 'mtj',
    params,
    states,
    program(targets, rng) {
      const n = targets.length;
      const conductance = new Float64Array(n);
      const state = new Uint16Array(n);
      const landing = new Float64Array(n);
      rng.fillNormal(conductance);
      if (writeError > 0) rng.fillUniform(landing);
      for (let i = 0; i < n; i++) {
        let index = nearestLevelIndex(levels, targets[i]);
        if (writeError > 0) {
          const u = landing[i];
          if (u < writeError / 2) {
            if (index > 0) index -= 1;
          } else if (u < writeError && index < lastIndex) {
            index += 1;
          }
        }
        state[i] = index;
        let z = conductance[i];
        while (Math.abs(z) > TRUNCATION_SIGMAS) z = rng.normal();
        const variation = variations[index];
        conductance[i] = conductanceOfVariation(cell, variation.mean + variation.std * z);
      }
      return { count: n, conductance, state };
    },
    read(cells, _timeSeconds, rng, out) {
      rng.fillNormal(out, 0, cells.count);
      for (let i = 0; i < cells.count; i++) {
        const g = cells.conductance[i];
        out[i] = g + Math.sqrt(readVariance(g)) * out[i];
      }
    },
    gaussianRead: {
      mean(cells, _timeSeconds, out) {
        out.set(cells.conductance.subarray(0, cells.count));
      },
      variance(cells, _timeSeconds, out) {
        for (let i = 0; i < cells.count; i++) out[i] = readVariance(cells.conductance[i]);
      },
    },
    moments(target): ConductanceMoments {
      const mixture = landingStates(nearestLevelIndex(levels, target), lastIndex, writeError);
      let mean = 0;
      for (const [index, probability] of mixture) mean += probability * perState[index].mean;
      let programmedVariance = 0;
      let noise = 0;
      for (const [index, probability] of mixture) {
        const m = perState[index];
        programmedVariance += probability * (m.variance + (m.mean - mean) ** 2);
        noise += probability * (sigmaRead * sigmaRead + relRead * relRead * (m.variance + m.mean * m.mean));
      }
      return { mean, variance: programmedVariance + noise, readVariance: noise };
    },
    current(conductance, voltage) {
      return cellCurrent(cell, conductance, voltage);
    },
  };
}

/**
 * Multi-state MTJ cell (n junctions in series or in parallel, n + 1 states): targets snap to the
 * nearest state; a write lands in a neighbouring state with probability `write_error`; each device's
 * junction resistances vary (truncated normal, fixed per device); reads add Gaussian read noise drawn
 * fresh at every read. The bias dependence of the TMR makes the cell nonlinear (`current`).
 */
export const mtjDevice: DeviceModel = {
  name: 'mtj',
  summary: 'multi-state magnetic tunnel junction cell: n junctions in series or parallel, n + 1 states, TMR bias dependence',
  params: MTJ_PARAMS,
  presets: MTJ_PRESETS,
  create: createMtj,
};
