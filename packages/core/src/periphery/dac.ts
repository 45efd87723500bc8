import type { DacConfig } from '../crossbar/config.js';

/**
 * Input digital-to-analog conversion. A signed b-bit DAC has codes -(2^(b-1) - 1) .. 2^(b-1) - 1
 * over [-inputRange, inputRange] (aihwkit's inp_res = 1 / (2^b - 2) of the full range); bits = 0 is
 * an ideal DAC (no quantization, clipping only).
 */

/** True when the DAC passes inputs through unchanged (ideal and unclipped). */
export function isIdentityDac(dac: DacConfig): boolean {
  return dac.bits === 0 && dac.clip === false;
}

/** Input units per DAC code, or 0 for an ideal DAC. */
export function dacStep(dac: DacConfig): number {
  return dac.bits === 0 ? 0 : dac.inputRange / (2 ** (dac.bits - 1) - 1);
}

/** Fraction of the values of `x` beyond +-inputRange: the inputs a clipping DAC saturates (0 when it does not clip). */
export function clippedFraction(x: Float64Array, dac: DacConfig): number {
  if (dac.clip === false || x.length === 0) return 0;
  let clipped = 0;
  for (let k = 0; k < x.length; k++) if (Math.abs(x[k]) > dac.inputRange) clipped++;
  return clipped / x.length;
}

/** Clips x to +-inputRange and rounds it to the DAC's grid: the input value the DAC represents. */
export function quantizeInput(x: number, dac: DacConfig, step = dacStep(dac)): number {
  if (dac.clip === false) return x;
  const clipped = x > dac.inputRange ? dac.inputRange : x < -dac.inputRange ? -dac.inputRange : x;
  return step === 0 ? clipped : Math.round(clipped / step) * step;
}

/** Refuses DAC settings outside their ranges, naming the setting, its unit and the allowed range. */
export function validateDac(dac: DacConfig): void {
  if (!Number.isInteger(dac.bits) || dac.bits === 1 || dac.bits < 0 || dac.bits > 32) {
    throw new RangeError(`DAC bits must be 0 (ideal) or a whole number in [2, 32], got ${dac.bits}`);
  }
  if (!(dac.inputRange > 0 && Number.isFinite(dac.inputRange))) throw new RangeError(`DAC inputRange must be > 0, got ${dac.inputRange}`);
  if (dac.range !== 'fixed' && dac.range !== 'calibrated') throw new RangeError(`DAC range must be 'fixed' or 'calibrated', got '${String(dac.range)}'`);
  if (!(dac.calibrationMargin >= 1 && dac.calibrationMargin <= 100)) throw new RangeError(`DAC calibrationMargin must be in [1, 100], got ${dac.calibrationMargin}`);
  if (!(dac.readVoltage > 0 && dac.readVoltage <= 10)) throw new RangeError(`DAC readVoltage must be in (0, 10] V, got ${dac.readVoltage} V`);
  if (!(dac.noiseRelative >= 0 && dac.noiseRelative <= 10)) throw new RangeError(`DAC noiseRelative must be in [0, 10], got ${dac.noiseRelative}`);
  if (dac.clip === false && dac.bits !== 0) throw new RangeError(`an unclipped DAC (clip false) must be ideal (bits 0), got ${dac.bits} bits`);
  if (dac.bitSerial && dac.bits === 0) throw new RangeError('bit-serial inputs need a DAC resolution: set DAC bits >= 2');
}
