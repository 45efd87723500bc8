import { DEFAULT_RECURRENT_ACTIVATIONS, type MappedWeightNode, RECURRENT_GATES, type RecurrentActivation } from '@xbar/core';
import type { OnnxGraphBuilder } from '../export/graph-builder.js';
import { type NoiseInput, type ProgrammedGroup, type ReadContext, denseGeometry, writeConvertedInput, writeGroupReadout } from './crossbar-graph.js';

/**
 * The ONNX form of a programmed recurrent node (LSTM, GRU, RNN) on crossbars, unrolled over its
 * `steps` time steps as `recurrentForward` runs it: at every step each array reads the previous
 * hidden state (a GRU's candidate array without linear_before_reset reads r * h) through its tiles
 * as crossbar-graph.ts writes them (DAC, products, read noise drawn fresh for the step, ADC, gains),
 * and the gates, the cell state and the next hidden state are computed digitally. `inputs` are the
 * node's: the projected gates (time first, or batch first), then the initial hidden and cell states
 * when it has them. Returns the name of Y.
 */
export function writeCrossbarRecurrent(b: OnnxGraphBuilder, entry: MappedWeightNode, programmed: readonly ProgrammedGroup[], inputs: readonly string[], steps: number, noise: NoiseInput[]): string {
  const { node } = entry;
  if (node.op !== 'recurrent') throw new RangeError(`node '${node.name}': internal: not a recurrent node`);
  const hidden = node.hiddenSize;
  const directions = node.direction === 'bidirectional' ? 2 : 1;
  const gateCount = RECURRENT_GATES[node.cell];
  const timeAxis = node.batchFirst ? 1 : 0;
  const reads: ReadContext = { entry, noise, readsPerSample: 1 };
  const geometry = denseGeometry(hidden);
  const int64 = (values: readonly number[]) => b.constant(values, [values.length], 'int64');
  const lastAxis = (x: string, from: number, to: number) => b.node('Slice', [x, int64([from]), int64([to]), int64([-1])]);
  const scalar = (value: number) => b.constant([value], []);
  /** Array `group` read by `state` (samples x hidden): samples x its rows, as ProgrammedCrossbar.forward gives them. */
  const read = (group: number, state: string) => writeGroupReadout(b, reads, programmed[group], group, writeConvertedInput(b, state, [programmed[group]]), geometry);
  const initialHidden = node.initialHidden ? inputs[1] : undefined;
  const initialCell = node.initialCell ? inputs[node.initialHidden ? 2 : 1] : undefined;
  const perDirection = DEFAULT_RECURRENT_ACTIVATIONS[node.cell].length;
  // per step and direction: the hidden state, placed in Y at its time index
  const outputs: string[][] = Array.from({ length: steps }, () => []);
  for (let d = 0; d < directions; d++) {
    const reverse = node.direction === 'reverse' || d === 1;
    const [f, g, h] = node.activations.slice(d * perDirection, (d + 1) * perDirection).map((activation) => (x: string) => writeActivation(b, activation, x));
    const clip = (x: string) => (node.clip === undefined ? x : b.node('Clip', [x, scalar(-node.clip), scalar(node.clip)]));
    const gatesOfDirection = lastAxis(inputs[0], d * gateCount * hidden, (d + 1) * gateCount * hidden);
    const bias = node.recurrentBias.subarray(d * gateCount * hidden, (d + 1) * gateCount * hidden);
    const gateBias = (k: number) => b.constant(bias.subarray(k * hidden, (k + 1) * hidden), [hidden]);
    const peep = node.peepholes?.subarray(d * 3 * hidden, (d + 1) * 3 * hidden);
    const peephole = (k: number, c: string) => (peep === undefined ? undefined : b.node('Mul', [b.constant(peep.subarray(k * hidden, (k + 1) * hidden), [hidden]), c]));
    // an initial state [directions, batch, hidden] (batch first: [batch, directions, hidden]) of this direction
    const initial = (state: string | undefined) => (state === undefined ? undefined : b.node('Gather', [state, b.constant([d], [], 'int64')], { axis: { int: node.batchFirst ? 1 : 0 } }));
    // zeros of one step's [samples, hidden], when no initial state is given
    const zeros = () => b.node('Expand', [scalar(0), b.node('Shape', [lastAxis(stepGates(0), 0, hidden)])]);
    const stepGates = (t: number) => b.node('Gather', [gatesOfDirection, b.constant([t], [], 'int64')], { axis: { int: timeAxis } });
    let state = initial(initialHidden);
    let cell = node.cell === 'lstm' ? initial(initialCell) : undefined;
    for (let step = 0; step < steps; step++) {
      const t = reverse ? steps - 1 - step : step;
      const x = stepGates(t);
      const previous = state ?? zeros();
      const gate = (k: number) => lastAxis(x, k * hidden, (k + 1) * hidden);
      if (node.cell === 'lstm') {
        const product = read(d, previous);
        // pre-activations of the gates i, o, f, c (ONNX order)
        const pre = (k: number) => b.node('Add', [b.node('Add', [gate(k), lastAxis(product, k * hidden, (k + 1) * hidden)]), gateBias(k)]);
        const cPrevious = cell ?? zeros();
        const withPeephole = (k: number, value: string, c: string) => {
          const term = peephole(k, c);
          return term === undefined ? value : b.node('Add', [value, term]);
        };
        const i = f(clip(withPeephole(0, pre(0), cPrevious)));
        const forget = node.inputForget ? b.node('Sub', [scalar(1), i]) : f(clip(withPeephole(2, pre(2), cPrevious)));
        const candidate = g(clip(pre(3)));
        const cNext = b.node('Add', [b.node('Mul', [forget, cPrevious]), b.node('Mul', [i, candidate])]);
        const o = f(clip(withPeephole(1, pre(1), cNext)));
        cell = cNext;
        state = b.node('Mul', [o, h(cNext)]);
      } else if (node.cell === 'gru') {
        // one array per direction (z r h rows, linear_before_reset) or three (z, r, h: the candidate reads r * h)
        const shared = node.groups === directions;
        const zProduct = read(shared ? d : 3 * d, previous);
        const rProduct = shared ? zProduct : read(3 * d + 1, previous);
        const rOffset = shared ? hidden : 0;
        const z = f(clip(b.node('Add', [b.node('Add', [gate(0), lastAxis(zProduct, 0, hidden)]), gateBias(0)])));
        const reset = f(clip(b.node('Add', [b.node('Add', [gate(1), lastAxis(rProduct, rOffset, rOffset + hidden)]), gateBias(1)])));
        let candidateInput: string;
        if (node.linearBeforeReset) {
          const product = b.node('Add', [lastAxis(zProduct, 2 * hidden, 3 * hidden), gateBias(2)]);
          candidateInput = b.node('Add', [gate(2), b.node('Mul', [reset, product])]);
        } else {
          const product = b.node('Add', [read(3 * d + 2, b.node('Mul', [reset, previous])), gateBias(2)]);
          candidateInput = b.node('Add', [gate(2), product]);
        }
        const candidate = g(clip(candidateInput));
        state = b.node('Add', [b.node('Mul', [b.node('Sub', [scalar(1), z]), candidate]), b.node('Mul', [z, previous])]);
      } else {
        state = f(clip(b.node('Add', [b.node('Add', [gate(0), read(d, previous)]), gateBias(0)])));
      }
      outputs[t][d] = state;
    }
  }
  // Y: [time, directions, batch, hidden], or [batch, time, directions, hidden] when batch first
  const unsqueeze = (x: string, axis: number) => b.node('Unsqueeze', [x, int64([axis])]);
  const perStep = outputs.map((states) => {
    const stacked = states.map((s) => unsqueeze(s, node.batchFirst ? 1 : 0));
    return unsqueeze(stacked.length === 1 ? stacked[0] : b.node('Concat', stacked, { axis: { int: node.batchFirst ? 1 : 0 } }), timeAxis);
  });
  return perStep.length === 1 ? b.node('Identity', perStep, {}, node.output) : b.node('Concat', perStep, { axis: { int: timeAxis } }, node.output);
}

/** Each ONNX recurrent activation function as ONNX nodes on x, with its alpha and beta. */
const ACTIVATION_WRITERS: Readonly<Record<RecurrentActivation['name'], (b: OnnxGraphBuilder, x: string, alpha: number, beta: number) => string>> = {
  Relu: (b, x) => b.node('Relu', [x]),
  Tanh: (b, x) => b.node('Tanh', [x]),
  Sigmoid: (b, x) => b.node('Sigmoid', [x]),
  Softsign: (b, x) => b.node('Softsign', [x]),
  Softplus: (b, x) => b.node('Softplus', [x]),
  Affine: (b, x, alpha, beta) => b.node('Add', [b.node('Mul', [x, b.constant([alpha], [])]), b.constant([beta], [])]),
  LeakyRelu: (b, x, alpha) => b.node('LeakyRelu', [x], { alpha: { float: alpha } }),
  ThresholdedRelu: (b, x, alpha) => b.node('ThresholdedRelu', [x], { alpha: { float: alpha } }),
  Elu: (b, x, alpha) => b.node('Elu', [x], { alpha: { float: alpha } }),
  ScaledTanh: (b, x, alpha, beta) => b.node('Mul', [b.node('Tanh', [b.node('Mul', [x, b.constant([beta], [])])]), b.constant([alpha], [])]),
  HardSigmoid: (b, x, alpha, beta) => b.node('HardSigmoid', [x], { alpha: { float: alpha }, beta: { float: beta } }),
};

function writeActivation(b: OnnxGraphBuilder, activation: RecurrentActivation, x: string): string {
  return ACTIVATION_WRITERS[activation.name](b, x, activation.alpha, activation.beta);
}
