import type { ConductanceStates } from '../device/contract.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { type ConductanceMapping, clipWeight } from './conductance-mapping.js';

/** Largest supported number of integer codes per weight (N^k - 1 must stay exact in float64 and sane). */
const MAX_CODES = 2 ** 32;

/**
 * N-ary slicing: |w| is quantized to an integer code q in [0, N^k - 1] (q = round(|w| / scale (N^k - 1))),
 * written in base N as k digits d_0 .. d_{k-1}; digit i sits on a differential pair of cells with
 * G = gmin + d_i (gmax - gmin) / (N - 1) on the side of the weight's sign and gmin on the other, and
 * has significance N^i. Every digit pair is read by its own ADC channel and the digits are combined
 * digitally. Output o uses columns 2 (o k + i) (plus) and 2 (o k + i) + 1 (minus) for digit i.
 */
export function mapNary(
  weights: Matrix,
  scales: Float64Array,
  states: ConductanceStates,
  statesPerCell: number,
  cellsPerWeight: number,
): ConductanceMapping {
  if (!Number.isInteger(statesPerCell) || statesPerCell < 2) {
    throw new RangeError(`N-ary mapping needs a whole number of states per cell >= 2, got ${statesPerCell}`);
  }
  if (!Number.isInteger(cellsPerWeight) || cellsPerWeight < 1) {
    throw new RangeError(`N-ary mapping needs a whole number of cells per weight >= 1, got ${cellsPerWeight}`);
  }
  const maxCode = statesPerCell ** cellsPerWeight - 1;
  if (maxCode >= MAX_CODES) {
    throw new RangeError(`N-ary mapping with ${statesPerCell} states and ${cellsPerWeight} cells per weight has ${maxCode + 1} codes; at most ${MAX_CODES} are supported`);
  }
  const { rows: outputs, cols: inputs } = weights;
  const k = cellsPerWeight;
  const channels = outputs * k;
  const columns = 2 * channels;
  const targets = new Float64Array(inputs * columns);
  const mapped = matrix(outputs, inputs);
  const stateStep = (states.maxSiemens - states.minSiemens) / (statesPerCell - 1);
  const channelOutput = new Int32Array(channels);
  const channelPositive = new Int32Array(channels);
  const channelNegative = new Int32Array(channels);
  const channelGain = new Float64Array(channels);
  for (let o = 0; o < outputs; o++) {
    const weightPerCode = scales[o] / maxCode;
    for (let digit = 0; digit < k; digit++) {
      const c = o * k + digit;
      channelOutput[c] = o;
      channelPositive[c] = 2 * c;
      channelNegative[c] = 2 * c + 1;
      channelGain[c] = (statesPerCell ** digit * weightPerCode) / stateStep;
    }
    for (let i = 0; i < inputs; i++) {
      const w = clipWeight(weights.data[o * inputs + i], scales[o]);
      let code = Math.round((Math.abs(w) / scales[o]) * maxCode); // |w| / scale first: no overflow for tiny scales
      mapped.data[o * inputs + i] = Math.sign(w) * code * weightPerCode;
      const plusSide = w > 0 ? 0 : 1;
      for (let digit = 0; digit < k; digit++) {
        const d = code % statesPerCell;
        code = (code - d) / statesPerCell;
        const c = o * k + digit;
        const row = i * columns;
        targets[row + 2 * c + plusSide] = d === statesPerCell - 1 ? states.maxSiemens : states.minSiemens + d * stateStep;
        targets[row + 2 * c + (1 - plusSide)] = states.minSiemens;
      }
    }
  }
  return {
    inputs,
    outputs,
    columns,
    targets,
    channelOutput,
    channelPositive,
    channelNegative,
    channelGain,
    referenceSiemens: undefined,
    weightScale: scales,
    mappedWeights: mapped,
  };
}
