/** A reshape node of an activation, the batch placed from the target shape (Flatten, Reshape, Squeeze, Unsqueeze, a recurrent layer's Y_h). */
import type { NetworkNode } from '@xbar/core';
import { isFirstAxis, reshapeBatch } from '../batch-layout.js';
import type { NodeContext } from './node-context.js';
import { type Activation, shapeAtOne } from './values.js';

/** A reshape node of activation x to `target` (full dims, the batch a multiple of SYMBOLIC_BATCH), producing the node's first output. */
export function reshapeTo(context: NodeContext, x: Activation, target: readonly number[]): void {
  const { shape, layout } = reshapeBatch(shapeAtOne(x), x.batch, target, context.where);
  const first = isFirstAxis(layout);
  const node: NetworkNode = { op: 'reshape', name: context.name, inputs: [x.id], output: context.output(0), shape: first ? shape.slice(1) : shape, ...(first ? {} : { batchAxis: layout.axis }) };
  context.addNode(node, [x.shape], layout);
}
