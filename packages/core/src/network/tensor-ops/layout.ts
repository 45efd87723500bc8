import { broadcastShapes } from '../shapes.js';
import { type Tensor, formatShape, shapeSize, tensor } from '../tensor.js';
import { roundToFloat16 } from '../../math/small-floats.js';
import { type TensorOp, numberAttribute, listAttribute } from './op.js';
import { broadcastStrides, forEachBroadcast, normalizeAxis, stridesOf } from './strides.js';

/** Transpose by `perm` (default: reverse the axes). */
const transpose: TensorOp = {
  arity: [1, 1],
  forward([x], attributes) {
    const perm = permutation(x.shape.length, listAttribute(attributes, 'perm'));
    const shape = perm.map((axis) => x.shape[axis]);
    const own = stridesOf(x.shape);
    return copyStrided(x, shape, perm.map((axis) => own[axis]), 0);
  },
};

function permutation(rank: number, perm: readonly number[] | undefined): number[] {
  const out = perm ? perm.map((axis) => normalizeAxis(axis, rank, 'perm axis')) : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (out.length !== rank || new Set(out).size !== rank) throw new RangeError(`perm [${perm?.join(', ')}] is not a permutation of ${rank} axes`);
  return out;
}

/** A tensor of `shape` whose element i reads x at start + sum_axis counter[axis] * strides[axis]. */
function copyStrided(x: Tensor, shape: readonly number[], strides: readonly number[], start: number): Tensor {
  const out = tensor(shape);
  if (out.data.length === 0) return out;
  forEachBroadcast(shape, [strides], (index, offsets) => {
    out.data[index] = x.data[start + offsets[0]];
  });
  return out;
}

/**
 * ONNX Slice with its starts, ends, axes and steps given as operands 1 to 4 (constants at import):
 * bounds clamped as the specification says, negative steps walk backwards.
 */
const slice: TensorOp = {
  arity: [3, 5],
  forward([x, starts, ends, axes, steps]) {
    const window = sliceWindow(x.shape, starts.data, ends.data, axes?.data, steps?.data);
    const own = stridesOf(x.shape);
    return copyStrided(x, window.shape, window.steps.map((step, axis) => step * own[axis]), window.starts.reduce((sum, begin, axis) => sum + begin * own[axis], 0));
  },
};

/** Where a Slice starts on each axis, its step and the output shape. */
function sliceWindow(shape: readonly number[], starts: ArrayLike<number>, ends: ArrayLike<number>, axes?: ArrayLike<number>, steps?: ArrayLike<number>): { starts: number[]; steps: number[]; shape: number[] } {
  const rank = shape.length;
  const begin = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const out = [...shape];
  for (let k = 0; k < starts.length; k++) {
    const axis = normalizeAxis(axes ? axes[k] : k, rank, 'Slice axis');
    const size = shape[axis];
    const stride = steps ? steps[k] : 1;
    if (!Number.isInteger(stride) || stride === 0) throw new RangeError(`Slice step must be a non-zero integer, got ${stride}`);
    const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value < 0 ? value + size : value));
    const first = stride > 0 ? clamp(starts[k], 0, size) : clamp(starts[k], -1, size - 1);
    const last = stride > 0 ? clamp(ends[k], 0, size) : clamp(ends[k], -1, size - 1);
    begin[axis] = first;
    step[axis] = stride;
    out[axis] = Math.max(0, Math.ceil((last - first) / stride));
  }
  return { starts: begin, steps: step, shape: out };
}

/** Pad modes by the number the `mode` attribute holds (the importer reads ONNX's string). */
export const PAD_MODES = ['constant', 'reflect', 'edge', 'wrap'] as const;

/**
 * ONNX Pad: operands data, pads (the begins then the ends of every padded axis, negative to crop),
 * the constant value (default 0) and the axes the pads are for (default all). Modes: constant,
 * reflect (mirrored without repeating the edge), edge (the edge repeated), wrap (periodic).
 */
const pad: TensorOp = {
  arity: [2, 4],
  forward([x, pads, value, axes], attributes) {
    const rank = x.shape.length;
    const mode = numberAttribute(attributes, 'mode', 0);
    const listed = axes ? Array.from(axes.data, (axis) => normalizeAxis(axis, rank, 'Pad axis')) : Array.from({ length: rank }, (_, axis) => axis);
    if (pads.data.length !== 2 * listed.length) throw new RangeError(`Pad takes ${2 * listed.length} pads (begins then ends of ${listed.length} axes), got ${pads.data.length}`);
    const begin = new Array<number>(rank).fill(0);
    const end = new Array<number>(rank).fill(0);
    listed.forEach((axis, k) => {
      begin[axis] = pads.data[k];
      end[axis] = pads.data[k + listed.length];
    });
    const shape = x.shape.map((dim, axis) => dim + begin[axis] + end[axis]);
    if (shape.some((dim) => dim < 0)) throw new RangeError(`pads [${Array.from(pads.data).join(', ')}] crop ${formatShape(x.shape)} below zero`);
    if (mode !== 0 && shape.some((dim, axis) => dim > 0 && x.shape[axis] === 0)) throw new RangeError(`${PAD_MODES[mode]} padding of an empty axis`);
    const fill = value !== undefined && value.data.length > 0 ? value.data[0] : 0;
    const own = stridesOf(x.shape);
    const out = tensor(shape);
    const counter = new Array<number>(rank).fill(0);
    for (let o = 0; o < out.data.length; o++) {
      let source = 0;
      let inside = true;
      for (let axis = 0; axis < rank && inside; axis++) {
        const size = x.shape[axis];
        let i = counter[axis] - begin[axis];
        if (i < 0 || i >= size) {
          if (mode === 0) inside = false;
          else i = mode === 2 ? Math.min(size - 1, Math.max(0, i)) : mode === 3 ? ((i % size) + size) % size : reflectedIndex(i, size);
        }
        source += i * own[axis];
      }
      out.data[o] = inside ? x.data[source] : fill;
      for (let axis = rank - 1; axis >= 0; axis--) {
        if (++counter[axis] < shape[axis]) break;
        counter[axis] = 0;
      }
    }
    return out;
  },
};

/** Index i outside [0, size) mirrored about the edges without repeating them (period 2 (size - 1)). */
function reflectedIndex(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const folded = ((i % period) + period) % period;
  return folded < size ? folded : period - folded;
}

/** Concat along `axis`. */
const concat: TensorOp = {
  arity: [1, Infinity],
  forward(operands, attributes) {
    const [first] = operands.map((o) => o.shape);
    const axis = normalizeAxis(numberAttribute(attributes, 'axis', 0), first.length);
    const shape = [...first];
    shape[axis] = 0;
    for (const { shape: other } of operands) {
      if (other.length !== first.length || other.some((dim, i) => i !== axis && dim !== first[i])) throw new RangeError(`Concat: ${formatShape(other)} does not fit ${formatShape(first)} on axis ${axis}`);
      shape[axis] += other[axis];
    }
    const outer = shapeSize(shape.slice(0, axis));
    const inner = shapeSize(shape.slice(axis + 1));
    const out = tensor(shape);
    let offset = 0;
    for (const operand of operands) {
      const block = operand.shape[axis] * inner;
      for (let o = 0; o < outer; o++) out.data.set(operand.data.subarray(o * block, (o + 1) * block), o * shape[axis] * inner + offset);
      offset += block;
    }
    return out;
  },
};

/** Gather along `axis` with integer indices (negative ones count from the end). */
const gather: TensorOp = {
  arity: [2, 2],
  forward([data, indices], attributes) {
    const axis = normalizeAxis(numberAttribute(attributes, 'axis', 0), data.shape.length);
    const out = tensor([...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)]);
    const outer = shapeSize(data.shape.slice(0, axis));
    const inner = shapeSize(data.shape.slice(axis + 1));
    const size = data.shape[axis];
    const count = indices.data.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const raw = indices.data[j];
        const index = raw < 0 ? raw + size : raw;
        if (!(Number.isInteger(index) && index >= 0 && index < size)) throw new RangeError(`Gather index ${raw} is out of range for an axis of ${size}`);
        out.data.set(data.data.subarray((o * size + index) * inner, (o * size + index + 1) * inner), (o * count + j) * inner);
      }
    }
    return out;
  },
};

/** Expand: broadcast to the (constant) shape of operand 1, NumPy-style both ways. */
const expand: TensorOp = {
  arity: [2, 2],
  forward([x, target]) {
    const shape = broadcastShapes(x.shape, Array.from(target.data));
    return copyStrided(x, shape, broadcastStrides(x.shape, shape), 0);
  },
};

/**
 * Cast to ONNX data type `to`: float32 and float16 round to the nearest value of the type (ties to
 * even; the value stays a float64 number), float64 keeps the value, the
 * integer types truncate toward zero and wrap around into their range (modulo 2^bits, as an integer
 * cast in C: 300 to uint8 is 44, -1 to uint8 255; exact below 2^53), bool is value != 0. Other
 * types (bfloat16, strings, float8) are refused.
 */
const INTEGER_BITS: Readonly<Record<number, { readonly bits: number; readonly signed: boolean }>> = {
  2: { bits: 8, signed: false },
  3: { bits: 8, signed: true },
  4: { bits: 16, signed: false },
  5: { bits: 16, signed: true },
  6: { bits: 32, signed: true },
  7: { bits: 64, signed: true },
  12: { bits: 32, signed: false },
  13: { bits: 64, signed: false },
};

/** v truncated toward zero, wrapped into the range of a `bits`-bit integer. */
function wrapInteger(v: number, bits: number, signed: boolean): number {
  // + 0: an integer has no -0
  const whole = Math.trunc(v) + 0;
  const modulus = 2 ** bits;
  const low = signed ? -(modulus / 2) : 0;
  if (whole >= low && whole < low + modulus) return whole;
  const wrapped = whole - Math.floor(whole / modulus) * modulus;
  return signed && wrapped >= modulus / 2 ? wrapped - modulus : wrapped;
}

const CASTS: Readonly<Record<number, (value: number) => number>> = {
  1: (v) => Math.fround(v),
  10: roundToFloat16,
  11: (v) => v,
  9: (v) => (v !== 0 ? 1 : 0),
  ...Object.fromEntries(Object.entries(INTEGER_BITS).map(([type, { bits, signed }]) => [type, (v: number) => wrapInteger(v, bits, signed)])),
};

/** Whether Cast to ONNX data type `to` gives integers (the integer types and bool). */
export function castsToInteger(to: number): boolean {
  return to === 9 || Object.hasOwn(INTEGER_BITS, to);
}
const cast: TensorOp = {
  arity: [1, 1],
  forward([x], attributes) {
    const to = numberAttribute(attributes, 'to', 1);
    const convert = CASTS[to];
    // bfloat16: ONNX's backend test data truncates float32 to it, ONNX Runtime rounds to nearest even
    if (to === 16) throw new RangeError('Cast to bfloat16 is not supported: its rounding is not settled (ONNX\'s test data truncates, ONNX Runtime rounds to nearest even)');
    if (convert === undefined) throw new RangeError(`Cast to data type ${to} is not supported (float, double, float16, bool and the integer types are)`);
    return { shape: [...x.shape], data: x.data.map(convert) };
  },
};

/**
 * Reshape to the dims of operand 1 (ONNX Reshape): a 0 copies the input's dimension at that axis
 * unless `allowzero` is 1, one -1 takes what the other dimensions leave. The values are shared.
 */
const reshape: TensorOp = {
  arity: [2, 2],
  forward([x, target], attributes) {
    const allowZero = numberAttribute(attributes, 'allowzero', 0) !== 0;
    const written = `[${Array.from(target.data).join(', ')}]`;
    const dims = Array.from(target.data, (dim, axis) => (dim === 0 && !allowZero ? (x.shape[axis] ?? Number.NaN) : dim));
    const unknown = dims.filter((dim) => dim === -1).length;
    if (unknown > 1 || dims.some((dim) => !Number.isInteger(dim) || dim < -1)) throw new RangeError(`cannot reshape ${formatShape(x.shape)} to ${written}`);
    if (unknown === 1) {
      const known = shapeSize(dims.filter((dim) => dim !== -1));
      if (known === 0 || x.data.length % known !== 0) throw new RangeError(`cannot infer -1 in ${written} for ${x.data.length} values`);
      dims[dims.indexOf(-1)] = x.data.length / known;
    }
    if (shapeSize(dims) !== x.data.length) throw new RangeError(`cannot reshape ${formatShape(x.shape)} to ${formatShape(dims)}`);
    return { shape: dims, data: x.data };
  },
};

export const LAYOUT_OPS: Readonly<Record<string, TensorOp>> = { Reshape: reshape, Transpose: transpose, Slice: slice, Pad: pad, Concat: concat, Gather: gather, Expand: expand, Cast: cast };
