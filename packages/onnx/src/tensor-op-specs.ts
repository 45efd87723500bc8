import { PAD_MODES, RESIZE_COORDINATE_MODES, RESIZE_MODES, RESIZE_NEAREST_MODES, type TensorOpAttributes } from '@xbar/core';
import type { NodeAttributes } from './attributes.js';

/** How to read one ONNX attribute into a tensor op's attributes. */
/** How to read one ONNX attribute: a number, a list, or a string among `names` held as its index. */
type AttributeKind = 'int' | 'float' | 'ints' | readonly string[];

/** The attributes ONNX defines for a tensor op (any other is refused), by op type. */
export const TENSOR_OP_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeKind>>>> = {
  Neg: {}, Abs: {}, Sqrt: {}, Exp: {}, Log: {}, Reciprocal: {}, Floor: {}, Ceil: {}, Erf: {}, Softplus: {}, HardSwish: {},
  Add: {}, Sub: {}, Mul: {}, Div: {}, Pow: {}, Equal: {}, Less: {}, Greater: {}, Min: {}, Max: {}, Sum: {}, Where: {}, MatMul: {}, Expand: {},
  Clip: {},
  Gelu: { approximate: ['none', 'tanh'] },
  LeakyRelu: { alpha: 'float' },
  Elu: { alpha: 'float' },
  HardSigmoid: { alpha: 'float', beta: 'float' },
  Reshape: { allowzero: 'int' },
  Transpose: { perm: 'ints' },
  Slice: {},
  Pad: { mode: PAD_MODES },
  Resize: {
    mode: RESIZE_MODES,
    coordinate_transformation_mode: RESIZE_COORDINATE_MODES,
    nearest_mode: RESIZE_NEAREST_MODES,
    // extrapolation_value: tf_crop_and_resize's value outside the input
    cubic_coeff_a: 'float',
    exclude_outside: 'int',
    extrapolation_value: 'float',
    antialias: 'int',
    axes: 'ints',
    keep_aspect_ratio_policy: ['stretch'],
  },
  Concat: { axis: 'int' },
  Gather: { axis: 'int' },
  Cast: { to: 'int', saturate: 'int' },
  ReduceMean: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  ReduceSum: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  ReduceMax: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  ReduceMin: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  ReduceProd: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  ReduceSumSquare: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
  LayerNormalization: { axis: 'int', epsilon: 'float', stash_type: 'int' },
};

/** The node's attributes as the tensor op reads them, a string as its index among the names its kind lists (GELU's `approximate`: 0 = none, 1 = tanh). */
export function readTensorOpAttributes(attributes: NodeAttributes, spec: Readonly<Record<string, AttributeKind>>): TensorOpAttributes {
  const out: Record<string, number | readonly number[]> = {};
  for (const [name, kind] of Object.entries(spec)) {
    if (!attributes.has(name)) continue;
    if (kind === 'int') out[name] = attributes.int(name, 0);
    else if (kind === 'float') out[name] = attributes.float(name, 0);
    else if (kind === 'ints') out[name] = attributes.ints(name) ?? [];
    else {
      const written = attributes.string(name, kind[0]);
      const index = kind.indexOf(written);
      if (index < 0) throw new RangeError(`${name} must be one of ${kind.join(', ')}, got '${written}'`);
      out[name] = index;
    }
  }
  return out;
}
