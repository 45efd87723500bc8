import { type Conv2dNode, type CrossbarLayer, type MappedWeightNode, type Tile } from '@xbar/core';
import { type TileConductances, adcStep, dacStep, varianceColumns } from '@xbar/core/kernels';
import type { OnnxGraphBuilder } from '../export/graph-builder.js';

/**
 * The ONNX form of one programmed Monte-Carlo trial of a weight node (dense or conv2d) on crossbar
 * tiles, for ONNX Runtime to compute in float32 what the reference engine (`ProgrammedCrossbar.forward`,
 * Gaussian reads) computes in float64:
 *
 * - the DAC on the node's input: clipped to +-inputRange and rounded to whole codes (half up, as
 *   the reference rounds; the code size folded into the tiles);
 * - per tile, the channel currents as a product with D = G_pos - G_neg (the mean conductances read
 *   at the read time: a MatMul on the tile's rows of a dense input, a Conv on the tile's input
 *   channels with the kernel zero outside its rows), in units of the tile's ADC code (the volts per
 *   input unit and 1 / code size folded into D);
 * - Gaussian read noise per channel and vector: sqrt(V² · channel variances) times a standard
 *   normal (one graph input per tile, filled by the caller), the offset scheme's shared reference
 *   column's noise subtracted from every channel; output noise likewise;
 * - the ADC per tile: floor(clip(I + 1/2)) (the 1/2 the product's bias), i.e. round half up of the
 *   clipped code as the reference converts; then the digital side: code size, channel gain, phase
 *   scale and drift-compensation factor in one factor per channel, partial sums over row tiles
 *   with the bias, channels placed at their outputs.
 *
 * One array's readout (writeGroupReadout) also serves recurrent-graph.ts, once per array and step.
 */

/**
 * A normal-noise input of the graph: `perSample` standard normals per sample, given with the
 * dimensions [batch, ...sampleDims] when those are known (conv results), else flat (the graph
 * reshapes it as the tensor it scales).
 */
export interface NoiseInput {
  readonly name: string;
  readonly perSample: number;
  readonly sampleDims?: readonly number[];
}

/** What the writer needs of one programmed group (one CrossbarLayer): its tiles as linear maps, and the drift factor. */
export interface ProgrammedGroup {
  readonly layer: CrossbarLayer;
  readonly tiles: readonly TileConductances[];
  readonly driftFactor: number;
}

/** Writes one programmed weight node's tiles (dense or conv2d); returns the node's output name. Noise inputs are appended to `noise` in order. */
export function writeCrossbarNode(b: OnnxGraphBuilder, entry: MappedWeightNode, programmed: readonly ProgrammedGroup[], input: string, noise: NoiseInput[]): string {
  const { node } = entry;
  if (node.op === 'recurrent') throw new RangeError(`node '${node.name}': internal: recurrent layers are written by recurrent-graph.ts`);
  const converted = writeConvertedInput(b, input, programmed);
  const geometry = node.op === 'conv2d' ? convGeometry(node) : denseGeometry(node.weights.cols);
  const bias = b.constant(node.bias, geometry.perChannel(node.bias.length), 'float', `${node.name}.bias`);
  const reads: ReadContext = { entry, noise, readsPerSample: entry.layout.positions };
  // one group: the bias joins its sum
  const groupOutputs = programmed.map((group, g) => writeGroupReadout(b, reads, group, g, converted, geometry, programmed.length === 1 ? { bias, output: node.output } : undefined));
  if (groupOutputs.length === 1) return groupOutputs[0];
  return b.node('Add', [b.node('Concat', groupOutputs, { axis: { int: geometry.channelAxis } }), bias], {}, node.output);
}

/** An input through the DAC of the node's arrays (they share it): the values, their squares (for the read variances), and the input units one value stands for. */
export interface ConvertedInput {
  readonly quantized: string;
  readonly squared: string | undefined;
  readonly unitsPerValue: number;
}

/** `input` through the DAC of `programmed` (squared too when a tile has read noise). */
export function writeConvertedInput(b: OnnxGraphBuilder, input: string, programmed: readonly ProgrammedGroup[]): ConvertedInput {
  const dacOutput = writeDac(b, input, programmed[0].layer);
  const noisy = programmed.some((g) => g.tiles.some((t) => t.channelVariance !== undefined));
  return { quantized: dacOutput.name, squared: noisy ? b.node('Mul', [dacOutput.name, dacOutput.name]) : undefined, unitsPerValue: dacOutput.unitsPerValue };
}

/** What the normals of a weight node's reads need: the node, where its noise inputs go, and how many vectors a sample reads per product (a conv's positions; one per step for a recurrent layer). */
export interface ReadContext {
  readonly entry: MappedWeightNode;
  readonly noise: NoiseInput[];
  readonly readsPerSample: number;
}

/**
 * Group g's reads of the converted input: each tile's product, read noise, ADC and gains, summed
 * over its row tiles into the group's outputs (with `last`, the bias too, under that name).
 */
export function writeGroupReadout(b: OnnxGraphBuilder, reads: ReadContext, group: ProgrammedGroup, g: number, input: ConvertedInput, geometry: TileGeometry, last?: { readonly bias: string; readonly output: string }): string {
  const name = reads.entry.node.name;
  const { dac } = group.layer.config;
  const voltsPerInput = dac.readVoltage / dac.inputRange;
  const readout = adcReadout(group.layer);
  const { tiles } = group.layer.tiled;
  const placedInBlocks = tiles.every((tile) => tile.channelOutput.every((output, k) => output === tile.channelOutput[0] + k));
  const results = tiles.map((tile, t) => {
    const conductances = group.tiles[t];
    const channels = tile.channelGain.length;
    // currents in ADC codes: amperes per DAC value times codes per ampere
    const step = readout.steps[t];
    const codesPerUnit = (voltsPerInput * input.unitsPerValue) / (step > 0 ? step : 1);
    const sliced = geometry.inputRows(b, input.quantized, g, tile);
    // with an ADC the product carries the 1/2 of round-half-up as its bias
    let current = geometry.product(b, sliced.name, meanDifferences(tile, conductances.mean, codesPerUnit), tile, channels, sliced.firstChannel, step > 0 ? 0.5 : 0, `${name}.g${g}.t${t}.mean`);
    if (conductances.channelVariance !== undefined) {
      const squares = geometry.inputRows(b, input.squared!, g, tile).name;
      const variance = scaled(conductances.channelVariance, codesPerUnit * codesPerUnit);
      const columns = varianceColumns(tile);
      const sigma = b.node('Sqrt', [geometry.product(b, squares, variance, tile, columns, sliced.firstChannel, 0, `${name}.g${g}.t${t}.variance`)]);
      let readNoise = b.node('Mul', [sigma, normals(b, sigma, reads, columns, geometry)]);
      if (tile.referenceColumn >= 0) {
        readNoise = b.node('Sub', [geometry.channels(b, readNoise, 0, channels), geometry.channels(b, readNoise, channels, channels + 1)]);
      }
      current = b.node('Add', [current, readNoise]);
    }
    const sigmaOut = readout.outputNoise[t] / (step > 0 ? step : 1);
    if (sigmaOut > 0) current = b.node('Add', [current, b.node('Mul', [normals(b, current, reads, channels, geometry), b.constant([sigmaOut], [])])]);
    if (step > 0) {
      const codes = readout.ranges[t] / step;
      current = b.node('Floor', [b.node('Clip', [current, b.constant([0.5 - codes], []), b.constant([0.5 + codes], [])])]);
    }
    const gainScale = ((step > 0 ? step : 1) * group.driftFactor) / voltsPerInput;
    const gains = scaled(tile.channelGain, gainScale);
    if (!placedInBlocks) return { first: 0, count: group.layer.outputs, value: geometry.scatter(b, current, tile, gains, group.layer.outputs) };
    return { first: tile.channelOutput[0], count: channels, value: b.node('Mul', [current, b.constant(gains, geometry.perChannel(channels))]) };
  });
  return sumBlocks(b, results, group.layer.outputs, geometry, last);
}

/**
 * The DAC on the input values: clipped to +-inputRange and, with a resolution, as whole codes
 * floor(clip(x / step + 1/2)) (round half up of the clipped value, as the reference quantizes);
 * `unitsPerValue` is the input units one value stands for (the code size, folded into the tiles).
 */
function writeDac(b: OnnxGraphBuilder, input: string, layer: CrossbarLayer): { name: string; unitsPerValue: number } {
  const { dac } = layer.config;
  if (dac.clip === false) return { name: input, unitsPerValue: 1 };
  const step = dacStep(dac);
  if (step === 0) return { name: b.node('Clip', [input, b.constant([-dac.inputRange], []), b.constant([dac.inputRange], [])]), unitsPerValue: 1 };
  const codes = dac.inputRange / step;
  const shifted = b.node('Add', [b.node('Div', [input, b.constant([step], [])]), b.constant([0.5], [])]);
  return { name: b.node('Floor', [b.node('Clip', [shifted, b.constant([0.5 - codes], []), b.constant([0.5 + codes], [])])]), unitsPerValue: step };
}

function adcReadout(layer: CrossbarLayer): { steps: Float64Array; ranges: Float64Array; outputNoise: Float64Array } {
  const { adc } = layer.config;
  const ranges = layer.adcRangeAmperes;
  return { steps: ranges.map((range) => adcStep(adc, range)), ranges, outputNoise: ranges.map((range) => adc.noiseRelative * range) };
}

/** values times `factor` (a loop: Float64Array.from with a map function is many times slower on large arrays). */
function scaled(values: Float64Array, factor: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * factor;
  return out;
}

/** D[i, k] = G[i, pos_k] - G[i, neg_k] for the tile's rows, times `scale`: rowCount x channels. */
function meanDifferences(tile: Tile, mean: Float64Array, scale: number): Float64Array {
  const channels = tile.channelGain.length;
  const out = new Float64Array(tile.rowCount * channels);
  for (let i = 0; i < tile.rowCount; i++) {
    for (let k = 0; k < channels; k++) out[i * channels + k] = (mean[i * tile.cols + tile.channelPositive[k]] - mean[i * tile.cols + tile.channelNegative[k]]) * scale;
  }
  return out;
}

/** A graph input of standard normals for a tile result `like` of `channels` channels per vector. */
function normals(b: OnnxGraphBuilder, like: string, reads: ReadContext, channels: number, geometry: TileGeometry): string {
  const name = b.fresh(`${reads.entry.node.name}.normals`);
  const sampleDims = geometry.sampleDims(reads.entry, channels);
  reads.noise.push({ name, perSample: reads.readsPerSample * channels, ...(sampleDims ? { sampleDims } : {}) });
  return sampleDims ? name : b.node('Reshape', [name, b.node('Shape', [like])]);
}

/** Where a weight node's channels sit and how a tile's product is written, for dense or conv nodes. */
export interface TileGeometry {
  readonly channelAxis: number;
  /** The input rows a tile reads (a channel slice for a conv, the tile's features for a dense node), and the first input channel of the slice. */
  inputRows(b: OnnxGraphBuilder, x: string, group: number, tile: Tile): { name: string; firstChannel: number };
  /** The product of the sliced input with a rowCount x columns matrix (row-major), plus `bias`. */
  product(b: OnnxGraphBuilder, x: string, matrix: Float64Array, tile: Tile, columns: number, firstChannel: number, bias: number, hint: string): string;
  /** Channels [from, to) of a tile result. */
  channels(b: OnnxGraphBuilder, x: string, from: number, to: number): string;
  /** Dimensions of a per-channel constant. */
  perChannel(channels: number): number[];
  /** A tile result with channels placed at their outputs (gain times channel, summed per output). */
  scatter(b: OnnxGraphBuilder, x: string, tile: Tile, gains: Float64Array, outputs: number): string;
  /** Per-sample dimensions of a tile result of `channels` channels, when fixed (the batch first). */
  sampleDims(entry: MappedWeightNode, channels: number): readonly number[] | undefined;
}

function sliceAxis(b: OnnxGraphBuilder, x: string, axis: number, from: number, to: number): string {
  return b.node('Slice', [x, b.constant([from], [1], 'int64'), b.constant([to], [1], 'int64'), b.constant([axis], [1], 'int64')]);
}

/** A channels x outputs matrix with gains[k] at (k, channelOutput[k]). */
function scatterMatrix(tile: Tile, gains: Float64Array, outputs: number): Float64Array {
  const out = new Float64Array(tile.channelGain.length * outputs);
  tile.channelOutput.forEach((output, k) => (out[k * outputs + output] += gains[k]));
  return out;
}

/** The geometry of a product over the last axis of `features` values (a dense node, a recurrent array's state). */
export function denseGeometry(features: number): TileGeometry {
  return {
    channelAxis: -1,
    inputRows: (b, x, _group, tile) => ({ name: tile.rowStart === 0 && tile.rowCount === features ? x : sliceAxis(b, x, -1, tile.rowStart, tile.rowStart + tile.rowCount), firstChannel: 0 }),
    product: (b, x, matrix, tile, columns, _first, bias, hint) => {
      const product = b.node('MatMul', [x, b.constant(matrix, [tile.rowCount, columns], 'float', hint)]);
      return bias === 0 ? product : b.node('Add', [product, b.constant([bias], [])]);
    },
    channels: (b, x, from, to) => sliceAxis(b, x, -1, from, to),
    perChannel: (channels) => [channels],
    scatter: (b, x, tile, gains, outputs) => b.node('MatMul', [x, b.constant(scatterMatrix(tile, gains, outputs), [tile.channelGain.length, outputs])]),
    // a dense node's leading axes may hold the batch anywhere: its noise is reshaped in the graph
    sampleDims: () => undefined,
  };
}

function convGeometry(node: Conv2dNode): TileGeometry {
  const [kernelHeight, kernelWidth] = node.kernel;
  const taps = kernelHeight * kernelWidth;
  const channelsPerGroup = node.inChannels / node.groups;
  const window = { kernel_shape: { ints: node.kernel }, strides: { ints: node.strides }, pads: { ints: node.pads }, dilations: { ints: node.dilations } };
  const channelRange = (tile: Tile) => [Math.floor(tile.rowStart / taps), Math.floor((tile.rowStart + tile.rowCount - 1) / taps) + 1] as const;
  return {
    channelAxis: 1,
    inputRows: (b, x, group, tile) => {
      const [c0, c1] = channelRange(tile);
      const from = group * channelsPerGroup + c0;
      const to = group * channelsPerGroup + c1;
      return { name: from === 0 && to === node.inChannels ? x : sliceAxis(b, x, 1, from, to), firstChannel: c0 };
    },
    product: (b, x, matrix, tile, columns, firstChannel, bias, hint) => {
      // kernel [columns, channels of the slice, kh, kw]: the tile's rows (c, ky, kx) in place, zero elsewhere
      const [c0, c1] = channelRange(tile);
      const kernel = new Float64Array(columns * (c1 - c0) * taps);
      for (let i = 0; i < tile.rowCount; i++) {
        const offset = tile.rowStart + i - firstChannel * taps;
        for (let k = 0; k < columns; k++) kernel[k * (c1 - c0) * taps + offset] = matrix[i * columns + k];
      }
      const weights = b.constant(kernel, [columns, c1 - c0, kernelHeight, kernelWidth], 'float', hint);
      return b.node('Conv', bias === 0 ? [x, weights] : [x, weights, b.constant(new Float64Array(columns).fill(bias), [columns])], window);
    },
    channels: (b, x, from, to) => sliceAxis(b, x, 1, from, to),
    perChannel: (channels) => [channels, 1, 1],
    scatter: (b, x, tile, gains, outputs) => {
      const matrix = scatterMatrix(tile, gains, outputs);
      const kernel = new Float64Array(matrix.length);
      const channels = tile.channelGain.length;
      for (let k = 0; k < channels; k++) for (let o = 0; o < outputs; o++) kernel[o * channels + k] = matrix[k * outputs + o];
      return b.node('Conv', [x, b.constant(kernel, [outputs, channels, 1, 1])]);
    },
    sampleDims: (entry, channels) => [channels, ...entry.layout.outputShape.slice(1)],
  };
}

/**
 * One group's output from its tiles' results, each covering outputs [first, first + count): the
 * results of a block summed (its row tiles), the blocks concatenated in output order; they must
 * cover every output. With `last`, the bias is added in the same sum and the result is named.
 */
function sumBlocks(
  b: OnnxGraphBuilder,
  results: readonly { first: number; count: number; value: string }[],
  outputs: number,
  geometry: TileGeometry,
  last?: { readonly bias: string; readonly output: string },
): string {
  const blocks = new Map<number, { count: number; values: string[] }>();
  for (const result of results) {
    const block = blocks.get(result.first) ?? { count: result.count, values: [] };
    if (block.count !== result.count) throw new RangeError('internal: tiles of one output block differ in their channels');
    block.values.push(result.value);
    blocks.set(result.first, block);
  }
  const ordered = [...blocks].sort(([a], [c]) => a - c);
  let next = 0;
  for (const [first, block] of ordered) {
    if (first !== next) throw new RangeError('internal: the tiles do not cover the outputs in order');
    next = first + block.count;
  }
  if (next !== outputs) throw new RangeError('internal: the tiles do not cover every output');
  const sum = (values: readonly string[], output?: string) => (values.length === 1 ? values[0] : b.node(values.length === 2 ? 'Add' : 'Sum', values, {}, output));
  if (ordered.length === 1) return last ? sum([...ordered[0][1].values, last.bias], last.output) : sum(ordered[0][1].values);
  const joined = b.node('Concat', ordered.map(([, block]) => sum(block.values)), { axis: { int: geometry.channelAxis } });
  return last ? b.node('Add', [joined, last.bias], {}, last.output) : joined;
}
