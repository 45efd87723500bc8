import type { Conv2dNode, RecurrentNode, WeightNode } from '../network/graph.js';
import { recurrentArrayRows } from '../network/recurrent.js';
import { windowOutputSize2d } from '../network/shapes.js';

/**
 * How a weight node reads its input: at each of `positions` output positions, per group, a crossbar
 * MVM on a patch of `patchSize` input elements. `index[(g * positions + p) * patchSize + k]` is the
 * element of the (per-sample, flattened) input read by row k of group g's array at position p, or -1
 * for a zero-padded entry. Output element of channel m (over all groups) at position p is
 * `m * channelStride + p * positionStride`.
 *
 * A dense node over the last axis is the case of one group whose positions are the leading vectors;
 * a conv2d node is im2col (one position per output pixel, rows in (c, ky, kx) order). A recurrent
 * node's layout is that of one time step: each array reads its own hidden-size vector of the step's
 * reads (groups x hidden per sample) at one position.
 */
export interface PatchLayout {
  readonly groups: number;
  readonly positions: number;
  readonly patchSize: number;
  /** Output channels per group (rows of each group's weight block). */
  readonly channelsPerGroup: number;
  readonly index: Int32Array;
  readonly channelStride: number;
  readonly positionStride: number;
  /** Per-sample input and output element counts. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Per-sample output shape of the node. */
  readonly outputShape: readonly number[];
}

/** The patch layout of a weight node for a per-sample input shape. */
export function patchLayout(node: WeightNode, inputShape: readonly number[]): PatchLayout {
  if (node.op === 'dense') return denseLayout(node.weights.rows, node.weights.cols, inputShape);
  return node.op === 'conv2d' ? convLayout(node, inputShape) : recurrentStepLayout(node);
}

function recurrentStepLayout(node: RecurrentNode): PatchLayout {
  const rows = recurrentArrayRows(node);
  const hidden = node.weights.cols;
  const index = new Int32Array(node.groups * hidden);
  for (let i = 0; i < index.length; i++) index[i] = i;
  return {
    groups: node.groups,
    positions: 1,
    patchSize: hidden,
    channelsPerGroup: rows,
    index,
    channelStride: 1,
    positionStride: 0,
    inputSize: node.groups * hidden,
    outputSize: node.groups * rows,
    outputShape: [node.groups * rows],
  };
}

function denseLayout(outputs: number, features: number, inputShape: readonly number[]): PatchLayout {
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const positions = inputSize / features;
  const index = new Int32Array(positions * features);
  for (let i = 0; i < index.length; i++) index[i] = i;
  return {
    groups: 1,
    positions,
    patchSize: features,
    channelsPerGroup: outputs,
    index,
    channelStride: 1,
    positionStride: outputs,
    inputSize,
    outputSize: positions * outputs,
    outputShape: [...inputShape.slice(0, -1), outputs],
  };
}

function convLayout(node: Conv2dNode, inputShape: readonly number[]): PatchLayout {
  const [inChannels, inHeight, inWidth] = inputShape;
  const [outHeight, outWidth] = windowOutputSize2d(inHeight, inWidth, node);
  const positions = outHeight * outWidth;
  const channelsPerGroupIn = inChannels / node.groups;
  const [kernelHeight, kernelWidth] = node.kernel;
  const [strideY, strideX] = node.strides;
  const [dilationY, dilationX] = node.dilations;
  const [padTop, padLeft] = node.pads;
  const patchSize = channelsPerGroupIn * kernelHeight * kernelWidth;
  const index = new Int32Array(node.groups * positions * patchSize);
  let w = 0;
  for (let g = 0; g < node.groups; g++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let c = 0; c < channelsPerGroupIn; c++) {
          const channelOffset = (g * channelsPerGroupIn + c) * inHeight * inWidth;
          for (let ky = 0; ky < kernelHeight; ky++) {
            const y = oy * strideY - padTop + ky * dilationY;
            for (let kx = 0; kx < kernelWidth; kx++) {
              const x = ox * strideX - padLeft + kx * dilationX;
              index[w++] = y >= 0 && y < inHeight && x >= 0 && x < inWidth ? channelOffset + y * inWidth + x : -1;
            }
          }
        }
      }
    }
  }
  const outChannels = node.weights.rows;
  return {
    groups: node.groups,
    positions,
    patchSize,
    channelsPerGroup: outChannels / node.groups,
    index,
    channelStride: positions,
    positionStride: 1,
    inputSize: inChannels * inHeight * inWidth,
    outputSize: outChannels * positions,
    outputShape: [outChannels, outHeight, outWidth],
  };
}

/**
 * Gathers the patches of group g for a batch: out is (batch * positions) x patchSize, row-major,
 * sample-major (all positions of sample 0 first). `input` holds batch x inputSize values.
 */
export function gatherPatches(layout: PatchLayout, group: number, input: Float64Array, batch: number, out: Float64Array): void {
  const { positions, patchSize, inputSize } = layout;
  const groupBase = group * positions * patchSize;
  for (let b = 0; b < batch; b++) {
    const sampleBase = b * inputSize;
    const outBase = b * positions * patchSize;
    for (let e = 0; e < positions * patchSize; e++) {
      const source = layout.index[groupBase + e];
      out[outBase + e] = source < 0 ? 0 : input[sampleBase + source];
    }
  }
}
