import { PAD_MODES, type TensorOpAttributes } from '@xbar/core';
import type { NodeAttributes } from './attributes.js';

/** How to read one ONNX attribute into a tensor op's attributes. */
type AttributeKind = 'int' | 'float' | 'ints' | 'gelu-approximate' | 'pad-mode';

/** The attributes ONNX defines for a tensor op (any other is refused), by op type. */
export const TENSOR_OP_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeKind>>>> = {
  Neg: {}, Abs: {}, Sqrt: {}, Exp: {}, Log: {}, Reciprocal: {}, Floor: {}, Ceil: {}, Erf: {}, Softplus: {}, HardSwish: {},
  Add: {}, Sub: {}, Mul: {}, Div: {}, Pow: {}, Equal: {}, Less: {}, Greater: {}, Min: {}, Max: {}, Sum: {}, Where: {}, MatMul: {}, Expand: {},
  Clip: {},
  Gelu: { approximate: 'gelu-approximate' },
  LeakyRelu: { alpha: 'float' },
  Elu: { alpha: 'float' },
  HardSigmoid: { alpha: 'float', beta: 'float' },
  Transpose: { perm: 'ints' },
  Slice: {},
  Pad: { mode: 'pad-mode' },
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

/** The node's attributes as the tensor op reads them (GELU's `approximate` string as 0 = none, 1 = tanh; Pad's `mode` as its index in PAD_MODES). */
export function readTensorOpAttributes(attributes: NodeAttributes, spec: Readonly<Record<string, AttributeKind>>): TensorOpAttributes {
  const out: Record<string, number | readonly number[]> = {};
  for (const [name, kind] of Object.entries(spec)) {
    if (!attributes.has(name)) continue;
    if (kind === 'int') out[name] = attributes.int(name, 0);
    else if (kind === 'float') out[name] = attributes.float(name, 0);
    else if (kind === 'ints') out[name] = attributes.ints(name) ?? [];
    else if (kind === 'pad-mode') {
      const value = attributes.string(name, 'constant');
      const mode = (PAD_MODES as readonly string[]).indexOf(value);
      if (mode < 0) throw new RangeError(`mode must be one of ${PAD_MODES.join(', ')}, got '${value}'`);
      out[name] = mode;
    } else {
      const value = attributes.string(name, 'none');
      if (value !== 'none' && value !== 'tanh') throw new RangeError(`approximate must be 'none' or 'tanh', got '${value}'`);
      out[name] = value === 'tanh' ? 1 : 0;
    }
  }
  return out;
}
