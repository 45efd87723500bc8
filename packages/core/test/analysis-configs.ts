import { type CrossbarConfig, type DeviceInstance, crossbarConfig, gaussianDevice } from '../src/index.js';

/** One hardware configuration of the agreement tests: a source alone (or all) at a noise level. */
export interface SourceCase {
  readonly source: string;
  readonly level: number;
  /** Input range of the DAC of each weight node (activations of later layers exceed 1). */
  readonly config: (inputRange: number) => CrossbarConfig;
}

const G_MAX = 1e-4;

function device(values: Record<string, number>): DeviceInstance {
  return gaussianDevice.create({ gmin: 0, gmax: G_MAX, ...values });
}

/**
 * Each error source alone at `level` (a relative size: noise std relative to Gmax or to the
 * periphery full scale; for quantizers, bits = round(-log2(level)) ), and all together.
 */
export function sourceCases(level: number): SourceCase[] {
  const bits = Math.min(12, Math.max(4, Math.round(-Math.log2(level)) + 2));
  const ideal = device({});
  const make = (d: DeviceInstance, extra: { dac?: object; adc?: object } = {}) => (inputRange: number) =>
    crossbarConfig({ device: d, dac: { inputRange, ...extra.dac }, adc: { ...extra.adc } });
  return [
    { source: 'quantization', level, config: make(device({ levels: 2 ** bits + 1 })) },
    { source: 'programming', level, config: make(device({ sigma_prog: level * G_MAX })) },
    { source: 'read', level, config: make(device({ sigma_read: level * G_MAX })) },
    { source: 'dac', level, config: make(ideal, { dac: { bits } }) },
    { source: 'adc', level, config: make(ideal, { adc: { bits } }) },
    { source: 'inputNoise', level, config: make(ideal, { dac: { noiseRelative: level } }) },
    { source: 'outputNoise', level, config: make(ideal, { adc: { noiseRelative: level } }) },
    {
      source: 'all',
      level,
      config: make(device({ levels: 2 ** bits + 1, sigma_prog: level * G_MAX, sigma_read: level * G_MAX }), {
        dac: { bits, noiseRelative: level },
        adc: { bits, noiseRelative: level },
      }),
    },
  ];
}
