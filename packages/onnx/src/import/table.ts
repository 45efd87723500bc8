/**
 * The importer's table: every supported ONNX op (default domain) and its handler, merged from the
 * op families' modules in ops/. Its keys are the supported-op list: each family's own ops, then the
 * digital tensor ops no family takes (a family that takes Add, MatMul, Gather or Concat falls back
 * to the tensor op for the cases it does not fold or map).
 */
import type { Handler } from './node-context.js';
import { ACTIVATION_HANDLERS } from './ops/activation.js';
import { ADD_HANDLERS } from './ops/add.js';
import { ALIAS_HANDLERS } from './ops/alias.js';
import { CONSTANT_HANDLERS } from './ops/constant.js';
import { CONV_HANDLERS } from './ops/conv.js';
import { DENSE_HANDLERS } from './ops/dense.js';
import { NORMALIZATION_HANDLERS } from './ops/normalization.js';
import { POOL_HANDLERS } from './ops/pool.js';
import { RECURRENT_HANDLERS } from './ops/recurrent.js';
import { SHAPE_HANDLERS } from './ops/shape.js';
import { TENSOR_OP_HANDLERS } from './ops/tensor.js';

type HandlerTable = Readonly<Record<string, Handler>>;

/** The families' tables in order (no op in two of them), then the tensor ops' for the ops none of them takes. */
function merge(families: readonly HandlerTable[], fallback: HandlerTable): HandlerTable {
  const merged: Record<string, Handler> = {};
  for (const family of families) {
    for (const [op, handler] of Object.entries(family)) {
      if (Object.hasOwn(merged, op)) throw new Error(`internal: two op families handle ${op}`);
      merged[op] = handler;
    }
  }
  for (const [op, handler] of Object.entries(fallback)) if (!Object.hasOwn(merged, op)) merged[op] = handler;
  return Object.freeze(merged);
}

const OP_HANDLERS = merge(
  [CONSTANT_HANDLERS, ALIAS_HANDLERS, ACTIVATION_HANDLERS, DENSE_HANDLERS, ADD_HANDLERS, CONV_HANDLERS, POOL_HANDLERS, NORMALIZATION_HANDLERS, SHAPE_HANDLERS, RECURRENT_HANDLERS],
  TENSOR_OP_HANDLERS,
);

/** Operators of the default ONNX domain the importer understands: the table's keys. */
export const SUPPORTED_OPS: readonly string[] = Object.freeze(Object.keys(OP_HANDLERS));

/** The handler of op type `op`, if it is supported. */
export function handlerOf(op: string): Handler | undefined {
  return Object.hasOwn(OP_HANDLERS, op) ? OP_HANDLERS[op] : undefined;
}
