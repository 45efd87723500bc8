import { idealColumnCurrents } from '../circuit/network.js';
import { solveCrossbar } from '../circuit/solver.js';
import { toPhaseVoltages } from '../mvm/phases.js';
import { type Tensor, batchSlice } from '../network/tensor.js';
import { matrix } from '../tensor/matrix.js';
import { type HardwareNetwork, type MappedWeightNode, idealNodeOutputs, patchMatrix } from './hardware-network.js';

/**
 * The raw column currents of one tile for one input vector, read through its target conductances
 * (no device noise) with ideal wires and with the wire resistances solved: the IR drop alone.
 */
export interface TileColumnCurrents {
  /** Which tile and vector, e.g. "layer w, tile 0 (4 x 6 cells used), input vector 0". */
  readonly description: string;
  /** Current of each used column of the tile, ideal wires, in amperes. */
  readonly idealAmperes: readonly number[];
  /** The same with the array's wire resistances, in amperes. */
  readonly irDropAmperes: readonly number[];
}

/**
 * Column currents of the first tile of the workload's first weight layer for input vector 0 (its first
 * patch for a convolution, its first DAC phase for bit-serial inputs), on the tile's target
 * conductances, with and without the wire resistances. Undefined when the array has no wires or the
 * batch is empty. Draws no random numbers, so it changes no result of the run.
 */
export function firstTileColumnCurrents(hardware: HardwareNetwork, inputs: Tensor): TileColumnCurrents | undefined {
  const entry = hardware.weightNodes()[0];
  if (!entry || inputs.shape[0] === 0) return undefined;
  const layer = entry.groups[0];
  const tile = layer.tiled.tiles[0];
  const wires = layer.config.wires;
  if (!wires || !tile) return undefined;
  const vector = layerInput(hardware, entry, batchSlice(inputs, 0, 1));
  const patches = patchMatrix(entry.layout, 0, vector.data, 1);
  const firstPatch = matrix(1, patches.cols, patches.data.subarray(0, patches.cols));
  const { voltages } = toPhaseVoltages(firstPatch, layer.config.dac);
  const rowVoltages = voltages.slice(tile.rowStart, tile.rowStart + tile.rowCount);
  const conductances = tile.targets.map((g) => Math.max(0, g));
  const network = { rows: tile.rowCount, cols: tile.cols, conductances, resistances: { ...wires } };
  return {
    description: `layer ${entry.node.name}, tile 0 (${tile.rowCount} x ${tile.cols} cells used), input vector 0`,
    idealAmperes: [...idealColumnCurrents(network, rowVoltages)],
    irDropAmperes: [...solveCrossbar(network, rowVoltages).currents],
  };
}

/** The ideal input of a weight node for a batch: the network input, or its producer's ideal output. */
function layerInput(hardware: HardwareNetwork, entry: MappedWeightNode, batch: Tensor): Tensor {
  const network = hardware.network;
  const source = entry.node.inputs[0];
  if (source === network.inputName) return batch;
  const producer = network.nodes.find((node) => node.output === source);
  return idealNodeOutputs(network, batch).get(producer!.name)!;
}
