import { formatShape, tensor } from '../tensor.js';
import { type TensorOp, numberAttribute } from './op.js';

/** The string attributes of ONNX Resize, each held as its index in these lists. */
export const RESIZE_MODES = ['nearest', 'linear', 'cubic'] as const;
export const RESIZE_COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'half_pixel_symmetric', 'tf_crop_and_resize'] as const;
const CROP_AND_RESIZE = RESIZE_COORDINATE_MODES.indexOf('tf_crop_and_resize');
export const RESIZE_NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const;

/**
 * ONNX Resize (opset 11 and later) in nearest, linear and cubic modes: operands X, roi (the
 * [starts, ends] of the region tf_crop_and_resize maps the output onto, in input-size fractions),
 * scales and sizes (one of the two non-empty; a size of -1 keeps that axis). Output axis size
 * floor(in x scale) or the size given; each output coordinate maps back by the coordinate mode (an
 * output mapped outside the input by tf_crop_and_resize is extrapolation_value), then takes the
 * nearest input element (by the nearest mode), interpolates
 * linearly between its two neighbours (coordinates clamped to the input), or cubically over its
 * four (Keys' kernel with cubic_coeff_a, the input extended by its edge values; with
 * exclude_outside, the taps outside the input get no weight and the others are renormalised), on
 * every axis in turn (N-linear, N-cubic).
 */
const resize: TensorOp = {
  arity: [1, 4],
  forward([x, roi, scales, sizes], attributes) {
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
    const cubic = { a: numberAttribute(attributes, 'cubic_coeff_a', -0.75), excludeOutside: numberAttribute(attributes, 'exclude_outside', 0) !== 0 };
    const crop = coordinate === CROP_AND_RESIZE;
    if (crop && roi?.data.length !== 2 * rank) throw new RangeError(`Resize with tf_crop_and_resize needs a roi of ${2 * rank} values (starts, then ends) for ${formatShape(x.shape)}, got ${roi?.data.length ?? 0}`);
    // per axis and output index: the input indices it reads and their weights
    const axes = x.shape.map((size, axis) => {
      const out = shape[axis];
      const scale = bySize ? out / size : given[axis];
      // the specification's length_resized: the size asked for, or input x scale before flooring
      const resized = bySize ? out : size * scale;
      if (crop) {
        const [start, end] = [roi.data[axis], roi.data[rank + axis]];
        return axisTaps(out, size, (o) => (resized > 1 ? start * (size - 1) + (o * (end - start) * (size - 1)) / (resized - 1) : 0.5 * (start + end) * (size - 1)), mode, nearest, cubic, true);
      }
      return axisTaps(out, size, (o) => sourceCoordinate(o, scale, size, resized, coordinate), mode, nearest, cubic);
    });
    const extrapolation = numberAttribute(attributes, 'extrapolation_value', 0);
    const strides = new Array<number>(rank);
    for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= x.shape[axis];
    }
    const out = tensor(shape);
    const counter = new Array<number>(rank).fill(0);
    const combinations = axes.reduce((count, a) => count * a.taps, 1);
    for (let o = 0; o < out.data.length; o++) {
      let sum = 0;
      const outside = axes.some((a, axis) => a.outside?.[counter[axis]] === 1);
      for (let combination = 0; combination < combinations; combination++) {
        let offset = 0;
        let w = 1;
        let rest = combination;
        for (let axis = 0; axis < rank; axis++) {
          const { taps, index, weight } = axes[axis];
          const k = counter[axis] * taps + (rest % taps);
          rest = Math.floor(rest / taps);
          offset += index[k] * strides[axis];
          w *= weight[k];
        }
        if (w !== 0) sum += w * x.data[offset];
      }
      out.data[o] = outside ? extrapolation : sum;
      for (let axis = rank - 1; axis >= 0; axis--) {
        if (++counter[axis] < shape[axis]) break;
        counter[axis] = 0;
      }
    }
    return out;
  },
};

/** The input indices (`taps` per output index, output-major) one axis reads and their weights; `outside`, 1 for the output indices mapped outside the input (tf_crop_and_resize). */
interface AxisTaps {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
  readonly outside?: Uint8Array;
}

/**
 * Taps of one axis of `size` resized to `out` for the mode (0 nearest, 1 linear, 2 cubic); an axis
 * every output of which reads one input whole keeps one tap. With `marksOutside`, the output
 * indices whose coordinate lies outside [0, size - 1] are marked.
 */
function axisTaps(out: number, size: number, source: (o: number) => number, mode: number, nearest: number, cubic: { a: number; excludeOutside: boolean }, marksOutside = false): AxisTaps {
  const taps = [1, 2, 4][mode];
  const index = new Int32Array(out * taps);
  const weight = new Float64Array(out * taps);
  const outside = marksOutside ? new Uint8Array(out) : undefined;
  const clampIndex = (i: number) => Math.min(size - 1, Math.max(0, i));
  for (let o = 0; o < out; o++) {
    const x = source(o);
    if (outside !== undefined && (x < 0 || x > size - 1)) outside[o] = 1;
    const at = o * taps;
    if (mode === 0) {
      index[at] = clampIndex(nearestIndex(x, nearest));
      weight[at] = 1;
    } else if (mode === 1) {
      const clamped = Math.min(size - 1, Math.max(0, x));
      const lower = Math.floor(clamped);
      index[at] = lower;
      index[at + 1] = Math.min(size - 1, lower + 1);
      weight[at + 1] = clamped - lower;
      weight[at] = 1 - weight[at + 1];
    } else {
      const base = Math.floor(x);
      const coefficients = cubicCoefficients(x - base, cubic.a);
      let total = 0;
      for (let k = 0; k < 4; k++) {
        const i = base - 1 + k;
        const outside = i < 0 || i >= size;
        weight[at + k] = cubic.excludeOutside && outside ? 0 : coefficients[k];
        index[at + k] = clampIndex(i); // the input extended by its edge values
        total += weight[at + k];
      }
      if (cubic.excludeOutside) for (let k = 0; k < 4; k++) weight[at + k] /= total;
    }
  }
  const tapped = taps > 1 && readsOneEach(taps, out, weight) ? singleTaps(taps, out, index, weight) : { taps, index, weight };
  return outside === undefined ? tapped : { ...tapped, outside };
}

/** Keys' cubic convolution weights of the taps at -1, 0, 1, 2 from the floor, for the fraction t in [0, 1). */
function cubicCoefficients(t: number, a: number): [number, number, number, number] {
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; // 1 <= d < 2
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1; // 0 <= d < 1
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** Whether every output index reads exactly one tap with weight 1. */
function readsOneEach(taps: number, out: number, weight: Float64Array): boolean {
  for (let o = 0; o < out; o++) {
    let ones = 0;
    for (let k = 0; k < taps; k++) {
      const w = weight[o * taps + k];
      if (w === 1) ones++;
      else if (w !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

function singleTaps(taps: number, out: number, index: Int32Array, weight: Float64Array): AxisTaps {
  const single = new Int32Array(out);
  for (let o = 0; o < out; o++) for (let k = 0; k < taps; k++) if (weight[o * taps + k] === 1) single[o] = index[o * taps + k];
  return { taps: 1, index: single, weight: new Float64Array(out).fill(1) };
}

/** The input coordinate of output index o along an axis of `size` resized to length `resized` (not floored) by `scale`. */
function sourceCoordinate(o: number, scale: number, size: number, resized: number, mode: number): number {
  switch (RESIZE_COORDINATE_MODES[mode]) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return resized > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return resized === 1 ? 0 : (o * (size - 1)) / (resized - 1);
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / scale;
    case 'half_pixel_symmetric': {
      // the output's whole length over the one asked for shifts the grid symmetrically about the centre
      const adjustment = Math.floor(resized) / resized;
      return (size / 2) * (1 - adjustment) + (o + 0.5) / scale - 0.5;
    }
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
