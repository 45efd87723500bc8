import type { MappingConfig } from '../crossbar/config.js';
import type { ConductanceStates } from '../device/contract.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { mapDifferential } from './differential.js';
import { mapNary } from './nary.js';
import { mapOffset } from './offset.js';
import { weightScales } from './weight-scale.js';
import { type ConductanceMapping, REFERENCE_COLUMN } from './conductance-mapping.js';

/**
 * Maps a weight matrix (outputs x inputs) to conductance targets within the device's window
 * [states.minSiemens, states.maxSiemens] with the configured scheme and scale.
 */
export function mapWeights(weights: Matrix, config: MappingConfig, states: ConductanceStates): ConductanceMapping {
  if (!(states.maxSiemens > states.minSiemens)) {
    throw new RangeError(`device conductance window is empty: [${states.minSiemens}, ${states.maxSiemens}] S`);
  }
  if (!(config.clipFraction > 0 && config.clipFraction <= 1)) {
    throw new RangeError(`mapping clipFraction must be in (0, 1], got ${config.clipFraction}`);
  }
  const scales = weightScales(weights, config);
  switch (config.scheme) {
    case 'differential':
      return mapDifferential(weights, scales, states);
    case 'offset':
      return mapOffset(weights, scales, states);
    case 'nary':
      return mapNary(weights, scales, states, config.statesPerCell, config.cellsPerWeight);
    default: {
      const unknown: never = config.scheme;
      throw new RangeError(`unknown mapping scheme '${String(unknown)}'`);
    }
  }
}

/**
 * Reads weights back from conductances (targets by default) of a mapping: outputs x inputs. With the
 * targets this returns `mappedWeights` up to float rounding.
 */
export function readBackWeights(mapping: ConductanceMapping, conductances: Float64Array = mapping.targets): Matrix {
  const { inputs, outputs, columns } = mapping;
  const out = matrix(outputs, inputs);
  for (let c = 0; c < mapping.channelGain.length; c++) {
    const o = mapping.channelOutput[c];
    const pos = mapping.channelPositive[c];
    const neg = mapping.channelNegative[c];
    const gain = mapping.channelGain[c];
    for (let i = 0; i < inputs; i++) {
      const gNeg = neg === REFERENCE_COLUMN ? mapping.referenceSiemens! : conductances[i * columns + neg];
      out.data[o * inputs + i] += gain * (conductances[i * columns + pos] - gNeg);
    }
  }
  return out;
}
