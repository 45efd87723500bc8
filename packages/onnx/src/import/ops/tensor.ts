/**
 * Handlers of the digital tensor ops (core's TENSOR_OPS, attributes as tensor-op-specs.ts reads
 * them): operands read, older opsets' attribute forms turned into inputs, then appended as a
 * tensor op. Other handlers fall back to `tensorOp` for the cases they do not map (MatMul of two
 * activations, Add with a moved batch, Gather and Concat of activations).
 */
import type { TensorOpAttributes } from '@xbar/core';
import { batchMultiple, formatDims } from '../../batch-layout.js';
import { OnnxImportError } from '../../constant.js';
import { TENSOR_OP_ATTRIBUTES, readTensorOpAttributes } from '../../tensor-op-specs.js';
import type { Handler, NodeContext } from '../node-context.js';
import { appendTensorOp } from '../tensor-node.js';
import { type Value, fullDims, listConstant, scalarConstant } from '../values.js';

/**
 * Ops whose later inputs were attributes before opset `until` (Slice: starts, ends, axes before 10;
 * Pad: pads and value, Clip: min and max before 11): those attributes, and the constant inputs they stand for.
 */
const OLD_ATTRIBUTE_FORMS: Readonly<Record<string, { until: number; attributes: Readonly<Record<string, 'int' | 'float' | 'ints'>>; operands: (attributes: TensorOpAttributes) => Value[] }>> = {
  Slice: {
    until: 10,
    attributes: { starts: 'ints', ends: 'ints', axes: 'ints' },
    operands: (a) => ['starts', 'ends', ...(Array.isArray(a.axes) ? ['axes'] : [])].map((name) => listConstant(a[name])),
  },
  Pad: {
    until: 11,
    attributes: { pads: 'ints', value: 'float' },
    operands: (a) => [listConstant(a.pads), scalarConstant(typeof a.value === 'number' ? a.value : 0)],
  },
  Clip: {
    until: 11,
    attributes: { min: 'float', max: 'float' },
    operands: (a) => [scalarConstant(typeof a.min === 'number' ? a.min : -Infinity), scalarConstant(typeof a.max === 'number' ? a.max : Infinity)],
  },
};

/**
 * A tensor op of core's table: folded when every operand is constant, else a tensor-op node (see
 * appendTensorOp).
 */
export function tensorOp(context: NodeContext, type: string): void {
  const { opset } = context.graph;
  if (type === 'Resize' && opset < 11) throw new OnnxImportError(`${context.where}: Resize before opset 11 (scales only, Upsample's rules) is not supported`);
  const spec = TENSOR_OP_ATTRIBUTES[type];
  const extra = context.node.output.slice(1).find((name) => context.graph.isUsed(name));
  if (extra !== undefined && !(type in EXTRA_OUTPUTS)) throw new OnnxImportError(`${context.where}: output '${extra}' is used, but only the first output of ${type} is provided`);
  const oldForm = OLD_ATTRIBUTE_FORMS[type];
  const asAttributes = oldForm !== undefined && opset < oldForm.until ? oldForm.attributes : {};
  let attributes: TensorOpAttributes;
  try {
    attributes = readTensorOpAttributes(context.attributes([...Object.keys(spec), ...Object.keys(asAttributes)]), { ...spec, ...asAttributes });
  } catch (error) {
    if (error instanceof OnnxImportError) throw error;
    throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const usesOldForm = oldForm !== undefined && opset < oldForm.until;
  if (usesOldForm && context.node.input.length > 1) {
    throw new OnnxImportError(`${context.where}: before opset ${oldForm.until}, ${type} takes one input and its ${Object.keys(oldForm.attributes).join(', ')} as attributes`);
  }
  const values = usesOldForm ? [context.input(0), ...oldForm.operands(attributes)] : tensorOpOperands(context, type);
  if (type === 'Resize') values[3] = resizeSizesKeepingBatch(values, context.where);
  appendTensorOp(context, type, attributes, values, context.output(0));
  if (extra !== undefined) EXTRA_OUTPUTS[type](context, attributes, values);
}

/** Writers of the later outputs of tensor ops that have them, from the same operands, when the graph uses them. */
const EXTRA_OUTPUTS: Readonly<Record<string, (context: NodeContext, attributes: TensorOpAttributes, values: readonly Value[]) => void>> = {
  LayerNormalization: layerNormalizationStatistics,
};

/**
 * LayerNormalization's Mean and InvStdDev outputs: the mean of X over axes [axis, rank) and
 * 1 / sqrt(variance + epsilon), kept dimensions of 1, as tensor ops of their own.
 */
function layerNormalizationStatistics(context: NodeContext, attributes: TensorOpAttributes, values: readonly Value[]): void {
  const [, meanName = '', inverseName = ''] = context.node.output;
  const x = values[0];
  const rank = fullDims(x).length;
  const written = typeof attributes.axis === 'number' ? attributes.axis : -1;
  const axis = written < 0 ? written + rank : written;
  const axes = listConstant(Array.from({ length: rank - axis }, (_, k) => axis + k));
  const epsilon = typeof attributes.epsilon === 'number' ? attributes.epsilon : 1e-5;
  const part = (name: string) => `${context.name}::${name}`;
  const value = (name: string) => context.graph.value(name, context.where);
  const mean = meanName !== '' ? meanName : part('mean');
  appendTensorOp(context, 'ReduceMean', { keepdims: 1 }, [x, axes], mean);
  if (inverseName === '' || !context.graph.isUsed(inverseName)) return;
  appendTensorOp(context, 'Sub', {}, [x, value(mean)], part('centered'));
  appendTensorOp(context, 'Mul', {}, [value(part('centered')), value(part('centered'))], part('squares'));
  appendTensorOp(context, 'ReduceMean', { keepdims: 1 }, [value(part('squares')), axes], part('variance'));
  appendTensorOp(context, 'Add', {}, [value(part('variance')), scalarConstant(epsilon)], part('shifted'));
  appendTensorOp(context, 'Sqrt', {}, [value(part('shifted'))], part('deviation'));
  appendTensorOp(context, 'Reciprocal', {}, [value(part('deviation'))], inverseName);
}

/** The values a tensor op reads, in order; Clip's absent min and max are -Infinity and +Infinity, Pad's absent constant_value 0. */
function tensorOpOperands(context: NodeContext, type: string): Value[] {
  const names = context.node.input;
  return names.flatMap((name, index): Value[] => {
    if (name !== '') return [context.value(index)];
    if (type === 'Clip' && index > 0) return [scalarConstant(index === 1 ? -Infinity : Infinity)];
    if (type === 'Pad' && index === 2) return [scalarConstant(0)];
    if (type === 'Resize' && index > 0) return [listConstant([])];
    if (names.slice(index).some((later) => later !== '')) throw new OnnxImportError(`${context.where}: input ${index} is absent but a later one is given`);
    return [];
  });
}

/**
 * Resize's sizes with the batch size (read from Shape of the input, as PyTorch exports
 * interpolate(size=...)) written as -1, "keep this axis", which the kernel reads at any batch.
 */
function resizeSizesKeepingBatch(values: readonly Value[], where: string): Value {
  const [x, , , sizes] = values;
  if (sizes === undefined || sizes.kind !== 'constant' || !sizes.tensor.values.some((v) => batchMultiple(v) !== undefined)) return sizes ?? listConstant([]);
  const dims = fullDims(x);
  const kept = sizes.tensor.values.map((size, axis) => {
    if (batchMultiple(size) === undefined) return size;
    if (size !== dims[axis]) throw new OnnxImportError(`${where}: sizes [${formatDims([...sizes.tensor.values])}] resize the axis holding the batch`);
    return -1;
  });
  return { kind: 'constant', tensor: { ...sizes.tensor, values: kept } };
}

/** Every tensor op of tensor-op-specs.ts (core's table), handled as a tensor op. */
export const TENSOR_OP_HANDLERS: Readonly<Record<string, Handler>> = Object.fromEntries(Object.keys(TENSOR_OP_ATTRIBUTES).map((op) => [op, tensorOp]));
