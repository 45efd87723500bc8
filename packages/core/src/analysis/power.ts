import { type HardwareNetwork, idealNodeOutputs, producerName } from '../hardware/hardware-network.js';
import { gatherPatches } from '../hardware/patches.js';
import type { Tensor } from '../network/tensor.js';
import type { Watts } from '../units.js';

/** Default feedback resistance of the column transimpedance amplifiers (ohms). */
export const DEFAULT_FEEDBACK_OHMS = 1e4;

/** Read power of one weight node's arrays, averaged over the batch. */
export interface LayerPower {
  readonly name: string;
  /** Crossbar dissipation: mean over the inputs of sum over MVMs of sum_ij G_ij V_i^2, in watts. */
  readonly arrayWatts: Watts;
  /** Transimpedance feedback: mean over the inputs of sum over MVMs of R_f sum_columns I_col^2, in watts. */
  readonly transimpedanceWatts: Watts;
  /** arrayWatts + transimpedanceWatts. */
  readonly watts: Watts;
}

/**
 * Read power of the arrays (REFERENCE 3.3), per MVM, with V_i = Vread x_i / inputRange the row
 * voltage of the (DAC-clipped) ideal activation x_i and G the target conductances of every tile (both
 * cells of a pair and the reference column):
 *   crossbar dissipation  sum_i V_i^2 sum_j G_ij   (= sum_j |W_ij| E[x^2] up to the mapping scale),
 *   transimpedance        R_f sum_columns I_col^2,  I_col = sum_i G_ij V_i (every physical column,
 *                         positive and negative lines separately), R_f = `feedbackOhms`.
 * Summed over the positions of a conv (one MVM each) and averaged over the batch. The array term grows
 * as Gmax, the transimpedance term as Gmax^2 (fixed R_f). The noise's own share of E[x^2] is neglected.
 */
export function arrayReadPower(
  hardware: HardwareNetwork,
  input: Tensor,
  options: { feedbackOhms?: number } = {},
): { layers: LayerPower[]; totalWatts: Watts; arrayWatts: Watts; transimpedanceWatts: Watts } {
  const feedbackOhms = options.feedbackOhms ?? DEFAULT_FEEDBACK_OHMS;
  const ideal = idealNodeOutputs(hardware.network, input);
  const batch = input.shape[0];
  const layers: LayerPower[] = [];
  for (const entry of hardware.weightNodes()) {
    const name = entry.node.inputs[0];
    const source = name === hardware.network.inputName ? input : ideal.get(producerName(hardware.network, name))!;
    const { layout, config } = entry;
    const patches = new Float64Array(batch * layout.positions * layout.patchSize);
    const voltsPerInput = config.dac.readVoltage / config.dac.inputRange;
    let arrayWatts = 0;
    let tiaWatts = 0;
    entry.groups.forEach((layer, g) => {
      gatherPatches(layout, g, source.data, batch, patches);
      const rows = batch * layout.positions;
      const volts = new Float64Array(layer.inputs);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < layout.patchSize; k++) {
          const x = Math.max(-config.dac.inputRange, Math.min(config.dac.inputRange, patches[r * layout.patchSize + k]));
          volts[k] = x * voltsPerInput;
        }
        for (const tile of layer.tiled.tiles) {
          const current = new Float64Array(tile.cols);
          for (let i = 0; i < tile.rowCount; i++) {
            const v = volts[tile.rowStart + i];
            if (v === 0) continue;
            let sum = 0;
            const base = i * tile.cols;
            for (let c = 0; c < tile.cols; c++) {
              const gij = tile.targets[base + c];
              sum += gij;
              current[c] += gij * v;
            }
            arrayWatts += v * v * sum;
          }
          for (let c = 0; c < tile.cols; c++) tiaWatts += feedbackOhms * current[c] * current[c];
        }
      }
    });
    arrayWatts /= batch;
    tiaWatts /= batch;
    layers.push({ name: entry.node.name, arrayWatts, transimpedanceWatts: tiaWatts, watts: arrayWatts + tiaWatts });
  }
  const sum = (f: (l: LayerPower) => number) => layers.reduce((total, layer) => total + f(layer), 0);
  return { layers, totalWatts: sum((l) => l.watts), arrayWatts: sum((l) => l.arrayWatts), transimpedanceWatts: sum((l) => l.transimpedanceWatts) };
}
