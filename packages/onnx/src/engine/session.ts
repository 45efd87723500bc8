import { type Tensor, tensor } from '@xbar/core';
import * as ort from 'onnxruntime-node';

/**
 * An ONNX Runtime session (CPU) of an exported graph: `threads` intra-op threads (1: deterministic
 * scheduling), sequential execution, every graph optimization, warnings kept off stderr.
 */
export async function createSession(bytes: Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a whole number >= 1, got ${threads}`);
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

/** The float32 results `names` of a run, in order, as ONNX Runtime returns them. */
export function float32Results(results: ort.InferenceSession.OnnxValueMapType, names: readonly string[]): { readonly shape: readonly number[]; readonly data: Float32Array }[] {
  return names.map((name) => {
    const result = results[name];
    if (result === undefined || !(result.data instanceof Float32Array)) throw new Error(`ONNX Runtime did not return the float32 output '${name}'`);
    return { shape: [...result.dims], data: result.data };
  });
}

/** A float32 result as a network tensor (its float32 values held as float64). */
export function asTensor(result: { readonly shape: readonly number[]; readonly data: Float32Array }): Tensor {
  return tensor(result.shape, Float64Array.from(result.data));
}
