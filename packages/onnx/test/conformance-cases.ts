import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bfloat16FromBits } from '@xbar/core/kernels';
import { type OnnxModel, OnnxDataType, SUPPORTED_OPS, decodeOnnxModel, decodeOnnxTensor, decodeTensor } from '../src/index.js';

/** ONNX's backend node tests as Debian's libonnx-testdata installs them. */
export const NODE_TESTS = '/usr/share/libonnx-testdata/data/node';

/**
 * A tensor of a case's test data (.pb). `declaredType` is the ONNX type the model declares for it:
 * the test data holds a BFLOAT16 tensor as its UINT16 bits (NumPy has no bfloat16), read back here.
 */
export function loadTensor(path: string, declaredType?: number): { dims: number[]; values: Float64Array } {
  const proto = decodeOnnxTensor(readFileSync(path));
  const decoded = decodeTensor(proto, path);
  const bits = declaredType === OnnxDataType.BFLOAT16 && proto.data_type === OnnxDataType.UINT16;
  return { dims: [...decoded.dims], values: bits ? decoded.values.map(bfloat16FromBits) : decoded.values };
}

/** The ONNX element types a model declares for its graph inputs and outputs, in order. */
export function declaredTypes(model: OnnxModel): { inputs: (number | undefined)[]; outputs: (number | undefined)[] } {
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((i) => i.name));
  const typeOf = (value: { type?: { tensor_type?: { elem_type?: number } } }) => value.type?.tensor_type?.elem_type;
  return { inputs: graph.input.filter((input) => !initializers.has(input.name)).map(typeOf), outputs: graph.output.map(typeOf) };
}

/** The model with every graph input but the first turned into an initializer holding the case's values. */
export function withConstantInputs(model: OnnxModel, inputs: readonly string[]): OnnxModel {
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((i) => i.name));
  const dynamic = graph.input.filter((input) => !initializers.has(input.name));
  const constants = dynamic.slice(1).map((input, k) => ({ ...decodeOnnxTensor(readFileSync(inputs[k + 1])), name: input.name }));
  return { ...model, graph: { ...graph, initializer: [...graph.initializer, ...constants], input: graph.input.filter((input) => !constants.some((c) => c.name === input.name)) } };
}

/** The test data sets of a case folder, each as its input and output files in order. */
export function dataSets(folder: string): { inputs: string[]; outputs: string[] }[] {
  return readdirSync(folder)
    .filter((name) => name.startsWith('test_data_set_'))
    .sort()
    .map((set) => {
      const files = (prefix: string) =>
        readdirSync(join(folder, set))
          .filter((name) => name.startsWith(prefix))
          .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
          .map((name) => join(folder, set, name));
      return { inputs: files('input_'), outputs: files('output_') };
    });
}

/** The cases whose every node is of a supported op (ONNX's default domain). */
export function supportedCases(): string[] {
  return readdirSync(NODE_TESTS)
    .filter((name) => existsSync(join(NODE_TESTS, name, 'model.onnx')))
    .filter((name) => {
      const nodes = decodeOnnxModel(readFileSync(join(NODE_TESTS, name, 'model.onnx'))).graph?.node ?? [];
      return nodes.length > 0 && nodes.every((node) => (node.domain ?? '') === '' && SUPPORTED_OPS.includes(node.op_type ?? ''));
    })
    .sort();
}
