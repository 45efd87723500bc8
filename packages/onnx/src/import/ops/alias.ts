/** Ops that pass their input through at inference: Identity, and Dropout (its mask refused if used, training mode refused). */
import { OnnxImportError } from '../../constant.js';
import type { Handler, NodeContext } from '../node-context.js';

function dropout(context: NodeContext): void {
  context.attributes(['ratio', 'seed']);
  const training = context.optionalInput(2);
  if (training !== undefined) {
    if (training.kind !== 'constant') throw new OnnxImportError(`${context.where}: training_mode must be a constant`);
    if (training.tensor.values.some((v) => v !== 0)) throw new OnnxImportError(`${context.where}: training_mode is true: inference graphs only`);
  }
  if (context.graph.isUsed(context.node.output[1] ?? '')) throw new OnnxImportError(`${context.where}: the Dropout mask output is used, which inference cannot provide`);
  context.alias(context.input(0));
}

export const ALIAS_HANDLERS: Readonly<Record<string, Handler>> = {
  Identity: (context) => context.alias(context.input(0)),
  Dropout: dropout,
};
