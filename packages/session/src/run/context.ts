import { type Matrix, type Tensor, tensor } from '@xbar/core';
import type { Analysis, Design, TensorDefinition } from '@xbar/dsl';
import { runtimeError } from '../errors.js';
import type { OnnxNetworkCache } from '../build/onnx-network.js';
import { loadLabels, loadTensorSource } from '../data/tensor-source.js';

/** File-backed sources read once per run (keyed by kind, path and initializer), shared by `.step` points. */
export type FileCache = Map<string, Matrix>;

/** What a run reads once and every `.step` point shares: data sources and ONNX models. */
export interface RunFiles {
  readonly files: FileCache;
  readonly onnx: OnnxNetworkCache;
}

/**
 * What an analysis runs against: the checked design of one `.step` point, the working directory,
 * the command's seed override, and a way to re-check the netlist with other parameter values
 * (for `.optimize`).
 */
export class RunContext {
  constructor(
    readonly design: Design,
    readonly cwd: string,
    private readonly shared: RunFiles,
    private readonly seedOverride: number | undefined,
    /** The design with these parameter values (on top of this point's), re-checked. */
    readonly recheck: (overrides: Readonly<Record<string, number>>) => Design,
  ) {}

  /** The same context for another design (same files, seed and re-check). */
  withDesign(design: Design): RunContext {
    return new RunContext(design, this.cwd, this.shared, this.seedOverride, this.recheck);
  }

  /** The seed of an analysis: `--seed` if given, else the card's (which defaults to `.options seed`). */
  seed(analysis: Analysis): number {
    return this.seedOverride ?? analysis.seed;
  }

  /** The ONNX models of the run, imported once. */
  get onnx(): OnnxNetworkCache {
    return this.shared.onnx;
  }

  /** A `.weights` matrix in the netlist layout (inputs x outputs). */
  weights(name: string): Matrix {
    return this.load(this.design.weights.get(name.toLowerCase()), 'weights', name);
  }

  /** A `.inputs` batch as a B x features tensor, optionally only its first `limit` rows. */
  inputs(name: string, limit?: number): Tensor {
    const m = this.load(this.design.inputs.get(name.toLowerCase()), 'inputs', name);
    const rows = limit === undefined ? m.rows : Math.min(limit, m.rows);
    return tensor([rows, m.cols], m.data.subarray(0, rows * m.cols));
  }

  /** A `.labels` vector of class indices, optionally only its first `limit` values. */
  labels(name: string, limit?: number): Int32Array {
    const definition = this.design.labels.get(name.toLowerCase());
    if (!definition) throw runtimeError(`unknown labels '${name}'`);
    const all = loadLabels(definition.source, this.cwd, definition.name);
    return limit === undefined ? all : all.subarray(0, Math.min(limit, all.length));
  }

  private load(definition: TensorDefinition | undefined, role: string, name: string): Matrix {
    if (!definition) throw runtimeError(`unknown ${role} '${name}'`);
    const source = definition.source;
    if (source.kind !== 'npy' && source.kind !== 'onnx') return loadTensorSource(source, this.cwd);
    const key = `${source.kind}\u0000${source.path}\u0000${source.kind === 'onnx' ? source.layer : ''}`;
    let m = this.shared.files.get(key);
    if (!m) this.shared.files.set(key, (m = loadTensorSource(source, this.cwd)));
    return m;
  }
}
