/**
 * Convolution on crossbars: Conv and ConvTranspose 2-D (1-D as 2-D of height 1), ConvTranspose as
 * the stride-1 convolution it equals, kernels and bias constant.
 */
import { type Conv2dNode, type Matrix, matrix } from '@xbar/core';
import { type ConstantTensor, OnnxImportError, dimsSize } from '../../constant.js';
import type { Handler, NodeContext } from '../node-context.js';
import { appendTensorOp } from '../tensor-node.js';
import { listConstant, scalarConstant } from '../values.js';
import { dropHeight, pair, resolveWindow, windowInput } from '../window.js';

/** Conv 2-D, and 1-D as a 2-D convolution of height 1 between two reshapes. */
function conv(context: NodeContext): void {
  const written = context.attributes(['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  const { oneD, x, attributes } = windowInput(context, written, 'convolution');
  const w = context.constantInput(1, 'W (the kernels)');
  if (w.dims.length !== (oneD ? 3 : 4)) throw new OnnxImportError(`${context.where}: W must be ${oneD ? 'M x C/group x k' : 'M x C/group x kH x kW'}, got dims [${w.dims.join(', ')}]`);
  const [outChannels, channelsPerGroup, kernelHeight, kernelWidth] = oneD ? [w.dims[0], w.dims[1], 1, w.dims[2]] : w.dims;
  const groups = attributes.int('group', 1);
  const inChannels = x.shape[0];
  if (!(groups >= 1) || inChannels % groups !== 0 || outChannels % groups !== 0 || channelsPerGroup !== inChannels / groups) {
    throw new OnnxImportError(`${context.where}: group ${groups} does not fit ${inChannels} input channels, ${outChannels} output channels and W dims [${w.dims.join(', ')}]`);
  }
  const kernel = kernelOf(context, attributes.ints('kernel_shape'), kernelHeight, kernelWidth);
  const window = resolveWindow(attributes, kernel, [x.shape[1], x.shape[2]], context.where);
  const bias = biasOf(context, outChannels);
  const weights = matrix(outChannels, channelsPerGroup * kernelHeight * kernelWidth, Float64Array.from(w.values));
  const output = oneD ? `${context.output(0)}/2d` : context.output(0);
  const node: Conv2dNode = { op: 'conv2d', name: context.name, inputs: [x.id], output, inChannels, groups, weights, bias, ...window };
  context.addWeightNode(1, node, [x.shape]);
  if (oneD) dropHeight(context, output);
}

/**
 * 2-D ConvTranspose as the convolution it equals: the input with stride - 1 zeros between its
 * pixels (a reshape, a Pad and a reshape), padded by dilation x (kernel - 1) - pads on each side
 * (plus output_padding at the end), then a stride-1 conv2d on crossbars with every kernel flipped
 * and its input and output channels swapped within each group. 1-D as 2-D of height 1.
 */
function convTranspose(context: NodeContext): void {
  const written = context.attributes(['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides']);
  const { where } = context;
  const { oneD, x, attributes } = windowInput(context, written, 'ConvTranspose');
  const autoPad = attributes.string('auto_pad', 'NOTSET');
  if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) throw new OnnxImportError(`${where}: auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const given = context.constantInput(1, 'W (the kernels)');
  if (given.dims.length !== (oneD ? 3 : 4)) throw new OnnxImportError(`${where}: W must be ${oneD ? 'C x M/group x k' : 'C x M/group x kH x kW'}, got dims [${given.dims.join(', ')}]`);
  const w: ConstantTensor = oneD ? { ...given, dims: [given.dims[0], given.dims[1], 1, given.dims[2]] } : given;
  const [inChannels, outPerGroup, kernelHeight, kernelWidth] = w.dims;
  const groups = attributes.int('group', 1);
  const [channels, height, width] = x.shape;
  if (!(groups >= 1) || inChannels !== channels || channels % groups !== 0) throw new OnnxImportError(`${where}: group ${groups} does not fit ${channels} input channels and W dims [${w.dims.join(', ')}]`);
  kernelOf(context, attributes.ints('kernel_shape'), kernelHeight, kernelWidth);
  const [strideY, strideX] = pair(attributes.ints('strides') ?? [1, 1], 'strides', where);
  const [dilationY, dilationX] = pair(attributes.ints('dilations') ?? [1, 1], 'dilations', where);
  const [extraY, extraX] = pair(attributes.ints('output_padding') ?? [0, 0], 'output_padding', where);
  const outputShape = attributes.ints('output_shape');
  if (outputShape !== undefined && outputShape.length !== 2) throw new OnnxImportError(`${where}: output_shape must give the output height and width, got [${outputShape.join(', ')}]`);
  // the output size asked for (output_shape, or input x stride for SAME_*) fixes the total padding, split as the specification says
  const wanted = outputShape ?? (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? [height * strideY, width * strideX] : undefined);
  let pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (attributes.ints('pads') ?? [0, 0, 0, 0]);
  if (wanted !== undefined) {
    const natural = [strideY * (height - 1) + extraY + (kernelHeight - 1) * dilationY + 1, strideX * (width - 1) + extraX + (kernelWidth - 1) * dilationX + 1];
    // SAME_* with a kernel smaller than the stride: no negative padding (ONNX Runtime's rule; the output is then smaller than input x stride)
    const total = natural.map((size, axis) => (outputShape === undefined ? Math.max(0, size - wanted[axis]) : size - wanted[axis]));
    const [beginY, beginX] = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    pads = [beginY, beginX, total[0] - beginY, total[1] - beginX];
  }
  if ([strideY, strideX, dilationY, dilationX].some((v) => !(Number.isInteger(v) && v >= 1)) || pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || (wanted === undefined && p < 0))) {
    throw new OnnxImportError(`${where}: strides and dilations must be whole numbers >= 1 and pads 4 whole numbers >= 0`);
  }
  if (!(extraY >= 0 && extraY < Math.max(strideY, dilationY) && extraX >= 0 && extraX < Math.max(strideX, dilationX))) {
    throw new OnnxImportError(`${where}: output_padding [${extraY}, ${extraX}] must be >= 0 and smaller than the stride or the dilation`);
  }
  const zero = scalarConstant(0);
  const id = (part: string) => `${context.output(0)}/${part}`;
  let input = x;
  if (strideY > 1 || strideX > 1) {
    context.addNode({ op: 'reshape', name: id('pixels'), inputs: [x.id], output: id('pixels'), shape: [channels, height, 1, width, 1] }, [x.shape]);
    appendTensorOp(context, 'Pad', { mode: 0 }, [context.graph.activation(id('pixels'), where), listConstant([0, 0, 0, 0, 0, 0, 0, 0, 0, strideY - 1, 0, strideX - 1]), zero], id('stuffed'));
    const stuffed = context.graph.activation(id('stuffed'), where);
    context.addNode({ op: 'reshape', name: id('spread'), inputs: [stuffed.id], output: id('spread'), shape: [channels, height * strideY, width * strideX] }, [stuffed.shape]);
    input = context.graph.activation(id('spread'), where);
  }
  // the stuffed input ends in stride - 1 zeros that the transposed convolution does not have
  const border = [
    dilationY * (kernelHeight - 1) - pads[0],
    dilationX * (kernelWidth - 1) - pads[1],
    dilationY * (kernelHeight - 1) - pads[2] - (strideY - 1) + extraY,
    dilationX * (kernelWidth - 1) - pads[3] - (strideX - 1) + extraX,
  ];
  if (border.some((b) => b !== 0)) {
    appendTensorOp(context, 'Pad', { mode: 0 }, [input, listConstant([0, 0, border[0], border[1], 0, 0, border[2], border[3]]), zero], id('padded'));
    input = context.graph.activation(id('padded'), where);
  }
  const weights = flippedKernels(w, groups);
  const bias = biasOf(context, outPerGroup * groups);
  const output = oneD ? `${context.output(0)}/2d` : context.output(0);
  const node: Conv2dNode = {
    op: 'conv2d', name: context.name, inputs: [input.id], output, inChannels: channels, groups, weights, bias,
    kernel: [kernelHeight, kernelWidth], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [dilationY, dilationX],
  };
  context.addWeightNode(1, node, [input.shape]);
  if (oneD) dropHeight(context, output);
}

/** ConvTranspose's kernels W (C x M/group x kH x kW) as a conv2d's: each flipped, input and output channels swapped within each group. */
function flippedKernels(w: ConstantTensor, groups: number): Matrix {
  const [channels, outPerGroup, kernelHeight, kernelWidth] = w.dims;
  const outChannels = outPerGroup * groups;
  const inPerGroup = channels / groups;
  const weights = matrix(outChannels, inPerGroup * kernelHeight * kernelWidth);
  for (let g = 0; g < groups; g++) {
    for (let m = 0; m < outPerGroup; m++) {
      for (let c = 0; c < inPerGroup; c++) {
        for (let ky = 0; ky < kernelHeight; ky++) {
          for (let kx = 0; kx < kernelWidth; kx++) {
            const source = (((g * inPerGroup + c) * outPerGroup + m) * kernelHeight + (kernelHeight - 1 - ky)) * kernelWidth + (kernelWidth - 1 - kx);
            weights.data[(((g * outPerGroup + m) * inPerGroup + c) * kernelHeight + ky) * kernelWidth + kx] = w.values[source];
          }
        }
      }
    }
  }
  return weights;
}

/** The kernel size: kernel_shape if given, which must equal W's. */
function kernelOf(context: NodeContext, kernelShape: readonly number[] | undefined, kernelHeight: number, kernelWidth: number): [number, number] {
  const kernel = pair(kernelShape ?? [kernelHeight, kernelWidth], 'kernel_shape', context.where);
  if (kernel[0] !== kernelHeight || kernel[1] !== kernelWidth) throw new OnnxImportError(`${context.where}: kernel_shape [${kernel.join(', ')}] differs from W's ${kernelHeight} x ${kernelWidth}`);
  return kernel;
}

/** The bias B (input 2): absent (zeros) or a constant of one value per output channel. */
function biasOf(context: NodeContext, outChannels: number): Float64Array {
  const bias = new Float64Array(outChannels);
  const b = context.optionalInput(2);
  if (b !== undefined) {
    if (b.kind !== 'constant' || dimsSize(b.tensor.dims) !== outChannels) throw new OnnxImportError(`${context.where}: B must be a constant of ${outChannels} values`);
    bias.set(b.tensor.values);
  }
  return bias;
}

export const CONV_HANDLERS: Readonly<Record<string, Handler>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
};
