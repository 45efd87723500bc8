import { type Tensor, shapeSize, tensor } from '../tensor.js';
import { type TensorOp, type TensorOpAttributes, numberAttribute, listAttribute } from './op.js';
import { broadcastShapes } from '../shapes.js';
import { broadcastStrides, forEachBroadcast, normalizeAxis, stridesOf } from './strides.js';

/**
 * The reduced axes: the `axes` attribute (before opset 18, 13 for ReduceSum) or operand 1, all axes
 * when neither is given (or the list is empty, unless noop_with_empty_axes).
 */
function reducedAxes(x: Tensor, axesOperand: Tensor | undefined, attributes: TensorOpAttributes): Set<number> | undefined {
  const listed = axesOperand ? Array.from(axesOperand.data) : listAttribute(attributes, 'axes');
  if (listed === undefined || listed.length === 0) return numberAttribute(attributes, 'noop_with_empty_axes', 0) === 1 ? undefined : new Set(x.shape.map((_, axis) => axis));
  return new Set(listed.map((axis) => normalizeAxis(axis, x.shape.length, 'reduce axis')));
}

/** A reduction: `start` folded with `step` over the reduced axes, then `finish(sum, count)`. */
function reduction(start: number, step: (acc: number, x: number) => number, finish: (acc: number, count: number) => number = (acc) => acc): TensorOp {
  return {
    arity: [1, 2],
    forward([x, axesOperand], attributes) {
      const axes = reducedAxes(x, axesOperand, attributes);
      if (axes === undefined) return { shape: [...x.shape], data: Float64Array.from(x.data) };
      const keepDims = numberAttribute(attributes, 'keepdims', 1) === 1;
      const kept = x.shape.map((dim, axis) => (axes.has(axis) ? 1 : dim));
      const out = tensor(kept);
      out.data.fill(start);
      // out is read with x's shape, stride 0 along the reduced axes
      const outStrides = stridesOf(kept).map((stride, axis) => (axes.has(axis) ? 0 : stride));
      if (x.data.length > 0) forEachBroadcast(x.shape, [outStrides], (index, offsets) => {
        out.data[offsets[0]] = step(out.data[offsets[0]], x.data[index]);
      });
      const count = x.data.length / Math.max(1, out.data.length);
      for (let i = 0; i < out.data.length; i++) out.data[i] = finish(out.data[i], count);
      return keepDims ? out : { shape: x.shape.filter((_, axis) => !axes.has(axis)), data: out.data };
    },
  };
}

/**
 * LayerNormalization over the axes [axis, rank): (x - mean) / sqrt(var + epsilon) * scale + bias,
 * scale and bias broadcast over the normalized axes (ONNX, opset 17).
 */
const layerNormalization: TensorOp = {
  arity: [2, 3],
  forward([x, scale, bias], attributes) {
    const axis = normalizeAxis(numberAttribute(attributes, 'axis', -1), x.shape.length);
    const epsilon = numberAttribute(attributes, 'epsilon', 1e-5);
    const group = shapeSize(x.shape.slice(axis));
    const normalized = tensor(x.shape);
    for (let start = 0; start < x.data.length; start += group) {
      let mean = 0;
      for (let i = 0; i < group; i++) mean += x.data[start + i];
      mean /= group;
      let variance = 0;
      for (let i = 0; i < group; i++) variance += (x.data[start + i] - mean) ** 2;
      const inverse = 1 / Math.sqrt(variance / group + epsilon);
      for (let i = 0; i < group; i++) normalized.data[start + i] = (x.data[start + i] - mean) * inverse;
    }
    const operands = bias ? [normalized, scale, bias] : [normalized, scale];
    const shape = operands.reduce<number[]>((out, operand) => broadcastShapes(out, operand.shape), []);
    const strides = operands.map((operand) => broadcastStrides(operand.shape, shape));
    const out = tensor(shape);
    if (out.data.length > 0) forEachBroadcast(shape, strides, (index, offsets) => {
      out.data[index] = normalized.data[offsets[0]] * scale.data[offsets[1]] + (bias ? bias.data[offsets[2]] : 0);
    });
    return out;
  },
};

export const REDUCE_OPS: Readonly<Record<string, TensorOp>> = {
  ReduceMean: reduction(0, (acc, x) => acc + x, (acc, count) => acc / count),
  ReduceSum: reduction(0, (acc, x) => acc + x),
  ReduceMax: reduction(-Infinity, (acc, x) => (x > acc || Number.isNaN(x) ? x : acc)),
  ReduceMin: reduction(Infinity, (acc, x) => (x < acc || Number.isNaN(x) ? x : acc)),
  ReduceProd: reduction(1, (acc, x) => acc * x),
  ReduceSumSquare: reduction(0, (acc, x) => acc + x * x),
  LayerNormalization: layerNormalization,
};
