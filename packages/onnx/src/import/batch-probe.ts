/**
 * Where a digital tensor op's result holds the batch, found by running the op at import: on zeros
 * at batches 1 and 7 for the axis that grows with the batch, then on seeded values at batch 3 to
 * check that no sample's result depends on the others.
 */
import { type Tensor, createRng } from '@xbar/core';
import { type BatchLayout, FIRST_AXIS, batchOf, dimsAtBatch, isFirstAxis, sampleOf } from '../batch-layout.js';
import { OnnxImportError, dimsSize } from '../constant.js';
import { type Activation, shapeAtOne } from './values.js';

/** A tensor op's forward pass with its attributes bound. */
export type TensorRun = (operands: readonly Tensor[]) => Tensor;

/** A tensor op's operand: the index of an activation among its inputs, or a constant tensor. */
export type Operand = number | Tensor;

export function tensorOfZeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(dimsSize(shape)) };
}

/** The op's result for a batch of `batch`: activations as zeros, constants as they are. */
export function probeOutput(run: TensorRun, operands: readonly Operand[], activations: readonly Activation[], batch: number): Tensor {
  return run(operands.map((operand) => (typeof operand === 'number' ? tensorOfZeros(dimsAtBatch(shapeAtOne(activations[operand]), activations[operand].batch, batch)) : operand)));
}

/**
 * Where a tensor op's result holds the batch: the one axis that grows with it (found on zeros at
 * batches 1 and 7), merged with its neighbours as in the input with that many elements per sample.
 * Then, on seeded values at batch 3, each sample's result must be the op run on that sample alone:
 * an op that mixes the samples (a softmax or a cumulative sum over the batch) is refused.
 */
export function tensorOpLayout(run: TensorRun, operands: readonly Operand[], activations: readonly Activation[], where: string): BatchLayout {
  const one = probeOutput(run, operands, activations, 1).shape;
  let seven: readonly number[];
  try {
    seven = probeOutput(run, operands, activations, 7).shape;
  } catch (error) {
    if (!(error instanceof OnnxImportError)) throw error;
    // it runs on one sample but not on seven: a constant operand spans the batch axis
    throw new OnnxImportError(`${error.message} at a batch of 7 (it fits a batch of 1): a constant operand lies along the batch axis, which the samples cannot share`);
  }
  const grown = one.flatMap((dim, axis) => (seven[axis] === dim ? [] : [axis]));
  if (one.length !== seven.length || grown.length !== 1 || seven[grown[0]] !== 7 * one[grown[0]]) {
    throw new OnnxImportError(`${where}: the result does not keep one axis for the batch (the batch may be moved or merged with other axes, not reduced, split or broadcast against)`);
  }
  const axis = grown[0];
  const perSample = one[axis];
  const merges = activations.map((a) => a.batch).filter((b) => b.outer * b.inner === perSample && perSample > 1);
  const merge = merges[0] ?? { outer: 1, inner: 1 };
  if (perSample > 1 && (merges.length === 0 || merges.some((b) => b.outer !== merge.outer || b.inner !== merge.inner))) {
    throw new OnnxImportError(`${where}: the result merges the batch with ${perSample} other elements in a way the importer cannot follow`);
  }
  const layout: BatchLayout = { axis, outer: merge.outer, inner: merge.inner };
  checkSamplesApart(run, operands, activations, layout, where);
  return isFirstAxis(layout) ? FIRST_AXIS : layout;
}

/** Throws unless the op on a batch of 3 seeded inputs gives, per sample, what it gives on that sample alone. */
function checkSamplesApart(run: TensorRun, operands: readonly Operand[], activations: readonly Activation[], layout: BatchLayout, where: string): void {
  const batch = 3;
  // values 0 and 1 (valid indices and conditions too), the same for every import
  const rng = createRng('onnx-import', 'sample-independence');
  const nextBit = () => (rng.uniform() < 0.5 ? 0 : 1);
  const samples = activations.map((a) => Array.from({ length: batch }, () => {
    const data = new Float64Array(dimsSize(shapeAtOne(a)));
    for (let i = 0; i < data.length; i++) data[i] = nextBit();
    return { shape: shapeAtOne(a), data };
  }));
  const whole = run(operands.map((operand) => (typeof operand === 'number' ? batchOf(samples[operand], activations[operand].batch) : operand)));
  for (let s = 0; s < batch; s++) {
    const alone = run(operands.map((operand) => (typeof operand === 'number' ? samples[operand][s] : operand)));
    const part = sampleOf(whole, layout, batch, s);
    const same = part.data.length === alone.data.length && part.data.every((v, i) => Object.is(v, alone.data[i]) || Math.abs(v - alone.data[i]) <= 1e-9 * Math.max(1, Math.abs(v)));
    if (!same) throw new OnnxImportError(`${where}: the result of a sample depends on the other samples of the batch (the op mixes the batch axis)`);
  }
}
