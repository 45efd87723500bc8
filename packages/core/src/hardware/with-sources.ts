import type { ErrorSources } from '../analysis/sources.js';
import { deviceWithSources } from '../device/with-sources.js';
import type { CrossbarLayer } from '../mvm/crossbar-layer.js';
import type { Tile } from '../tile/tiling.js';
import type { HardwareNetwork } from './hardware-network.js';

/**
 * The hardware with only the given error sources switched on, for Monte-Carlo attribution of the
 * output error (the counterpart of `new MseAnalyzer(hardware, sources)`): every crossbar layer keeps
 * its mapping, tiles and ADC ranges, and
 * - its device samples only the switched-on device sources (`deviceWithSources`),
 * - with quantization off, each cell also carries the conductance that makes the cells represent
 *   the original float weights (what weight clipping and N-ary digits lost), on one channel per
 *   output and row tile, so the analog sums, the ADC and the noise see the weights the analysis uses,
 * - dac off: an ideal, unclipped DAC; adc off: an ideal ADC; inputNoise / outputNoise off: no noise;
 * - wires off: ideal wires (the arrays lose their wire resistances).
 */
export function hardwareWithSources(hardware: HardwareNetwork, sources: ErrorSources): HardwareNetwork {
  return hardware.withLayers((layer, entry, group) => {
    const rows = layer.outputs;
    const cols = layer.inputs;
    const original = entry.node.weights.data.subarray(group * rows * cols, (group + 1) * rows * cols);
    const offsets = sources.quantization ? undefined : quantizationOffsets(layer, original);
    const device = deviceWithSources(layer.config.device, sources, { offsets: offsets ? (targets) => offsets.get(targets) : undefined });
    const { dac, adc } = layer.config;
    return layer.reconfigured({
      device,
      dac: {
        ...dac,
        ...(sources.dac ? {} : { bits: 0, clip: false, bitSerial: false }),
        noiseRelative: sources.inputNoise ? dac.noiseRelative : 0,
      },
      adc: { ...adc, bits: sources.adc ? adc.bits : 0, noiseRelative: sources.outputNoise ? adc.noiseRelative : 0 },
      wires: sources.wires ? layer.config.wires : undefined,
    });
  });
}

/**
 * Per tile (keyed by its target array), the conductance added to each cell so that the layer's
 * cells represent `original` (outputs x inputs) exactly: for every output and row tile, the weight
 * difference original - mapped goes, divided by the channel gain, onto the positive cell of the
 * output's channel with the largest gain in that row tile. Undefined when nothing was lost.
 */
export function quantizationOffsets(layer: CrossbarLayer, original: Float64Array): Map<Float64Array, Float64Array> | undefined {
  const mapped = layer.mappedWeights().data;
  const inputs = layer.inputs;
  let lost = false;
  for (let w = 0; w < mapped.length && !lost; w++) lost = original[w] !== mapped[w];
  if (!lost) return undefined;
  const { tiles, rowTiles, columnTiles } = layer.tiled;
  const offsets = new Map<Float64Array, Float64Array>();
  for (let r = 0; r < rowTiles; r++) {
    const rowBlock = tiles.slice(r * columnTiles, (r + 1) * columnTiles);
    for (const [tile, k] of largestGainChannels(rowBlock, layer.outputs)) {
      let cells = offsets.get(tile.targets);
      if (!cells) offsets.set(tile.targets, (cells = new Float64Array(tile.targets.length)));
      const o = tile.channelOutput[k];
      const column = tile.channelPositive[k];
      for (let i = 0; i < tile.rowCount; i++) {
        const w = o * inputs + tile.rowStart + i;
        cells[i * tile.cols + column] += (original[w] - mapped[w]) / tile.channelGain[k];
      }
    }
  }
  return offsets;
}

/** For every output, the (tile, local channel) of its largest-gain channel among `tiles` (one row tile). */
function largestGainChannels(tiles: readonly Tile[], outputs: number): Array<[Tile, number]> {
  const best = new Array<[Tile, number] | undefined>(outputs);
  for (const tile of tiles) {
    for (let k = 0; k < tile.channelGain.length; k++) {
      const o = tile.channelOutput[k];
      const current = best[o];
      if (!current || tile.channelGain[k] > current[0].channelGain[current[1]]) best[o] = [tile, k];
    }
  }
  return best.filter((entry): entry is [Tile, number] => entry !== undefined);
}
