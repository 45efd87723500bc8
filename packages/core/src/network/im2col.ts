import type { Conv2dNode } from './graph.js';

/** Sizes of one convolution: input C x H x W, output M x outHeight x outWidth. */
export interface ConvSizes {
  readonly inChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/**
 * im2col of one sample and one group: writes the patch matrix, one row per output position
 * (outHeight * outWidth rows, row-major over y then x) and one column per weight of the group's
 * kernel ((inChannels / groups) * kh * kw columns, in (c, ky, kx) order as the conv's weight rows);
 * padded positions are 0. `patches` must hold rows * columns values. Each row is the input vector a
 * crossbar holding the conv's weight matrix multiplies.
 *
 * `sample` is the sample's C x H x W values (C order).
 */
export function im2colGroup(sample: Float64Array, node: Conv2dNode, sizes: ConvSizes, group: number, patches: Float64Array): void {
  const channelsPerGroup = sizes.inChannels / node.groups;
  const [kernelHeight, kernelWidth] = node.kernel;
  const [strideY, strideX] = node.strides;
  const [dilationY, dilationX] = node.dilations;
  const [padTop, padLeft] = node.pads;
  const { inHeight, inWidth, outHeight, outWidth } = sizes;
  const columns = channelsPerGroup * kernelHeight * kernelWidth;
  let row = 0;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++, row++) {
      let column = row * columns;
      for (let c = 0; c < channelsPerGroup; c++) {
        const channelOffset = (group * channelsPerGroup + c) * inHeight * inWidth;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = oy * strideY - padTop + ky * dilationY;
          const inside = y >= 0 && y < inHeight;
          for (let kx = 0; kx < kernelWidth; kx++, column++) {
            const x = ox * strideX - padLeft + kx * dilationX;
            patches[column] = inside && x >= 0 && x < inWidth ? sample[channelOffset + y * inWidth + x] : 0;
          }
        }
      }
    }
  }
}
