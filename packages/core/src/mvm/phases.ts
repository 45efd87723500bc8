import type { DacConfig } from '../crossbar/config.js';
import { dacStep, quantizeInput } from '../periphery/dac.js';
import type { Matrix } from '../tensor/matrix.js';

/**
 * The row voltages applied for a batch: one or more phases per input vector. Without bit-serial
 * inputs there is one phase, V_i = Vread q(x_i) / inputRange, and its digital scale is
 * inputRange / Vread. With bit-serial inputs each magnitude bit p of each sign is a phase with
 * V_i = Vread (bit set) or 0, and its scale is (+-) 2^p step / Vread; the digitized phase outputs are
 * combined as y = sum_p scale_p y_p.
 */
export interface PhasedInputs {
  /** Voltages in volts, (vectors * phases) x inputs, vector-major (all phases of vector 0 first). */
  readonly voltages: Float64Array;
  readonly vectors: number;
  readonly phases: number;
  /** Digital scale of each phase, converting (weight x volt) to (weight x input unit). */
  readonly scales: Float64Array;
}

/** Phases per input vector for a DAC configuration. */
export function phaseCount(dac: DacConfig): number {
  return dac.bitSerial ? 2 * (dac.bits - 1) : 1;
}

/**
 * Input noise for the phases: standard normals `normals[v * stride + offset + i]` for virtual vector v
 * (vector b, phase p: v = b * phases + p) and input i, scaled by noiseRelative * Vread.
 */
export interface InputNoise {
  readonly normals: Float64Array;
  readonly stride: number;
  readonly offset: number;
}

/** Converts a batch of inputs to phase voltages through the DAC (clip, quantize, optional noise). */
export function toPhaseVoltages(x: Matrix, dac: DacConfig, noise?: InputNoise): PhasedInputs {
  const phases = phaseCount(dac);
  const inputs = x.cols;
  const voltages = new Float64Array(x.rows * phases * inputs);
  const scales = new Float64Array(phases);
  const step = dacStep(dac);
  const voltsPerInput = dac.readVoltage / dac.inputRange;
  if (!dac.bitSerial) {
    scales[0] = 1 / voltsPerInput;
    for (let k = 0; k < x.data.length; k++) voltages[k] = quantizeInput(x.data[k], dac, step) * voltsPerInput;
  } else {
    const magnitudeBits = dac.bits - 1;
    for (let p = 0; p < magnitudeBits; p++) {
      scales[p] = (2 ** p * step) / dac.readVoltage;
      scales[magnitudeBits + p] = -scales[p];
    }
    for (let b = 0; b < x.rows; b++) {
      for (let i = 0; i < inputs; i++) {
        const code = Math.round(quantizeInput(x.data[b * inputs + i], dac, step) / step);
        const magnitude = Math.abs(code);
        const signPhase = code < 0 ? magnitudeBits : 0;
        for (let p = 0; p < magnitudeBits; p++) {
          if ((magnitude >> p) & 1) voltages[(b * phases + signPhase + p) * inputs + i] = dac.readVoltage;
        }
      }
    }
  }
  if (noise && dac.noiseRelative > 0) {
    const sigma = dac.noiseRelative * dac.readVoltage;
    const virtualVectors = x.rows * phases;
    for (let v = 0; v < virtualVectors; v++) {
      const base = v * noise.stride + noise.offset;
      for (let i = 0; i < inputs; i++) voltages[v * inputs + i] += sigma * noise.normals[base + i];
    }
  }
  return { voltages, vectors: x.rows, phases, scales };
}
