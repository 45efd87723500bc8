import { ERROR_SOURCE_NAMES, type ErrorSourceName, type HardwareNetwork, MseAnalyzer, type Tensor, idealNodeOutputs, onlySource, presentErrorSources } from '@xbar/core';

/** Column of the MSE with one error source alone: `mse_programming`, `mse_device_mean`, ... */
export function sourceColumn(source: ErrorSourceName): string {
  return `mse_${source.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

/** The per-source columns of a `.mse` table, in ERROR_SOURCE_NAMES order. */
export const SOURCE_COLUMNS: readonly string[] = ERROR_SOURCE_NAMES.map(sourceColumn);

/**
 * The predicted MSE of every node with each error source alone (the others switched off), in
 * ERROR_SOURCE_NAMES order: node name -> one value per source. A source the hardware cannot have
 * (presentErrorSources) is exactly 0. The sources interact, so the values need not add up to the MSE
 * with all of them.
 */
export function mseBySource(hardware: HardwareNetwork, inputs: Tensor): Map<string, number[]> {
  const ideal = idealNodeOutputs(hardware.network, inputs);
  const present = presentErrorSources(hardware);
  const byNode = new Map<string, number[]>(hardware.network.nodes.map((node) => [node.name, []]));
  for (const source of ERROR_SOURCE_NAMES) {
    if (!present[source]) {
      for (const values of byNode.values()) values.push(0);
      continue;
    }
    const prediction = new MseAnalyzer(hardware, onlySource(source)).predict(inputs, { ideal });
    for (const node of prediction.nodes) byNode.get(node.name)!.push(node.mse);
  }
  return byNode;
}
