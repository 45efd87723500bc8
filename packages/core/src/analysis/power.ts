import { type HardwareNetwork, idealNodeOutputs, producerName } from '../hardware/hardware-network.js';
import { gatherPatches } from '../hardware/patches.js';
import type { Tensor } from '../network/tensor.js';
import type { Watts } from '../units.js';

/** Read power of one weight node's arrays, averaged over the batch. */
export interface LayerPower {
  readonly name: string;
  /** Mean over the inputs of sum over MVMs (positions) of sum_ij G_ij V_i^2, in watts (one MVM per position per sample). */
  readonly watts: Watts;
}

/**
 * Crossbar read power (REFERENCE 3.3, first term): P = sum_i E[V_i^2] sum_j G_ij per MVM, with
 * V_i = Vread x_i / inputRange the row voltage of the (DAC-clipped) ideal activation x_i and G the
 * target conductances of every tile (both cells of a pair, and the reference column). Summed over the
 * positions of a conv (one MVM each) and averaged over the batch. The noise's own contribution to
 * E[x^2] and the transimpedance term are neglected.
 */
export function arrayReadPower(hardware: HardwareNetwork, input: Tensor): { layers: LayerPower[]; totalWatts: Watts } {
  const ideal = idealNodeOutputs(hardware.network, input);
  const batch = input.shape[0];
  const layers: LayerPower[] = [];
  for (const entry of hardware.weightNodes()) {
    const name = entry.node.inputs[0];
    const source = name === hardware.network.inputName ? input : ideal.get(producerName(hardware.network, name))!;
    const { layout, config } = entry;
    const patches = new Float64Array(batch * layout.positions * layout.patchSize);
    const voltsPerInput = config.dac.readVoltage / config.dac.inputRange;
    let watts = 0;
    entry.groups.forEach((layer, g) => {
      gatherPatches(layout, g, source.data, batch, patches);
      // row conductance sums per input row of this group
      const rowSums = new Float64Array(layer.inputs);
      for (const tile of layer.tiled.tiles) {
        for (let i = 0; i < tile.rowCount; i++) {
          let sum = 0;
          for (let c = 0; c < tile.cols; c++) sum += tile.targets[i * tile.cols + c];
          rowSums[tile.rowStart + i] += sum;
        }
      }
      for (let r = 0; r < batch * layout.positions; r++) {
        for (let k = 0; k < layout.patchSize; k++) {
          const x = Math.max(-config.dac.inputRange, Math.min(config.dac.inputRange, patches[r * layout.patchSize + k]));
          const v = x * voltsPerInput;
          watts += v * v * rowSums[k];
        }
      }
    });
    layers.push({ name: entry.node.name, watts: watts / batch });
  }
  return { layers, totalWatts: layers.reduce((sum, layer) => sum + layer.watts, 0) };
}
