import type { AffineNode, Conv2dNode, DenseNode, Pool2dNode, SoftmaxNode } from './graph.js';
import { im2colGroup } from './im2col.js';
import { rowProducts } from '../math/row-products.js';
import { SimdWorkspace } from '../math/row-products-simd.js';
import { broadcastShapes, windowOutputSize2d } from './shapes.js';
import { type Tensor, shapeSize, tensor } from './tensor.js';

/** Float64 reference kernels of the network nodes; tensors carry the batch as their first axis. */

/** y = W x + b over the last axis of x. */
export function denseForward(x: Tensor, node: DenseNode): Tensor {
  const { rows: outputs, cols: inputs, data: weights } = node.weights;
  const vectors = x.data.length / inputs;
  const out = tensor([...x.shape.slice(0, -1), outputs]);
  rowProducts(weights, outputs, x.data, vectors, inputs, node.bias, out.data, 0, 1, outputs);
  return out;
}

/** 2-D convolution of an NCHW batch, as im2col patches times the weight matrix, plus bias. */
export function conv2dForward(x: Tensor, node: Conv2dNode): Tensor {
  const [batch, inChannels, inHeight, inWidth] = x.shape;
  const [outHeight, outWidth] = windowOutputSize2d(inHeight, inWidth, node);
  const sizes = { inChannels, inHeight, inWidth, outHeight, outWidth };
  const outChannels = node.weights.rows;
  const outPerGroup = outChannels / node.groups;
  const columns = node.weights.cols;
  const positions = outHeight * outWidth;
  const patches = new Float64Array(positions * columns);
  const weights = node.weights.data;
  const out = tensor([batch, outChannels, outHeight, outWidth]);
  const sampleSize = inChannels * inHeight * inWidth;
  const products = new SimdWorkspace(); // one kernel memory for the batch's products
  for (let b = 0; b < batch; b++) {
    const sample = x.data.subarray(b * sampleSize, (b + 1) * sampleSize);
    for (let g = 0; g < node.groups; g++) {
      im2colGroup(sample, node, sizes, g, patches);
      const first = g * outPerGroup;
      rowProducts(weights.subarray(first * columns, (first + outPerGroup) * columns), outPerGroup, patches, positions, columns, node.bias.subarray(first, first + outPerGroup), out.data, (b * outChannels + first) * positions, positions, 1, products);
    }
  }
  return out;
}

/** Max or average pooling of an NCHW batch (padding never wins a max; see countIncludePad for averages). */
export function pool2dForward(x: Tensor, node: Pool2dNode): Tensor {
  const [batch, channels, inHeight, inWidth] = x.shape;
  const [outHeight, outWidth] = windowOutputSize2d(inHeight, inWidth, node, node.ceilMode);
  const [kernelHeight, kernelWidth] = node.kernel;
  const [strideY, strideX] = node.strides;
  const [dilationY, dilationX] = node.dilations;
  const [padTop, padLeft, padBottom, padRight] = node.pads;
  const isMax = node.op === 'maxpool';
  const out = tensor([batch, channels, outHeight, outWidth]);
  let o = 0;
  for (let plane = 0; plane < batch * channels; plane++) {
    const inOffset = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideY - padTop;
      for (let ox = 0; ox < outWidth; ox++, o++) {
        const x0 = ox * strideX - padLeft;
        let best = -Infinity;
        let sum = 0;
        let count = 0;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const y = y0 + ky * dilationY;
          if (y < 0 || y >= inHeight) continue;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const xx = x0 + kx * dilationX;
            if (xx < 0 || xx >= inWidth) continue;
            const value = x.data[inOffset + y * inWidth + xx];
            if (value > best) best = value;
            sum += value;
            count++;
          }
        }
        if (isMax) {
          out.data[o] = best;
        } else {
          // with count_include_pad the window is clipped to the padded input (PyTorch and ONNX Runtime)
          const divisor = node.countIncludePad
            ? windowCountInPadded(y0, kernelHeight, dilationY, inHeight + padBottom, -padTop) * windowCountInPadded(x0, kernelWidth, dilationX, inWidth + padRight, -padLeft)
            : count;
          out.data[o] = divisor === 0 ? 0 : sum / divisor;
        }
      }
    }
  }
  return out;
}

/** Kernel taps of a window starting at `start` that fall inside [low, high). */
function windowCountInPadded(start: number, kernel: number, dilation: number, high: number, low: number): number {
  let count = 0;
  for (let k = 0; k < kernel; k++) {
    const position = start + k * dilation;
    if (position >= low && position < high) count++;
  }
  return count;
}

/** Mean over the spatial axes: B x C x ... to B x C x 1 x ... x 1. */
export function globalAveragePoolForward(x: Tensor): Tensor {
  const planes = x.shape[0] * x.shape[1];
  const planeSize = shapeSize(x.shape.slice(2));
  const out = tensor([x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)]);
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let i = 0; i < planeSize; i++) sum += x.data[p * planeSize + i];
    out.data[p] = sum / planeSize;
  }
  return out;
}

/** Element-wise relu, logistic sigmoid, tanh or identity. */
export function elementwiseForward(x: Tensor, op: 'relu' | 'sigmoid' | 'tanh' | 'identity'): Tensor {
  const out = tensor(x.shape);
  const input = x.data;
  const output = out.data;
  switch (op) {
    case 'relu':
      for (let i = 0; i < input.length; i++) output[i] = input[i] > 0 ? input[i] : 0;
      break;
    case 'sigmoid':
      for (let i = 0; i < input.length; i++) output[i] = 1 / (1 + Math.exp(-input[i]));
      break;
    case 'tanh':
      for (let i = 0; i < input.length; i++) output[i] = Math.tanh(input[i]);
      break;
    case 'identity':
      output.set(input);
      break;
  }
  return out;
}

/** Softmax over axes [axis, endAxis) jointly, max-subtracted for stability. */
export function softmaxForward(x: Tensor, node: SoftmaxNode): Tensor {
  const outer = shapeSize(x.shape.slice(0, node.axis));
  const size = shapeSize(x.shape.slice(node.axis, node.endAxis));
  const inner = shapeSize(x.shape.slice(node.endAxis));
  const out = tensor(x.shape);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let largest = -Infinity;
      for (let k = 0; k < size; k++) largest = Math.max(largest, x.data[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < size; k++) {
        const e = Math.exp(x.data[base + k * inner] - largest);
        out.data[base + k * inner] = e;
        sum += e;
      }
      for (let k = 0; k < size; k++) out.data[base + k * inner] /= sum;
    }
  }
  return out;
}

/** a + b with NumPy broadcasting of the full shapes. */
export function broadcastAdd(a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = tensor(shape);
  const rank = shape.length;
  const stridesA = broadcastStrides(a.shape, shape);
  const stridesB = broadcastStrides(b.shape, shape);
  const index = new Int32Array(rank);
  let offsetA = 0;
  let offsetB = 0;
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = a.data[offsetA] + b.data[offsetB];
    // advance the multi-index like an odometer, updating both source offsets
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      offsetA += stridesA[axis];
      offsetB += stridesB[axis];
      if (index[axis] < shape[axis]) break;
      offsetA -= stridesA[axis] * shape[axis];
      offsetB -= stridesB[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return out;
}

/** Element strides of `shape` read as broadcast to `target` (0 on stretched and missing axes). */
function broadcastStrides(shape: readonly number[], target: readonly number[]): Int32Array {
  const strides = new Int32Array(target.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = i + target.length - shape.length;
    strides[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/** y = scale[c] x + shift[c] with c the index along `node.axis`. */
export function affineForward(x: Tensor, node: AffineNode): Tensor {
  const channels = x.shape[node.axis];
  const inner = shapeSize(x.shape.slice(node.axis + 1));
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out.data[i] = node.scale[c] * x.data[i] + node.shift[c];
  }
  return out;
}
