import { rowProducts } from '../math/row-products.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import type { RecurrentNode } from './graph.js';
import type { Tensor } from './tensor.js';

/**
 * Recurrent layers (ONNX LSTM, GRU, RNN) over a whole sequence. The input projection W x + Wb of
 * every time step is a dense node before this one (one MVM per step on crossbars); this node adds
 * the recurrent part step by step: at each step every array of `node.weights` reads one vector per
 * sample (the previous hidden state, or r * h for a GRU's candidate array without
 * linear_before_reset), and `multiply` computes those products: exactly here, on programmed
 * crossbars in hardware runs (fresh read noise and an ADC conversion at every step).
 */

/** An activation function of ONNX's recurrent ops, with its alpha and beta. */
export interface RecurrentActivation {
  readonly name: RecurrentActivationName;
  readonly alpha: number;
  readonly beta: number;
}

export type RecurrentActivationName = keyof typeof RECURRENT_ACTIVATIONS;

/** ONNX's recurrent activation functions: f(x, alpha, beta), and their default alpha and beta. */
export const RECURRENT_ACTIVATIONS = {
  Relu: { f: (x: number) => Math.max(x, 0), alpha: 0, beta: 0 },
  Tanh: { f: (x: number) => Math.tanh(x), alpha: 0, beta: 0 },
  Sigmoid: { f: (x: number) => 1 / (1 + Math.exp(-x)), alpha: 0, beta: 0 },
  Affine: { f: (x: number, a: number, b: number) => a * x + b, alpha: 1, beta: 0 },
  LeakyRelu: { f: (x: number, a: number) => (x >= 0 ? x : a * x), alpha: 0.01, beta: 0 },
  ThresholdedRelu: { f: (x: number, a: number) => (x > a ? x : 0), alpha: 1, beta: 0 },
  ScaledTanh: { f: (x: number, a: number, b: number) => a * Math.tanh(b * x), alpha: 1, beta: 1 },
  HardSigmoid: { f: (x: number, a: number, b: number) => Math.max(0, Math.min(1, a * x + b)), alpha: 0.2, beta: 0.5 },
  Elu: { f: (x: number, a: number) => (x >= 0 ? x : a * (Math.exp(x) - 1)), alpha: 1, beta: 0 },
  Softsign: { f: (x: number) => x / (1 + Math.abs(x)), alpha: 0, beta: 0 },
  Softplus: { f: (x: number) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0), alpha: 0, beta: 0 },
} as const satisfies Record<string, { f: (x: number, alpha: number, beta: number) => number; alpha: number; beta: number }>;

/** Gates per cell, in ONNX's order of the stacked weights: LSTM i o f c, GRU z r h, RNN i. */
export const RECURRENT_GATES = { lstm: 4, gru: 3, rnn: 1 } as const;

/** Activation functions per direction (LSTM f g h, GRU f g, RNN f) and their defaults. */
export const DEFAULT_RECURRENT_ACTIVATIONS: Readonly<Record<RecurrentNode['cell'], readonly RecurrentActivationName[]>> = {
  lstm: ['Sigmoid', 'Tanh', 'Tanh'],
  gru: ['Sigmoid', 'Tanh'],
  rnn: ['Tanh'],
};

/** The product of array `group` of the node's weights with one vector per row of `vectors` (samples x hiddenSize); samples x rows of the array. */
export type RecurrentMultiply = (group: number, vectors: Matrix) => Matrix;

/** Rows of each array of a recurrent node: its gates x hidden size, or one gate for a GRU without linear_before_reset (three arrays per direction). */
export function recurrentArrayRows(node: RecurrentNode): number {
  return node.weights.rows / node.groups;
}

/** Sequence length, batch size and directions of a recurrent node's gate input (time first, or batch first). */
function recurrentSizes(node: RecurrentNode, gates: Tensor): { steps: number; batch: number; directions: number } {
  const [steps, batch] = node.batchFirst ? [gates.shape[1], gates.shape[0]] : [gates.shape[0], gates.shape[1]];
  return { steps, batch, directions: node.direction === 'bidirectional' ? 2 : 1 };
}

/** The exact product of a recurrent node's array `group` (float64). */
export function exactRecurrentMultiply(node: RecurrentNode): RecurrentMultiply {
  const rows = recurrentArrayRows(node);
  const cols = node.weights.cols;
  return (group, vectors) => {
    const out = matrix(vectors.rows, rows);
    rowProducts(node.weights.data.subarray(group * rows * cols, (group + 1) * rows * cols), rows, vectors.data, vectors.rows, cols, undefined, out.data, 0, 1, rows);
    return out;
  };
}

/**
 * Runs a recurrent node: inputs are the projected gates (time x batch x directions * gates *
 * hidden, or batch x time x ... when batchFirst), then the initial hidden and cell states when the
 * node has them. Returns Y: time x directions x batch x hidden (batch x time x directions x hidden
 * when batchFirst).
 */
export function recurrentForward(node: RecurrentNode, inputs: readonly Tensor[], multiply: RecurrentMultiply = exactRecurrentMultiply(node)): Tensor {
  const [gates] = inputs;
  const { steps, batch, directions } = recurrentSizes(node, gates);
  const hidden = node.hiddenSize;
  const gateCount = RECURRENT_GATES[node.cell];
  const width = directions * gateCount * hidden;
  const initialH = node.initialHidden ? inputs[1] : undefined;
  const initialC = node.initialCell ? inputs[node.initialHidden ? 2 : 1] : undefined;
  const y = new Float64Array(steps * directions * batch * hidden);
  const yShape = node.batchFirst ? [batch, steps, directions, hidden] : [steps, directions, batch, hidden];
  const yIndex = (t: number, d: number, b: number) => (node.batchFirst ? ((b * steps + t) * directions + d) * hidden : ((t * directions + d) * batch + b) * hidden);
  const gateIndex = (t: number, b: number) => (node.batchFirst ? (b * steps + t) * width : (t * batch + b) * width);
  // initial states: [directions, batch, hidden] (batch first: [batch, directions, hidden])
  const stateIndex = (d: number, b: number) => (node.batchFirst ? (b * directions + d) * hidden : (d * batch + b) * hidden);
  const perDirection = DEFAULT_RECURRENT_ACTIVATIONS[node.cell].length;
  for (let d = 0; d < directions; d++) {
    const reverse = node.direction === 'reverse' || d === 1;
    const [f, g, h] = node.activations.slice(d * perDirection, (d + 1) * perDirection).map(activationFunction);
    const bound = node.clip;
    const clip = bound === undefined ? (v: number) => v : (v: number) => Math.max(-bound, Math.min(bound, v));
    const h0 = matrix(batch, hidden);
    const c = new Float64Array(batch * hidden);
    for (let b = 0; b < batch; b++) {
      if (initialH) h0.data.set(initialH.data.subarray(stateIndex(d, b), stateIndex(d, b) + hidden), b * hidden);
      if (initialC) c.set(initialC.data.subarray(stateIndex(d, b), stateIndex(d, b) + hidden), b * hidden);
    }
    let state = h0;
    const bias = node.recurrentBias.subarray(d * gateCount * hidden, (d + 1) * gateCount * hidden);
    const peep = node.peepholes?.subarray(d * 3 * hidden, (d + 1) * 3 * hidden);
    for (let step = 0; step < steps; step++) {
      const t = reverse ? steps - 1 - step : step;
      const next = matrix(batch, hidden);
      if (node.cell === 'lstm') {
        const r = multiply(d, state);
        for (let b = 0; b < batch; b++) {
          const x = gateIndex(t, b) + d * 4 * hidden;
          const rBase = b * 4 * hidden;
          for (let j = 0; j < hidden; j++) {
            // pre-activations of the gates i, o, f, c (ONNX order)
            const preI = gates.data[x + j] + r.data[rBase + j] + bias[j];
            const preO = gates.data[x + hidden + j] + r.data[rBase + hidden + j] + bias[hidden + j];
            const preF = gates.data[x + 2 * hidden + j] + r.data[rBase + 2 * hidden + j] + bias[2 * hidden + j];
            const preC = gates.data[x + 3 * hidden + j] + r.data[rBase + 3 * hidden + j] + bias[3 * hidden + j];
            const cPrev = c[b * hidden + j];
            const i = f(clip(preI + (peep ? peep[j] * cPrev : 0)));
            const forget = node.inputForget ? 1 - i : f(clip(preF + (peep ? peep[2 * hidden + j] * cPrev : 0)));
            const candidate = g(clip(preC));
            const cNext = forget * cPrev + i * candidate;
            const o = f(clip(preO + (peep ? peep[hidden + j] * cNext : 0)));
            c[b * hidden + j] = cNext;
            next.data[b * hidden + j] = o * h(cNext);
          }
        }
      } else if (node.cell === 'gru') {
        // one array per direction (z r h rows, linear_before_reset) or three (z, r, h: the candidate's reads r * h)
        const shared = node.groups === directions;
        const zProduct = multiply(shared ? d : 3 * d, state);
        const rProduct = shared ? zProduct : multiply(3 * d + 1, state);
        const rOffset = shared ? hidden : 0;
        const z = new Float64Array(batch * hidden);
        const reset = new Float64Array(batch * hidden);
        for (let b = 0; b < batch; b++) {
          const x = gateIndex(t, b) + d * 3 * hidden;
          for (let j = 0; j < hidden; j++) {
            z[b * hidden + j] = f(clip(gates.data[x + j] + zProduct.data[b * zProduct.cols + j] + bias[j]));
            reset[b * hidden + j] = f(clip(gates.data[x + hidden + j] + rProduct.data[b * rProduct.cols + rOffset + j] + bias[hidden + j]));
          }
        }
        // the candidate reads r * (R_h h + Rb_h) with linear_before_reset, else R_h (r * h) + Rb_h
        let candidateProduct = zProduct;
        if (!node.linearBeforeReset) {
          const gated = matrix(batch, hidden);
          for (let k = 0; k < gated.data.length; k++) gated.data[k] = reset[k] * state.data[k];
          candidateProduct = multiply(3 * d + 2, gated);
        }
        const hOffset = node.linearBeforeReset ? 2 * hidden : 0;
        for (let b = 0; b < batch; b++) {
          const x = gateIndex(t, b) + d * 3 * hidden;
          for (let j = 0; j < hidden; j++) {
            const k = b * hidden + j;
            const product = candidateProduct.data[b * candidateProduct.cols + hOffset + j] + bias[2 * hidden + j];
            const candidate = g(clip(gates.data[x + 2 * hidden + j] + (node.linearBeforeReset ? reset[k] * product : product)));
            next.data[k] = (1 - z[k]) * candidate + z[k] * state.data[k];
          }
        }
      } else {
        const r = multiply(d, state);
        for (let b = 0; b < batch; b++) {
          const x = gateIndex(t, b) + d * hidden;
          for (let j = 0; j < hidden; j++) next.data[b * hidden + j] = f(clip(gates.data[x + j] + r.data[b * hidden + j] + bias[j]));
        }
      }
      for (let b = 0; b < batch; b++) y.set(next.data.subarray(b * hidden, (b + 1) * hidden), yIndex(t, d, b));
      state = next;
    }
  }
  return { shape: yShape, data: y };
}

function activationFunction(activation: RecurrentActivation): (x: number) => number {
  const { f } = RECURRENT_ACTIVATIONS[activation.name];
  const { alpha, beta } = activation;
  return (x) => f(x, alpha, beta);
}
