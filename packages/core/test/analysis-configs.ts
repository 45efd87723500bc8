import { type CrossbarConfig, type DeviceInstance, HardwareNetwork, type Network, type Tensor, crossbarConfig, gaussianDevice, idealNodeOutputs, producerName, tensor } from '../src/index.js';

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

/**
 * DAC input range of every weight node (index = order among weight nodes) for a batch: the largest
 * |ideal input| of the node, rounded up to a power of two (at least 1), so no ideal input clips.
 */
export function layerInputRanges(network: Network, input: Tensor): number[] {
  const ideal = idealNodeOutputs(network, input);
  const ranges: number[] = [];
  for (const node of network.nodes) {
    if (node.op !== 'dense' && node.op !== 'conv2d') continue;
    const name = node.inputs[0];
    const data = name === network.inputName ? input.data : ideal.get(producerName(network, name))!.data;
    let largest = 0;
    for (const value of data) largest = Math.max(largest, Math.abs(value));
    ranges.push(Math.max(1, 2 ** Math.ceil(Math.log2(largest || 1))));
  }
  return ranges;
}

/** The hardware of a source case on a network: per-layer DAC ranges from the batch, ADCs calibrated on it. */
export function caseHardware(network: Network, input: Tensor, source: string, level: number): HardwareNetwork {
  const c = sourceCases(level).find((s) => s.source === source);
  if (!c) throw new RangeError(`unknown source case '${source}'`);
  const ranges = layerInputRanges(network, input);
  const hardware = HardwareNetwork.create(network, (_node, k) => c.config(ranges[k]));
  hardware.calibrate(input);
  return hardware;
}

/** The source-case names of `sourceCases` (each error source alone, then 'all'). */
export const SOURCE_CASE_NAMES = ['quantization', 'programming', 'read', 'dac', 'adc', 'inputNoise', 'outputNoise', 'all'] as const;

/** The first `count` samples of a batch, repeated cyclically to `count` samples if it has fewer. */
export function repeatBatch(input: Tensor, count: number): Tensor {
  const size = input.data.length / input.shape[0];
  const out = tensor([count, ...input.shape.slice(1)]);
  for (let b = 0; b < count; b++) out.data.set(input.data.subarray((b % input.shape[0]) * size, ((b % input.shape[0]) + 1) * size), b * size);
  return out;
}
