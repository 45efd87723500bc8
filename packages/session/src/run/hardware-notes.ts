import { ALL_SOURCES, type CrossbarConfig, type DacClipping, type ErrorSources, type HardwareNetwork, type NegativeReads, type Network, negativeReadShares, networkShapes, wiredRefusal } from '@xbar/core';
import type { MvmMode } from '@xbar/dsl';
import type { AnalysisRows, Cell, SubTable } from './results.js';
import type { BuiltWorkload } from '../build/workload.js';

/** Above this fraction of clipped DAC inputs, a layer's result carries a warning. */
export const DAC_CLIPPING_WARNING_FRACTION = 0.01;

/** Columns of the DAC table of a result. */
export const DAC_COLUMNS: readonly string[] = ['layer', 'dac_range', 'dac_input_range', 'largest_input', 'dac_clipped_pct'];

/**
 * The DAC table of a workload (one row per weight layer: `calibrated` or `fixed`, the input range,
 * the largest |input| on the analysed inputs, the percentage of DAC conversions clipped), and a
 * warning for every layer that clips more than DAC_CLIPPING_WARNING_FRACTION of its inputs.
 */
export function dacNotes(clipping: readonly DacClipping[]): { readonly dac: SubTable; readonly warnings: string[] } {
  const rows: Cell[][] = clipping.map((layer) => [layer.node, layer.range, layer.inputRange, layer.largestInput, 100 * layer.clippedFraction]);
  const warnings = clipping
    .filter((layer) => layer.clippedFraction > DAC_CLIPPING_WARNING_FRACTION)
    .map(
      (layer) =>
        `layer '${layer.node}': ${(100 * layer.clippedFraction).toPrecision(3)} % of its DAC inputs are clipped at ±${layer.inputRange.toPrecision(4)} ` +
        `(dac_range=${layer.range === 'fixed' ? layer.inputRange : 'calibrated'}; largest input ${layer.largestInput.toPrecision(4)}): ` +
        (layer.range === 'fixed' ? 'set dac_range=calibrated or a larger dac_range' : 'raise dac_margin, or calibrate on more samples'),
    );
  return { dac: { columns: DAC_COLUMNS, rows }, warnings };
}

/** How a result was computed: sampled in a mode, or predicted analytically. */
export type ResultMethod = MvmMode | 'analytical';

/**
 * A result with the DAC table of the workload it ran on, and warnings for the DAC layers that clip
 * and for what the hardware asks for that `method` leaves out.
 */
export function withWorkloadNotes(result: AnalysisRows, built: BuiltWorkload, method: ResultMethod): AnalysisRows {
  const { dac, warnings } = dacNotes(built.dacClipping);
  const clippedCells = method === 'ir' ? negativeReadWarnings(negativeReadShares(built.hardware, NEGATIVE_READ_PROBE_SEED), 'mode=ir') : [];
  const unwired = method === 'analytical' ? unmodelledWires(built.hardware, ALL_SOURCES) : [];
  return { ...result, dac, warnings: [...(result.warnings ?? []), ...omissions(method, built.configs, built.layerNames), ...unwired, ...clippedCells, ...warnings] };
}

/** Seed of the one programming that counts the cells reading below 0 S (a share: any seed tells it). */
export const NEGATIVE_READ_PROBE_SEED = 0;

/**
 * A warning for every wired layer some of whose cells read below 0 S: the circuit solve of `what`
 * (`mode=ir`, `xbar infer`) takes them as 0 S, which the products without wires and `.mse` do not.
 */
export function negativeReadWarnings(shares: readonly NegativeReads[], what: string): string[] {
  return shares
    .filter((share) => share.fraction > 0)
    .map(
      (share) =>
        `${what}: ${formatShare(share.fraction)} of the cells of layer '${share.node}' read below 0 S (the device model allows it) and the circuit solve takes them as 0 S, ` +
        'which mode=noisy and the analytical prediction do not (it clips the mean conductances only): raise gmin, or use a device whose reads cannot go below 0 S',
    );
}

/** A share as a percentage with three significant digits, `24.1 %`, `0.00153 %`. */
function formatShare(fraction: number): string {
  return `${(100 * fraction).toPrecision(3)} %`;
}

function omissions(method: ResultMethod, configs: readonly CrossbarConfig[], layerNames: readonly string[]): string[] {
  switch (method) {
    case 'analytical':
      return analyticalOmissions(configs, layerNames);
    case 'noisy':
      return noisyModeOmissions(configs, layerNames);
    case 'ir':
      return irModeOmissions(configs, layerNames);
    case 'ideal':
      return [];
  }
}

/**
 * The wired layers whose IR drop the analytical MSE predicts with ideal wires, with the reason
 * (`wiredRefusal`); none when the `wires` source is off.
 */
export function unmodelledWires(hardware: HardwareNetwork, sources: ErrorSources): string[] {
  if (!sources.wires) return [];
  return hardware.weightNodes().flatMap((entry) => {
    if (entry.config.wires === undefined) return [];
    const reason = entry.groups.map((layer) => wiredRefusal(layer, entry.node.op, sources)).find((text) => text !== undefined);
    return reason ? [`the IR drop of the wires of layer '${entry.node.name}' is not modelled by the analytical MSE (${reason}): it predicts ideal wires there; .mc mode=ir samples them`] : [];
  });
}

/** What the hardware of each layer asks for that the analytical MSE engine does not model (wires: unmodelledWires). */
export function analyticalOmissions(configs: readonly CrossbarConfig[], layerNames: readonly string[]): string[] {
  const layersWhere = (test: (config: CrossbarConfig) => boolean) => layerNames.filter((_, k) => test(configs[k]));
  const warnings: string[] = [];
  const nonlinear = layersWhere((config) => config.device.current !== undefined);
  if (nonlinear.length > 0) {
    const models = [...new Set(nonlinear.map((name) => configs[layerNames.indexOf(name)].device.modelName))].join(', ');
    warnings.push(`the nonlinear I-V of the cells (${models}) of ${describeLayers(nonlinear)} is not modelled by the analytical MSE (it takes the cells as ohmic, I = G V); .mc samples it`);
  }
  const bitSerial = layersWhere((config) => config.dac.bitSerial);
  if (bitSerial.length > 0) {
    warnings.push(
      `the bit-serial inputs of ${describeLayers(bitSerial)} are modelled by the analytical MSE as one read of the quantized input: ` +
        'the read noise, output noise and ADC of each bit phase are left out; .mc samples them',
    );
  }
  return warnings;
}

/**
 * What diagonal mode (variances only) leaves out: every covariance between values (the programming
 * error of a kernel shared by all positions, the noise shared by the outputs of a layer), naming the
 * nodes that sum over the positions of a feature map, where the loss is largest.
 */
export function diagonalModeOmissions(network: Network): string[] {
  const shapes = networkShapes(network);
  const producer = new Map(network.nodes.map((node) => [node.output, node]));
  /** Positions (H x W) of the feature map behind a value, looking through reshapes. */
  const positionsBehind = (value: string): number => {
    let node = producer.get(value);
    while (node && (node.op === 'reshape' || node.op === 'identity')) node = producer.get(node.inputs[0]);
    const shape = shapes.get(node ? node.output : value) ?? [];
    return shape.length === 3 ? shape[1] * shape[2] : 1;
  };
  const summing = network.nodes.filter((node) => (node.op === 'globalavgpool' || node.op === 'avgpool' || node.op === 'dense') && positionsBehind(node.inputs[0]) > 1);
  const where = summing.length === 0 ? '' : `; here ${summing.slice(0, 3).map((node) => `'${node.name}' (${node.op})`).join(', ')}${summing.length > 3 ? ` and ${summing.length - 3} more` : ''} sum over positions and read low, as does what follows them`;
  return [
    `mode=diagonal propagates variances only: it drops the covariances between values (a kernel's programming error shared by every position, noise shared by the outputs of a layer), so nodes that sum correlated values read low${where}; mode=full keeps them`,
  ];
}

/** The hardware the analytical MSE can predict: bit-serial DACs read as one phase of the same quantized input (see analyticalOmissions). */
export function analysableHardware(hardware: HardwareNetwork): HardwareNetwork {
  if (!hardware.weightNodes().some((entry) => entry.config.dac.bitSerial)) return hardware;
  return hardware.withLayers((layer) => (layer.config.dac.bitSerial ? layer.reconfigured({ dac: { ...layer.config.dac, bitSerial: false } }) : layer));
}

/** Names of network layers where the hardware leaves a source out in sampled runs without IR drop (`mode=noisy`). */
export function noisyModeOmissions(configs: readonly CrossbarConfig[], layerNames: readonly string[]): string[] {
  const wired = layerNames.filter((_, k) => configs[k].wires !== undefined);
  return wired.length > 0 ? [`${arraysOf(wired)} wire resistance, which mode=noisy leaves out (ideal wires); mode=ir solves it`] : [];
}

/** mode=ir on arrays without wire resistance: those layers are read with ideal wires. */
export function irModeOmissions(configs: readonly CrossbarConfig[], layerNames: readonly string[]): string[] {
  const ideal = layerNames.filter((_, k) => configs[k].wires === undefined);
  return ideal.length > 0 ? [`mode=ir, but ${arraysOf(ideal)} no wire resistance: ${ideal.length === 1 ? 'it was' : 'they were'} read with ideal wires (set rwire= on the .array)`] : [];
}

/** `the array of layer 'a' has` / `the arrays of layers 'a', 'b' have`. */
function arraysOf(names: readonly string[]): string {
  return names.length === 1 ? `the array of ${describeLayers(names)} has` : `the arrays of ${describeLayers(names)} have`;
}

function describeLayers(names: readonly string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  return `layer${names.length === 1 ? '' : 's'} ${quoted.length > 4 ? `${quoted.slice(0, 4).join(', ')} and ${quoted.length - 4} more` : quoted.join(', ')}`;
}
