/** The Constant op: a constant value from one of its value attributes (sparse and string values refused). */
import { type ConstantTensor, OnnxImportError } from '../../constant.js';
import type { Handler, NodeContext } from '../node-context.js';

function constant(context: NodeContext): void {
  const attributes = context.attributes(['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'sparse_value', 'value_string', 'value_strings']);
  for (const name of ['sparse_value', 'value_string', 'value_strings']) {
    if (attributes.has(name)) throw new OnnxImportError(`${context.where}: Constant '${name}' is not supported`);
  }
  const tensor = attributes.tensor('value');
  const valueFloat = attributes.has('value_float') ? attributes.float('value_float', 0) : undefined;
  const valueFloats = attributes.floats('value_floats');
  const valueInt = attributes.has('value_int') ? attributes.int('value_int', 0) : undefined;
  const valueInts = attributes.ints('value_ints');
  const given = [tensor, valueFloat, valueFloats, valueInt, valueInts].filter((v) => v !== undefined).length;
  if (given !== 1) throw new OnnxImportError(`${context.where}: a Constant needs exactly one value attribute, it has ${given}`);
  let result: ConstantTensor;
  if (tensor !== undefined) result = tensor;
  else if (valueFloat !== undefined) result = { kind: 'float', dims: [], values: Float64Array.of(valueFloat) };
  else if (valueFloats !== undefined) result = { kind: 'float', dims: [valueFloats.length], values: Float64Array.from(valueFloats) };
  else if (valueInt !== undefined) result = { kind: 'int', dims: [], values: Float64Array.of(valueInt) };
  else result = { kind: 'int', dims: [valueInts!.length], values: Float64Array.from(valueInts!) };
  context.graph.setConstant(context.output(0), result);
}

export const CONSTANT_HANDLERS: Readonly<Record<string, Handler>> = {
  Constant: constant,
};
