import type { ConductanceStates } from '../device/contract.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { type ConductanceMapping, clipWeight } from './conductance-mapping.js';

/**
 * Differential pair: w ~ G+ - G-, with G+ = gmin + c max(w, 0) and G- = gmin + c max(-w, 0),
 * c = (gmax - gmin) / scale. Output o uses columns 2o (plus) and 2o + 1 (minus).
 */
export function mapDifferential(weights: Matrix, scales: Float64Array, states: ConductanceStates): ConductanceMapping {
  const { rows: outputs, cols: inputs } = weights;
  const columns = 2 * outputs;
  const targets = new Float64Array(inputs * columns);
  const mapped = matrix(outputs, inputs);
  const window = states.maxSiemens - states.minSiemens;
  const channelGain = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    channelGain[o] = scales[o] / window;
    for (let i = 0; i < inputs; i++) {
      const w = clipWeight(weights.data[o * inputs + i], scales[o]);
      mapped.data[o * inputs + i] = w;
      // |w| / scale first: a window / scale factor could overflow for tiny scales; min() keeps rounding inside the window
      const magnitude = Math.min(window, window * (Math.abs(w) / scales[o]));
      targets[i * columns + 2 * o] = states.minSiemens + (w > 0 ? magnitude : 0);
      targets[i * columns + 2 * o + 1] = states.minSiemens + (w < 0 ? magnitude : 0);
    }
  }
  return {
    inputs,
    outputs,
    columns,
    targets,
    channelOutput: Int32Array.from({ length: outputs }, (_, o) => o),
    channelPositive: Int32Array.from({ length: outputs }, (_, o) => 2 * o),
    channelNegative: Int32Array.from({ length: outputs }, (_, o) => 2 * o + 1),
    channelGain,
    referenceSiemens: undefined,
    weightScale: scales,
    mappedWeights: mapped,
  };
}
