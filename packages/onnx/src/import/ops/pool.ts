/** Pooling: MaxPool and AveragePool 2-D (1-D as 2-D of height 1), GlobalAveragePool. */
import type { NetworkNode } from '@xbar/core';
import { OnnxImportError } from '../../constant.js';
import type { Handler, NodeContext } from '../node-context.js';
import { dropHeight, pair, resolveWindow, windowInput } from '../window.js';

function pool(context: NodeContext, op: 'MaxPool' | 'AveragePool'): void {
  const names = op === 'MaxPool'
    ? ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides']
    : ['auto_pad', 'ceil_mode', 'count_include_pad', 'dilations', 'kernel_shape', 'pads', 'strides'];
  const written = context.attributes(names);
  if (context.graph.isUsed(context.node.output[1] ?? '')) throw new OnnxImportError(`${context.where}: the Indices output is not supported`);
  const { oneD, x, attributes } = windowInput(context, written, 'pooling');
  const kernelShape = attributes.ints('kernel_shape');
  if (kernelShape === undefined) throw new OnnxImportError(`${context.where}: kernel_shape is required`);
  const kernel = pair(kernelShape, 'kernel_shape', context.where);
  const window = resolveWindow(attributes, kernel, [x.shape[1], x.shape[2]], context.where);
  const explicitPads = attributes.string('auto_pad', 'NOTSET') === 'NOTSET';
  const node: NetworkNode = {
    op: op === 'MaxPool' ? 'maxpool' : 'avgpool',
    name: context.name,
    inputs: [x.id],
    output: context.output(0),
    ...window,
    ceilMode: explicitPads && attributes.int('ceil_mode', 0) !== 0,
    countIncludePad: attributes.int('count_include_pad', 0) !== 0,
  };
  const output = oneD ? `${context.output(0)}/2d` : context.output(0);
  context.addNode({ ...node, output }, [x.shape]);
  if (oneD) dropHeight(context, output);
}

function globalAveragePool(context: NodeContext): void {
  context.attributes([]);
  const x = context.batchFirstInput(0, 'X');
  context.addNode({ op: 'globalavgpool', name: context.name, inputs: [x.id], output: context.output(0) }, [x.shape]);
}

export const POOL_HANDLERS: Readonly<Record<string, Handler>> = {
  MaxPool: (context) => pool(context, 'MaxPool'),
  AveragePool: (context) => pool(context, 'AveragePool'),
  GlobalAveragePool: globalAveragePool,
};
