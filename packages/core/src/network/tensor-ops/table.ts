import { ELEMENTWISE_OPS } from './elementwise.js';
import { LAYOUT_OPS } from './layout.js';
import { matmul } from './matmul.js';
import type { TensorOp } from './op.js';
import { REDUCE_OPS } from './reduce.js';
import { RESIZE_OPS } from './resize.js';

/**
 * Every digital tensor op by its ONNX op type: the keys are the list of tensor ops a network can
 * hold (`TensorOpNode.kind`), and the importer's list of the ops it maps onto them.
 */
export const TENSOR_OPS: Readonly<Record<string, TensorOp>> = { ...ELEMENTWISE_OPS, ...LAYOUT_OPS, ...REDUCE_OPS, ...RESIZE_OPS, MatMul: matmul };
