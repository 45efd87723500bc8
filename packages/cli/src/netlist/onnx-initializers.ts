import { OnnxImportError, decodeOnnxModel } from '@xbar/onnx';

/**
 * For each Gemm, MatMul and Conv node of an ONNX model, the name of its weight initializer (input 1),
 * keyed by the name the importer gives the node (its name, else its first output's name); for each
 * LSTM, GRU and RNN node, W's initializer keyed `<name>/W` and R's keyed `<name>/R`.
 */
export function onnxWeightInitializers(bytes: Uint8Array): Map<string, string> {
  const names = new Map<string, string>();
  let graph;
  try {
    graph = decodeOnnxModel(bytes).graph;
  } catch (error) {
    if (error instanceof OnnxImportError) return names;
    throw error;
  }
  for (const node of graph?.node ?? []) {
    const name = node.name || node.output[0];
    if (!name) continue;
    if (['Gemm', 'MatMul', 'Conv'].includes(node.op_type ?? '')) {
      if (node.input[1]) names.set(name, node.input[1]);
    } else if (['LSTM', 'GRU', 'RNN'].includes(node.op_type ?? '')) {
      // the importer's input projection <name>/W and recurrent arrays <name>/R
      if (node.input[1]) names.set(`${name}/W`, node.input[1]);
      if (node.input[2]) names.set(`${name}/R`, node.input[2]);
    }
  }
  return names;
}
