import type { CrossbarConfig } from '../crossbar/config.js';
import type { HardwareNetwork } from '../hardware/hardware-network.js';
import type { ErrorSourceName, ErrorSources } from './sources.js';

/**
 * Whether a layer's hardware can have each error source at all, from its configuration alone: weight
 * quantization needs clipping, N-ary digits or device levels; the ADC and the DAC's and ADC's noise
 * need their settings. Sources that depend on the device's moments (device mean, programming, read)
 * and the DAC (its clipping depends on the data) count as present.
 */
const CAN_HAVE: Readonly<Record<ErrorSourceName, (config: CrossbarConfig) => boolean>> = {
  quantization: (config) => config.mapping.clipFraction < 1 || config.mapping.scheme === 'nary' || config.device.states.levels !== undefined,
  deviceMean: () => true,
  programming: () => true,
  read: () => true,
  dac: () => true,
  adc: (config) => config.adc.bits > 0,
  inputNoise: (config) => config.dac.noiseRelative > 0,
  outputNoise: (config) => config.adc.noiseRelative > 0,
  wires: (config) => config.wires !== undefined,
};

/**
 * The error sources some weight node of `hardware` can have. A source that none can have is absent:
 * its MSE is exactly 0, whatever floating-point rounding a prediction of it would leave (a continuous
 * device's "quantization" is the round trip of the mapping, ~1e-32).
 */
export function presentErrorSources(hardware: HardwareNetwork): ErrorSources {
  const configs = hardware.weightNodes().map((entry) => entry.config);
  const can = (name: ErrorSourceName) => configs.some(CAN_HAVE[name]);
  return {
    quantization: can('quantization'),
    deviceMean: can('deviceMean'),
    programming: can('programming'),
    read: can('read'),
    dac: can('dac'),
    adc: can('adc'),
    inputNoise: can('inputNoise'),
    outputNoise: can('outputNoise'),
    wires: can('wires'),
  };
}
