import {
  DEFAULT_RECURRENT_ACTIVATIONS,
  type Matrix,
  RECURRENT_ACTIVATIONS,
  RECURRENT_GATES,
  type RecurrentActivation,
  type RecurrentActivationName,
  type RecurrentNode,
  matrix,
} from '@xbar/core';
import type { NodeAttributes } from './attributes.js';
import { type ConstantTensor, OnnxImportError } from './constant.js';

/** The ONNX recurrent ops and the cell each one is. */
export const RECURRENT_OPS = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' } as const;
export type RecurrentOp = keyof typeof RECURRENT_OPS;

const COMMON_ATTRIBUTES = ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size'];

/** The attributes ONNX defines for each recurrent op (layout from opset 14). */
export function recurrentAttributeNames(op: RecurrentOp, opset: number): string[] {
  const own = op === 'LSTM' ? ['input_forget'] : op === 'GRU' ? ['linear_before_reset'] : [];
  return [...COMMON_ATTRIBUTES, ...own, ...(opset >= 14 ? ['layout'] : [])];
}

/** Settings of a recurrent node read from its attributes. */
export type RecurrentSettings = Pick<RecurrentNode, 'cell' | 'direction' | 'batchFirst' | 'activations' | 'clip' | 'inputForget' | 'linearBeforeReset'> & {
  readonly directions: number;
  /** hidden_size, if the node gives it. */
  readonly hiddenSize: number | undefined;
};

/** Functions that read alpha, and those that read beta (ONNX gives each list in the order of the functions that take it). */
export const TAKES_ALPHA: ReadonlySet<string> = new Set(['Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid', 'Elu']);
export const TAKES_BETA: ReadonlySet<string> = new Set(['Affine', 'ScaledTanh', 'HardSigmoid']);

export function readRecurrentSettings(op: RecurrentOp, attributes: NodeAttributes, where: string): RecurrentSettings {
  const cell = RECURRENT_OPS[op];
  const direction = attributes.string('direction', 'forward');
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') {
    throw new OnnxImportError(`${where}: direction '${direction}' is not one of forward, reverse, bidirectional`);
  }
  const directions = direction === 'bidirectional' ? 2 : 1;
  const hiddenSize = attributes.has('hidden_size') ? attributes.int('hidden_size', 0) : undefined;
  if (hiddenSize !== undefined && !(hiddenSize >= 1)) throw new OnnxImportError(`${where}: hidden_size must be >= 1, got ${hiddenSize}`);
  const layout = attributes.int('layout', 0);
  if (layout !== 0 && layout !== 1) throw new OnnxImportError(`${where}: layout must be 0 (time first) or 1 (batch first), got ${layout}`);
  const clip = attributes.has('clip') ? attributes.float('clip', 0) : undefined;
  if (clip !== undefined && !(clip > 0)) throw new OnnxImportError(`${where}: clip must be > 0, got ${clip}`);
  const perDirection = DEFAULT_RECURRENT_ACTIVATIONS[cell];
  const names = attributes.strings('activations') ?? Array.from({ length: directions }, () => perDirection).flat();
  if (names.length !== perDirection.length * directions) {
    throw new OnnxImportError(`${where}: activations lists ${names.length} functions; ${op} ${direction} takes ${perDirection.length * directions} (${perDirection.join(', ')} per direction)`);
  }
  const alphas = [...(attributes.floats('activation_alpha') ?? [])];
  const betas = [...(attributes.floats('activation_beta') ?? [])];
  const activations = names.map((written): RecurrentActivation => {
    const name = Object.keys(RECURRENT_ACTIVATIONS).find((known) => known.toLowerCase() === written.toLowerCase()) as RecurrentActivationName | undefined;
    if (name === undefined) throw new OnnxImportError(`${where}: activation '${written}' is not one of ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')}`);
    const defaults = RECURRENT_ACTIVATIONS[name];
    const alpha = TAKES_ALPHA.has(name) && alphas.length > 0 ? alphas.shift()! : defaults.alpha;
    const beta = TAKES_BETA.has(name) && betas.length > 0 ? betas.shift()! : defaults.beta;
    return { name, alpha, beta };
  });
  if (alphas.length > 0 || betas.length > 0) throw new OnnxImportError(`${where}: activation_alpha / activation_beta give more values than the activations take`);
  const inputForget = attributes.int('input_forget', 0) !== 0;
  const linearBeforeReset = attributes.int('linear_before_reset', 0) !== 0;
  return { cell, direction, directions, hiddenSize, batchFirst: layout === 1, activations, clip, inputForget, linearBeforeReset };
}

/** The weights of a recurrent node as xbar holds them: the input projection (a dense node) and the recurrent arrays. */
export interface RecurrentWeights {
  readonly hiddenSize: number;
  /** W of every direction stacked: directions * gates * hidden x input. */
  readonly input: Matrix;
  /** Wb of every direction (zeros without B). */
  readonly inputBias: Float64Array;
  /** R of every direction stacked: directions * gates * hidden x hidden, in `groups` arrays. */
  readonly recurrent: Matrix;
  readonly groups: number;
  readonly recurrentBias: Float64Array;
  readonly peepholes?: Float64Array;
}

/** W [dirs, gates * H, I], R [dirs, gates * H, H], B [dirs, 2 * gates * H] and P [dirs, 3H] checked and laid out. */
export function recurrentWeights(settings: RecurrentSettings, inputSize: number, w: ConstantTensor, r: ConstantTensor, b: ConstantTensor | undefined, p: ConstantTensor | undefined, where: string): RecurrentWeights {
  const gates = RECURRENT_GATES[settings.cell];
  const { directions } = settings;
  const hiddenSize = settings.hiddenSize ?? r.dims[2];
  const rows = directions * gates * hiddenSize;
  const expect = (tensor: ConstantTensor, name: string, dims: readonly number[]) => {
    if (tensor.dims.length !== dims.length || tensor.dims.some((d, i) => d !== dims[i])) {
      throw new OnnxImportError(`${where}: ${name} has dims [${tensor.dims.join(', ')}], expected [${dims.join(', ')}] (${directions} direction(s), ${gates} gate(s), hidden size ${hiddenSize}, input size ${inputSize})`);
    }
  };
  expect(w, 'W', [directions, gates * hiddenSize, inputSize]);
  expect(r, 'R', [directions, gates * hiddenSize, hiddenSize]);
  const inputBias = new Float64Array(rows);
  const recurrentBias = new Float64Array(rows);
  if (b !== undefined) {
    expect(b, 'B', [directions, 2 * gates * hiddenSize]);
    const span = gates * hiddenSize;
    for (let d = 0; d < directions; d++) {
      inputBias.set(b.values.subarray(2 * d * span, (2 * d + 1) * span), d * span);
      recurrentBias.set(b.values.subarray((2 * d + 1) * span, (2 * d + 2) * span), d * span);
    }
  }
  if (p !== undefined) expect(p, 'P', [directions, 3 * hiddenSize]);
  // a GRU without linear_before_reset reads r * h in its candidate rows: z, r and h in arrays of their own
  const groups = settings.cell === 'gru' && !settings.linearBeforeReset ? 3 * directions : directions;
  return {
    hiddenSize,
    input: matrix(rows, inputSize, Float64Array.from(w.values)),
    inputBias,
    recurrent: matrix(rows, hiddenSize, Float64Array.from(r.values)),
    groups,
    recurrentBias,
    ...(p === undefined ? {} : { peepholes: Float64Array.from(p.values) }),
  };
}
