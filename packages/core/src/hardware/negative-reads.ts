import { createRng } from '../random/rng.js';
import type { Seconds } from '../units.js';
import type { HardwareNetwork } from './hardware-network.js';

/** How many of a wired weight node's cells read a negative conductance. */
export interface NegativeReads {
  readonly node: string;
  /** Share of the node's cells (every tile, both columns of a pair) read below 0 S, in [0, 1]. */
  readonly fraction: number;
}

/**
 * A circuit has no negative conductance, so the IR-drop solve (`irDrop`) sets cells that read below
 * 0 S to 0 S, while the products without wires use the device's reads as they are. This programs
 * and reads every weight node whose arrays have wires once, at its read time (or `readTimeSeconds`),
 * from createRng(seed, 'negative-reads', node index), and gives the share of its cells that read
 * below 0 S: the cells the solve changes. Nodes without wires are left out.
 */
export function negativeReadShares(hardware: HardwareNetwork, seed: number, readTimeSeconds?: Seconds): NegativeReads[] {
  const found: NegativeReads[] = [];
  for (const entry of hardware.weightNodes()) {
    if (entry.config.wires === undefined) continue;
    const rng = createRng(seed, 'negative-reads', entry.weightIndex);
    let negative = 0;
    let cells = 0;
    for (const layer of entry.groups) {
      const time = readTimeSeconds ?? layer.config.readTimeSeconds;
      for (const tile of layer.tiled.tiles) {
        const state = layer.device.program(tile.targets, rng);
        const reads = new Float64Array(tile.targets.length);
        layer.device.read(state, time, rng, reads);
        for (const value of reads) if (value < 0) negative++;
        cells += reads.length;
      }
    }
    found.push({ node: entry.node.name, fraction: cells === 0 ? 0 : negative / cells });
  }
  return found;
}
