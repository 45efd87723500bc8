import { erf } from '../../math/normal.js';
import { broadcastShapes } from '../shapes.js';
import { shapeSize, tensor } from '../tensor.js';
import { type TensorOp, type TensorOpAttributes, numberAttribute } from './op.js';
import { broadcastStrides, forEachBroadcast } from './strides.js';

/** y = f(x) element by element. */
function unary(f: (x: number, attributes: TensorOpAttributes) => number): TensorOp {
  return {
    arity: [1, 1],
    forward([x], attributes) {
      const out = tensor(x.shape);
      for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i], attributes);
      return out;
    },
  };
}

/** y = f(a, b, ...) with NumPy broadcasting of every operand. */
function broadcasting(arity: readonly [number, number], f: (values: Float64Array) => number): TensorOp {
  return {
    arity,
    forward(operands) {
      const shape = operands.reduce<number[]>((out, operand) => broadcastShapes(out, operand.shape), []);
      const strides = operands.map((operand) => broadcastStrides(operand.shape, shape));
      const out = tensor(shape);
      const values = new Float64Array(operands.length);
      if (shapeSize(shape) === 0) return out;
      forEachBroadcast(shape, strides, (index, offsets) => {
        for (let k = 0; k < operands.length; k++) values[k] = operands[k].data[offsets[k]];
        out.data[index] = f(values);
      });
      return out;
    },
  };
}

const binary = (f: (a: number, b: number) => number): TensorOp => broadcasting([2, 2], (v) => f(v[0], v[1]));
const variadic = (f: (a: number, b: number) => number): TensorOp => broadcasting([1, Infinity], (v) => v.reduce(f));

/** GELU, exact (erf) or with the tanh approximation (ONNX Gelu `approximate`). */
function gelu(x: number, approximate: boolean): number {
  if (approximate) return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** The element-wise ops of ONNX's default domain, by op type (ONNX semantics, float64). */
export const ELEMENTWISE_OPS: Readonly<Record<string, TensorOp>> = {
  Neg: unary((x) => -x),
  Abs: unary((x) => Math.abs(x)),
  Sqrt: unary((x) => Math.sqrt(x)),
  Exp: unary((x) => Math.exp(x)),
  Log: unary((x) => Math.log(x)),
  Reciprocal: unary((x) => 1 / x),
  Floor: unary((x) => Math.floor(x)),
  Ceil: unary((x) => Math.ceil(x)),
  Erf: unary((x) => erf(x)),
  Softplus: unary((x) => (x > 30 ? x : Math.log1p(Math.exp(x)))),
  Gelu: unary((x, a) => gelu(x, numberAttribute(a, 'approximate', 0) === 1)),
  LeakyRelu: unary((x, a) => (x >= 0 ? x : numberAttribute(a, 'alpha', 0.01) * x)),
  Elu: unary((x, a) => (x >= 0 ? x : numberAttribute(a, 'alpha', 1) * (Math.exp(x) - 1))),
  HardSigmoid: unary((x, a) => Math.max(0, Math.min(1, numberAttribute(a, 'alpha', 0.2) * x + numberAttribute(a, 'beta', 0.5)))),
  HardSwish: unary((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  Clip: broadcasting([1, 3], (v) => Math.min(v.length > 2 ? v[2] : Infinity, Math.max(v.length > 1 ? v[1] : -Infinity, v[0]))),
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Pow: binary((a, b) => a ** b),
  Equal: binary((a, b) => (a === b ? 1 : 0)),
  Less: binary((a, b) => (a < b ? 1 : 0)),
  Greater: binary((a, b) => (a > b ? 1 : 0)),
  Min: variadic((a, b) => Math.min(a, b)),
  Max: variadic((a, b) => Math.max(a, b)),
  Sum: variadic((a, b) => a + b),
  Where: broadcasting([3, 3], (v) => (v[0] !== 0 ? v[1] : v[2])),
};
