/**
 * A digital tensor op of core's TENSOR_OPS appended to the graph: folded when its inputs are
 * constants (or batch-sized fills), else a tensor node whose batch layout is probed at import.
 * Handlers of other ops use it too (ConvTranspose's padding, Split's slices, a recurrent layer's Y_h).
 */
import { type NetworkNode, TENSOR_OPS, type TensorOpAttributes } from '@xbar/core';
import { type BatchLayout, WHOLE, batchMultiple, formatDims, isFirstAxis } from '../batch-layout.js';
import { OnnxImportError } from '../constant.js';
import { type Operand, type TensorRun, probeOutput, tensorOfZeros, tensorOpLayout } from './batch-probe.js';
import { foldFilled, foldTensorOp } from './folding/constants.js';
import type { NodeContext } from './node-context.js';
import { type Activation, type Value, fullDims } from './values.js';

/**
 * The tensor op `type` on `values` producing `output`: folded when every value is constant, else a
 * tensor-op node whose per-sample output shape is found by running the op on zeros with batches of
 * 1 and 7: it must keep the batch on one axis and not mix samples, whatever batch the network
 * later runs (a model exported with a fixed batch included).
 */
export function appendTensorOp(context: NodeContext, type: string, attributes: TensorOpAttributes, values: readonly Value[], output: string): void {
  const op = TENSOR_OPS[type];
  if (values.length < op.arity[0] || values.length > op.arity[1]) throw new OnnxImportError(`${context.where}: takes ${op.arity[0]} to ${op.arity[1]} inputs, got ${values.length}`);
  const run: TensorRun = (operands) => {
    try {
      return op.forward(operands, attributes);
    } catch (error) {
      throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (values.every((value) => value.kind === 'constant')) {
    context.graph.setConstant(output, foldTensorOp(run, type, attributes, values));
    return;
  }
  if (values.some((value) => value.kind === 'filled')) {
    if (values.some((value) => value.kind === 'activation')) {
      throw new OnnxImportError(`${context.where}: an input is a tensor whose size depends on the batch (a ConstantOfShape of a batch-sized shape); it may only feed recurrent layers' initial states and ops on it alone`);
    }
    context.graph.setValue(output, foldFilled(run, values.filter((value) => value.kind !== 'activation'), context.where));
    return;
  }
  const inputs: string[] = [];
  const operands: Operand[] = [];
  const activations: Activation[] = [];
  for (const value of values) {
    // (no filled value is left: they were folded above)
    if (value.kind === 'filled') continue;
    if (value.kind === 'constant') {
      if (value.tensor.kind === 'int' && value.tensor.values.some((v) => batchMultiple(v) !== undefined)) {
        throw new OnnxImportError(`${context.where}: a constant input holds the batch size [${formatDims([...value.tensor.values])}], which a tensor op cannot take at run time`);
      }
      operands.push({ shape: value.tensor.dims, data: value.tensor.values });
      continue;
    }
    let index = inputs.indexOf(value.id);
    if (index < 0) {
      index = inputs.push(value.id) - 1;
      activations.push(value);
    }
    operands.push(index);
  }
  const { layout, outputShape } = context.graph.wholeBatch === undefined ? perSampleResult(run, operands, activations, context.where) : wholeResult(run, operands, activations);
  const node: NetworkNode = { op: 'tensor', kind: type, name: output === context.node.output[0] ? context.name : output, inputs, output, attributes, operands, outputShape };
  context.addNode(node, activations.map((a) => a.shape), layout);
}

/** Where the op's result holds the batch (probed) and its shape per sample, or its whole shape at batch 1 when the batch is elsewhere. */
function perSampleResult(run: TensorRun, operands: readonly Operand[], activations: readonly Activation[], where: string): { layout: BatchLayout; outputShape: number[] } {
  const layout = tensorOpLayout(run, operands, activations, where);
  const shape = probeOutput(run, operands, activations, 1).shape;
  return { layout, outputShape: isFirstAxis(layout) ? shape.slice(1) : [...shape] };
}

/** In a whole batch the op may mix the samples: its result is a WHOLE value of the shape it has on the actual values' dims. */
function wholeResult(run: TensorRun, operands: readonly Operand[], activations: readonly Activation[]): { layout: BatchLayout; outputShape: number[] } {
  const shape = run(operands.map((operand) => (typeof operand === 'number' ? tensorOfZeros(fullDims(activations[operand])) : operand))).shape;
  return { layout: WHOLE, outputShape: [...shape] };
}
