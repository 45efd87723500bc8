import type { AdcConfig } from '../crossbar/config.js';
import type { Amperes } from '../units.js';

/**
 * Output analog-to-digital conversion of one channel current. A signed b-bit ADC has codes
 * -(2^(b-1) - 1) .. 2^(b-1) - 1 over [-range, range] (aihwkit's out_res = 1 / (2^b - 2) of the full
 * range); currents beyond the range are clipped. bits = 0 is an ideal ADC: no quantization, no clipping.
 */

/** Amperes per ADC code for a full scale of +-rangeAmperes, or 0 for an ideal ADC. */
export function adcStep(adc: AdcConfig, rangeAmperes: Amperes): Amperes {
  return adc.bits === 0 ? 0 : rangeAmperes / (2 ** (adc.bits - 1) - 1);
}

/** The current the ADC reports for `current` with full scale +-rangeAmperes and code size `step`. */
export function convertCurrent(current: Amperes, rangeAmperes: Amperes, step: Amperes): Amperes {
  if (step === 0) return current;
  const clipped = current > rangeAmperes ? rangeAmperes : current < -rangeAmperes ? -rangeAmperes : current;
  return Math.round(clipped / step) * step;
}

/** Refuses ADC settings outside their ranges. */
export function validateAdc(adc: AdcConfig): void {
  if (!Number.isInteger(adc.bits) || adc.bits === 1 || adc.bits < 0 || adc.bits > 32) {
    throw new RangeError(`ADC bits must be 0 (ideal) or a whole number in [2, 32], got ${adc.bits}`);
  }
  if (adc.range === 'fixed' && !(adc.rangeAmperes > 0 && adc.rangeAmperes <= 1)) {
    throw new RangeError(`ADC rangeAmperes must be in (0, 1] A, got ${adc.rangeAmperes} A`);
  }
  if (!(adc.calibrationMargin >= 1 && adc.calibrationMargin <= 100)) {
    throw new RangeError(`ADC calibrationMargin must be in [1, 100], got ${adc.calibrationMargin}`);
  }
  if (!(adc.noiseRelative >= 0 && adc.noiseRelative <= 10)) throw new RangeError(`ADC noiseRelative must be in [0, 10], got ${adc.noiseRelative}`);
}
