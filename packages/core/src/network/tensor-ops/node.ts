import type { TensorOpNode } from '../graph.js';
import { type Tensor, formatShape } from '../tensor.js';
import { TENSOR_OPS } from './table.js';

/** Runs a tensor-op node on its input values (batch first), its constants in place. */
export function tensorOpForward(node: TensorOpNode, inputs: readonly Tensor[]): Tensor {
  const op = TENSOR_OPS[node.kind];
  if (op === undefined) throw new RangeError(`node '${node.name}': unknown tensor op '${node.kind}'`);
  const operands = node.operands.map((operand) => (typeof operand === 'number' ? inputs[operand] : operand));
  try {
    return op.forward(operands, node.attributes);
  } catch (error) {
    const shapes = operands.map((operand) => formatShape(operand.shape)).join(', ');
    throw new RangeError(`node '${node.name}' (${node.kind} of ${shapes}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
