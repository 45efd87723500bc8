import { type Network, type Tensor, checkNetworkInput } from '@xbar/core';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../export/exporter.js';
import { asTensor, createSession, float32Results } from './session.js';

/** Options of an ONNX Runtime session. */
export interface OnnxRuntimeOptions {
  /** Intra-op threads of the session (1 by default: one thread, deterministic scheduling). */
  readonly threads?: number;
}

/**
 * A network run by ONNX Runtime (npm onnxruntime-node, CPU execution provider): the network written
 * as ONNX by exportOnnx, computed in float32. Its outputs equal runNetwork's float64 ones to
 * float32 rounding (the tests check every example and conformance model). Recurrent layers have no
 * ONNX form here: `create` refuses such networks with an OnnxExportError naming the node.
 */
export class OnnxRuntimeNetwork {
  private constructor(
    readonly network: Network,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(network: Network, options: OnnxRuntimeOptions = {}): Promise<OnnxRuntimeNetwork> {
    const session = await createSession(exportOnnx(network), options.threads);
    return new OnnxRuntimeNetwork(network, session);
  }

  /** The outputs for a float32 batch of `shape` (B x inputShape), float32 as ONNX Runtime returns them. */
  async runFloat32(values: Float32Array, shape: readonly number[]): Promise<{ readonly shape: readonly number[]; readonly data: Float32Array }[]> {
    checkNetworkInput(this.network, { shape, data: new Float64Array(0) });
    const results = await this.session.run({ [this.network.inputName]: new ort.Tensor('float32', values, [...shape]) });
    return float32Results(results, this.network.outputs);
  }

  /** runNetwork's contract: a float64 batch in, the outputs in order (float32 values held as float64). */
  async run(input: Tensor): Promise<Tensor[]> {
    return (await this.runFloat32(Float32Array.from(input.data), input.shape)).map(asTensor);
  }

  /** Frees the session's native memory. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
