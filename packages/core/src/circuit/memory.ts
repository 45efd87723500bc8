/**
 * What solving an array with its wires costs in memory, estimated from its size alone, before
 * anything is allocated. Measured on square arrays of 32 to 1024 rows (one run on this project's
 * machine; docs/ir-drop.md): the nested-dissection factor holds c N log2 N numbers with c rising from
 * 1.14 to 1.41 over that range (N = 2 rows cols node voltages), and the nodal system with its work
 * arrays about 150 bytes per node, for the factorization and for conjugate gradients alike. The
 * estimate takes c = 1.6 and 160 bytes: a slight overestimate up to 1024 x 1024, room beyond.
 */

/** Default most bytes a circuit solve may use (the factor, or the conjugate-gradient work). */
export const DEFAULT_CIRCUIT_MEMORY_BYTES = 4 * 2 ** 30;

const FACTOR_NUMBERS_PER_NODE_LOG = 1.6;
const SYSTEM_BYTES_PER_NODE = 160;

export interface CircuitMemory {
  /** The sparse factorization (direct solver), bytes. */
  readonly directBytes: number;
  /** Preconditioned conjugate gradients (iterative solver), bytes. */
  readonly iterativeBytes: number;
}

/** Estimated memory of solving a rows x cols array with wire resistance, by either method. */
export function estimateCircuitMemory(rows: number, cols: number): CircuitMemory {
  const nodes = 2 * rows * cols;
  const system = SYSTEM_BYTES_PER_NODE * nodes;
  return { directBytes: 8 * FACTOR_NUMBERS_PER_NODE_LOG * nodes * Math.log2(Math.max(2, nodes)) + system, iterativeBytes: system };
}

/** `bytes` for people: "3.2 GiB", "640 MiB". */
export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}
