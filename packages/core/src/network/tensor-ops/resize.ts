import { formatShape, tensor } from '../tensor.js';
import { type TensorOp, numberAttribute } from './op.js';

/** The string attributes of ONNX Resize, each held as its index in these lists. */
export const RESIZE_MODES = ['nearest', 'linear'] as const;
export const RESIZE_COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'] as const;
export const RESIZE_NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;

/**
 * ONNX Resize (opset 11 and later) in nearest and linear modes: operands X, roi (unused by these
 * coordinate modes), scales and sizes (one of the two non-empty; a size of -1 keeps that axis). Output axis size floor(in x scale)
 * or the size given; each output coordinate maps back by the coordinate mode, then takes the nearest
 * input element (by the nearest mode) or interpolates linearly between the two neighbours of every
 * resized axis (N-linear), coordinates clamped to the input.
 */
const resize: TensorOp = {
  arity: [1, 4],
  forward([x, , scales, sizes], attributes) {
    if (numberAttribute(attributes, 'antialias', 0) !== 0) throw new RangeError('Resize with antialias is not supported');
    if (attributes.axes !== undefined) throw new RangeError('Resize with axes is not supported; give scales or sizes for every axis');
    const rank = x.shape.length;
    const mode = numberAttribute(attributes, 'mode', 0);
    const coordinate = numberAttribute(attributes, 'coordinate_transformation_mode', 0);
    const nearest = numberAttribute(attributes, 'nearest_mode', 0);
    const bySize = sizes !== undefined && sizes.data.length > 0;
    const given = bySize ? sizes.data : scales?.data;
    if (given === undefined || given.length !== rank) throw new RangeError(`Resize needs ${rank} scales or sizes for ${formatShape(x.shape)}, got ${given?.length ?? 0}`);
    // a size of -1 keeps the input's (the importer writes it for the axis holding the batch)
    const shape = x.shape.map((dim, axis) => (bySize ? (given[axis] === -1 ? dim : given[axis]) : Math.floor(dim * given[axis])));
    if (shape.some((dim) => !(Number.isInteger(dim) && dim >= 0))) throw new RangeError(`Resize output ${formatShape(shape)} is not whole sizes >= 0`);
    // per axis and output index: the lower input index, the upper one and the weight of the upper
    const axes = x.shape.map((size, axis) => {
      const out = shape[axis];
      const scale = bySize ? out / size : given[axis];
      // the specification's length_resized: the size asked for, or input x scale before flooring
      const resized = bySize ? out : size * scale;
      const lower = new Int32Array(out);
      const upper = new Int32Array(out);
      const weight = new Float64Array(out);
      for (let o = 0; o < out; o++) {
        const source = sourceCoordinate(o, scale, size, resized, coordinate);
        if (mode === 0) {
          lower[o] = upper[o] = Math.min(size - 1, Math.max(0, nearestIndex(source, nearest)));
        } else {
          const clamped = Math.min(size - 1, Math.max(0, source));
          lower[o] = Math.floor(clamped);
          upper[o] = Math.min(size - 1, lower[o] + 1);
          weight[o] = clamped - lower[o];
        }
      }
      return { lower, upper, weight };
    });
    const strides = new Array<number>(rank);
    for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= x.shape[axis];
    }
    const out = tensor(shape);
    const counter = new Array<number>(rank).fill(0);
    const corners = mode === 0 ? 1 : 2 ** rank;
    for (let o = 0; o < out.data.length; o++) {
      let sum = 0;
      for (let corner = 0; corner < corners; corner++) {
        let offset = 0;
        let w = 1;
        for (let axis = 0; axis < rank; axis++) {
          const { lower, upper, weight } = axes[axis];
          const high = (corner >> axis) & 1;
          offset += (high ? upper[counter[axis]] : lower[counter[axis]]) * strides[axis];
          if (mode !== 0) w *= high ? weight[counter[axis]] : 1 - weight[counter[axis]];
        }
        if (w !== 0) sum += w * x.data[offset];
      }
      out.data[o] = sum;
      for (let axis = rank - 1; axis >= 0; axis--) {
        if (++counter[axis] < shape[axis]) break;
        counter[axis] = 0;
      }
    }
    return out;
  },
};

/** The input coordinate of output index o along an axis of `size` resized to length `resized` (not floored) by `scale`. */
function sourceCoordinate(o: number, scale: number, size: number, resized: number, mode: number): number {
  switch (RESIZE_COORDINATE_MODES[mode]) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return resized > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return resized === 1 ? 0 : (o * (size - 1)) / (resized - 1);
    default:
      return o / scale;
  }
}

function nearestIndex(source: number, mode: number): number {
  switch (RESIZE_NEAREST_MODES[mode]) {
    case 'round_prefer_floor':
      return source === Math.floor(source) + 0.5 ? Math.floor(source) : Math.round(source);
    case 'round_prefer_ceil':
      return Math.round(source);
    case 'floor':
      return Math.floor(source);
    default:
      return Math.ceil(source);
  }
}

export const RESIZE_OPS: Readonly<Record<string, TensorOp>> = { Resize: resize };
