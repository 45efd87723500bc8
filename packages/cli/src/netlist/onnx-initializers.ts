import { OnnxImportError, decodeOnnxModel } from '@xbar/onnx';

/**
 * For each Gemm, MatMul and Conv node of an ONNX model, the name of its weight initializer (input 1),
 * keyed by the name the importer gives the node (its name, else its first output's name).
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
    if (!['Gemm', 'MatMul', 'Conv'].includes(node.op_type ?? '')) continue;
    const weight = node.input[1];
    const name = node.name || node.output[0];
    if (weight && name) names.set(name, weight);
  }
  return names;
}
