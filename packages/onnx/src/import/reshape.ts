/** A reshape node of an activation, the batch placed from the target shape (Flatten, Reshape, Squeeze, Unsqueeze, a recurrent layer's Y_h). */
import type { NetworkNode } from '@xbar/core';
import { isFirstAxis, reshapeBatch } from '../batch-layout.js';
import type { NodeContext } from './node-context.js';
import { appendTensorOp } from './tensor-node.js';
import { type Activation, listConstant, shapeAtOne } from './values.js';

/**
 * A reshape node of activation x to `target` (full dims, the batch a multiple of SYMBOLIC_BATCH),
 * producing the node's first output; in a whole batch (dims as numbers, one -1 allowed) the
 * Reshape tensor op.
 */
export function reshapeTo(context: NodeContext, x: Activation, target: readonly number[]): void {
  if (context.graph.wholeBatch !== undefined) {
    // the target's dims are resolved: a 0 is an empty axis
    appendTensorOp(context, 'Reshape', { allowzero: 1 }, [x, listConstant(target)], context.output(0));
    return;
  }
  const { shape, layout } = reshapeBatch(shapeAtOne(x), x.batch, target, context.where);
  const first = isFirstAxis(layout);
  const node: NetworkNode = { op: 'reshape', name: context.name, inputs: [x.id], output: context.output(0), shape: first ? shape.slice(1) : shape, ...(first ? {} : { batchAxis: layout.axis }) };
  context.addNode(node, [x.shape], layout);
}
