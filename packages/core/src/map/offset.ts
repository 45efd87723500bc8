import type { ConductanceStates } from '../device/contract.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { type ConductanceMapping, REFERENCE_COLUMN, clipWeight } from './conductance-mapping.js';

/**
 * Single device with a reference column: G = g_ref + c w around the mid-window reference
 * g_ref = (gmin + gmax) / 2, c = (gmax - gmin) / (2 scale). Each tile has one reference column with
 * all cells at g_ref, subtracted in analog from every column of the tile.
 */
export function mapOffset(weights: Matrix, scales: Float64Array, states: ConductanceStates): ConductanceMapping {
  const { rows: outputs, cols: inputs } = weights;
  const targets = new Float64Array(inputs * outputs);
  const mapped = matrix(outputs, inputs);
  const halfWindow = (states.maxSiemens - states.minSiemens) / 2;
  const reference = states.minSiemens + halfWindow;
  const channelGain = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    channelGain[o] = scales[o] / halfWindow;
    for (let i = 0; i < inputs; i++) {
      const w = clipWeight(weights.data[o * inputs + i], scales[o]);
      mapped.data[o * inputs + i] = w;
      const g = reference + halfWindow * (w / scales[o]); // w / scale first: no overflow for tiny scales
      targets[i * outputs + o] = Math.min(states.maxSiemens, Math.max(states.minSiemens, g));
    }
  }
  return {
    inputs,
    outputs,
    columns: outputs,
    targets,
    channelOutput: Int32Array.from({ length: outputs }, (_, o) => o),
    channelPositive: Int32Array.from({ length: outputs }, (_, o) => o),
    channelNegative: new Int32Array(outputs).fill(REFERENCE_COLUMN),
    channelGain,
    referenceSiemens: reference,
    weightScale: scales,
    mappedWeights: mapped,
  };
}
