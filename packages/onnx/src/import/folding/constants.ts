/**
 * Constant folding: ops whose inputs are all known at import are computed there instead of becoming
 * nodes (chains of Shape, Gather, Concat, arithmetic... down to a Reshape's target), and ops on a
 * batch-sized fill (ConstantOfShape of a shape read from an activation) stay one repeated value.
 */
import { type Tensor, type TensorOpAttributes, castsToInteger } from '@xbar/core';
import { broadcastAdd } from '@xbar/core/kernels';
import { SYMBOLIC_BATCH, batchMultiple } from '../../batch-layout.js';
import { type ConstantTensor, OnnxImportError, dimsSize } from '../../constant.js';
import type { TensorRun } from '../batch-probe.js';
import type { Constant, Filled } from '../values.js';

/** A tensor op of type `type` on constants: its result, integer when the op casts to an integer type or every input is one. */
export function foldTensorOp(run: TensorRun, type: string, attributes: TensorOpAttributes, values: readonly Constant[]): ConstantTensor {
  const result = run(values.map((value) => ({ shape: value.tensor.dims, data: value.tensor.values })));
  const integer = type === 'Cast' ? castsToInteger(typeof attributes.to === 'number' ? attributes.to : 1) : values.every((value) => value.tensor.kind === 'int');
  // integer tensors stay integers: ONNX's integer Div truncates toward zero
  return { kind: integer ? 'int' : 'float', dims: result.shape, values: integer ? result.data.map(Math.trunc) : result.data };
}

/** An element-wise function of a constant, as a float constant. */
export function foldElementwise(x: ConstantTensor, f: (value: number) => number): ConstantTensor {
  return { kind: 'float', dims: x.dims, values: x.values.map(f) };
}

/** The broadcast sum of two constants, integer when both are. */
export function addConstants(a: ConstantTensor, b: ConstantTensor): ConstantTensor {
  const sum = broadcastAdd({ shape: a.dims, data: a.values }, { shape: b.dims, data: b.values });
  return { kind: a.kind === 'int' && b.kind === 'int' ? 'int' : 'float', dims: sum.shape, values: sum.data };
}

/** A tensor op on filled tensors (and constants): run at batches 1 and 7, the result must again be one value. */
export function foldFilled(run: TensorRun, values: readonly (Filled | Constant)[], where: string): Filled {
  const [one, seven] = [1, 7].map((batch) => run(values.map((value) => (value.kind === 'constant'
    ? { shape: value.tensor.dims, data: value.tensor.values }
    : (() => {
      const dims = value.dims.map((d) => (batchMultiple(d) === undefined ? d : batchMultiple(d)! * batch));
      return { shape: dims, data: new Float64Array(dimsSize(dims)).fill(value.value) };
    })()))));
  const fill = one.data[0];
  const uniform = (t: Tensor) => t.data.every((v) => Object.is(v, fill));
  if (!uniform(one) || !uniform(seven) || one.shape.length !== seven.shape.length || one.data.length === 0) {
    throw new OnnxImportError(`${where}: the result of this op on a batch-sized constant is not one value repeated`);
  }
  const dims = one.shape.map((dim, axis) => {
    if (seven.shape[axis] === dim) return dim;
    if (seven.shape[axis] === 7 * dim) return dim * SYMBOLIC_BATCH;
    throw new OnnxImportError(`${where}: axis ${axis} of the result does not follow the batch size`);
  });
  return { kind: 'filled', value: fill, dims };
}
