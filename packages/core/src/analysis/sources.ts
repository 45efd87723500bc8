/**
 * The error sources the analytical engine can switch on and off, to attribute the output error.
 * - quantization: weight clipping, N-ary quantization and the snap of targets to device levels.
 * - deviceMean: E[G] minus the snapped target: drift of the mean at the read time and the mean
 *   shift of stuck-at faults (and any other bias of the device's sampler).
 * - programming: the variance fixed at programming (variance - readVariance of the device moments;
 *   programming error, stuck-at mixtures, drift-exponent spread).
 * - read: the variance drawn fresh at every read (readVariance).
 * - dac: input clipping and quantization. - adc: output quantization.
 * - inputNoise / outputNoise: the DAC's and the ADC's additive Gaussian noise.
 * - wires: the IR drop of arrays with wire resistance (`rwire=` and the driver, sense and access
 *   resistances): the circuit's effect on the weights and on the cells' noise. Off: ideal wires.
 */
export interface ErrorSources {
  readonly quantization: boolean;
  readonly deviceMean: boolean;
  readonly programming: boolean;
  readonly read: boolean;
  readonly dac: boolean;
  readonly adc: boolean;
  readonly inputNoise: boolean;
  readonly outputNoise: boolean;
  readonly wires: boolean;
}

export type ErrorSourceName = keyof ErrorSources;

export const ERROR_SOURCE_NAMES: readonly ErrorSourceName[] = [
  'quantization',
  'deviceMean',
  'programming',
  'read',
  'dac',
  'adc',
  'inputNoise',
  'outputNoise',
  'wires',
];

export const ALL_SOURCES: ErrorSources = {
  quantization: true,
  deviceMean: true,
  programming: true,
  read: true,
  dac: true,
  adc: true,
  inputNoise: true,
  outputNoise: true,
  wires: true,
};

/** Only the named source switched on. */
export function onlySource(name: ErrorSourceName): ErrorSources {
  return sourcesOf([name]);
}

/** The name of a source in netlists and result columns: `device_mean`, `input_noise`, `programming`. */
export function errorSourceKey(name: ErrorSourceName): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The source named `text` (`deviceMean` or `device_mean`, any case), or undefined. */
export function errorSourceNamed(text: string): ErrorSourceName | undefined {
  const wanted = text.trim().toLowerCase();
  return ERROR_SOURCE_NAMES.find((name) => name.toLowerCase() === wanted || errorSourceKey(name) === wanted);
}

/** The switches with exactly the named sources on. */
export function sourcesOf(names: readonly ErrorSourceName[]): ErrorSources {
  const sources: Record<ErrorSourceName, boolean> = { ...ALL_SOURCES };
  for (const key of ERROR_SOURCE_NAMES) sources[key] = names.includes(key);
  return sources;
}
