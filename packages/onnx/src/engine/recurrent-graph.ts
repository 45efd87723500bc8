import { DEFAULT_RECURRENT_ACTIVATIONS, type MappedWeightNode, RECURRENT_GATES, type RecurrentActivation, type RecurrentNode } from '@xbar/core';
import type { OnnxGraphBuilder } from '../export/graph-builder.js';
import { type NoiseInput, type ProgrammedGroup, type ReadContext, denseGeometry, writeConvertedInput, writeGroupReadout } from './crossbar-graph.js';

/**
 * The ONNX form of a programmed recurrent node (LSTM, GRU, RNN) on crossbars, as `recurrentForward`
 * runs it: per direction a Scan over the `steps` time steps whose body reads each array with the
 * previous hidden state (a GRU's candidate array without linear_before_reset reads r * h) through
 * its tiles as crossbar-graph.ts writes them (DAC, products, read noise, ADC, gains), with normals
 * of its own for every step (a scanned input), and computes the gates, the cell state and the next
 * hidden state digitally. `inputs` are the node's: the projected gates (time first, or batch
 * first), then the initial hidden and cell states when it has them. Returns the name of Y.
 */
export function writeCrossbarRecurrent(b: OnnxGraphBuilder, entry: MappedWeightNode, programmed: readonly ProgrammedGroup[], inputs: readonly string[], steps: number, noise: NoiseInput[]): string {
  const { node } = entry;
  if (node.op !== 'recurrent') throw new RangeError(`node '${node.name}': internal: not a recurrent node`);
  const hidden = node.hiddenSize;
  const directions = node.direction === 'bidirectional' ? 2 : 1;
  const gateCount = RECURRENT_GATES[node.cell];
  const timeAxis = node.batchFirst ? 1 : 0;
  const initialHidden = node.initialHidden ? inputs[1] : undefined;
  const initialCell = node.initialCell ? inputs[node.initialHidden ? 2 : 1] : undefined;
  const perDirection = DEFAULT_RECURRENT_ACTIVATIONS[node.cell].length;
  const sequences = Array.from({ length: directions }, (_, d) => {
    const reverse = node.direction === 'reverse' || d === 1;
    const gates = lastAxis(b, inputs[0], d * gateCount * hidden, (d + 1) * gateCount * hidden);
    // the states before the first step: this direction's of the given ones ([directions, batch, hidden], batch first [batch, directions, hidden]), or zeros
    const firstGates = b.node('Gather', [gates, b.constant([0], [], 'int64')], { axis: { int: timeAxis } });
    const zeros = () => b.node('Expand', [b.constant([0], []), b.node('Shape', [lastAxis(b, firstGates, 0, hidden)])]);
    const initial = (state: string | undefined) => (state === undefined ? zeros() : b.node('Gather', [state, b.constant([d], [], 'int64')], { axis: { int: node.batchFirst ? 1 : 0 } }));
    const states = node.cell === 'lstm' ? [initial(initialHidden), initial(initialCell)] : [initial(initialHidden)];
    const body = b.subgraph();
    const bodyNoise: NoiseInput[] = [];
    const step = writeStep(body, node, { entry, noise: bodyNoise, readsPerSample: 1 }, programmed, d, node.activations.slice(d * perDirection, (d + 1) * perDirection), states.length);
    // each read's normals: a graph input of all steps' normals, scanned one step at a time
    const scannedNoise = bodyNoise.map((n) => {
      const name = b.fresh(`${n.name}.steps`);
      noise.push({ name, perSample: steps * n.perSample });
      return b.node('Reshape', [name, b.constant([steps, -1], [2], 'int64')]);
    });
    const graph = body.graph(`${node.name}.direction${d}`, [...step.states, step.gates, ...bodyNoise.map((n) => n.name)], [...step.next, step.output]);
    const scanned = 1 + scannedNoise.length;
    const outputs = b.nodeWithOutputs('Scan', [...states, gates, ...scannedNoise], {
      body: { graph },
      num_scan_inputs: { int: scanned },
      scan_input_axes: { ints: [timeAxis, ...scannedNoise.map(() => 0)] },
      scan_input_directions: { ints: [reverse ? 1 : 0, ...scannedNoise.map(() => 0)] },
      scan_output_directions: { ints: [reverse ? 1 : 0] },
    }, states.length + 1);
    // [time, batch, hidden] in time order
    return outputs[states.length];
  });
  // Y: [time, directions, batch, hidden], or [batch, time, directions, hidden] when batch first
  const placed = sequences.map((sequence) => (node.batchFirst ? unsqueeze(b, b.node('Transpose', [sequence], { perm: { ints: [1, 0, 2] } }), 2) : unsqueeze(b, sequence, 1)));
  return placed.length === 1 ? b.node('Identity', placed, {}, node.output) : b.node('Concat', placed, { axis: { int: node.batchFirst ? 2 : 1 } }, node.output);
}

/** Slice [from, to) of the last axis. */
function lastAxis(b: OnnxGraphBuilder, x: string, from: number, to: number): string {
  return b.node('Slice', [x, b.constant([from], [1], 'int64'), b.constant([to], [1], 'int64'), b.constant([-1], [1], 'int64')]);
}

function unsqueeze(b: OnnxGraphBuilder, x: string, axis: number): string {
  return b.node('Unsqueeze', [x, b.constant([axis], [1], 'int64')]);
}

/**
 * One time step of `node`'s direction `d` as a Scan body: its inputs `states` (the hidden state, and an
 * LSTM's cell state, samples x hidden) and `gates` (the step's projected gates of the direction);
 * its outputs `next` (the states after the step) and `output` (the hidden state, for Y).
 */
function writeStep(b: OnnxGraphBuilder, node: RecurrentNode, reads: ReadContext, programmed: readonly ProgrammedGroup[], d: number, activations: readonly RecurrentActivation[], stateCount: number): { states: string[]; gates: string; next: string[]; output: string } {
  const hidden = node.hiddenSize;
  const directions = node.direction === 'bidirectional' ? 2 : 1;
  const gateCount = RECURRENT_GATES[node.cell];
  const geometry = denseGeometry(hidden);
  const scalar = (value: number) => b.constant([value], []);
  /** Array `group` read by `state` (samples x hidden): samples x its rows, as ProgrammedCrossbar.forward gives them. */
  const read = (group: number, state: string) => writeGroupReadout(b, reads, programmed[group], group, writeConvertedInput(b, state, [programmed[group]]), geometry);
  const [f, g, h] = activations.map((activation) => (x: string) => writeActivation(b, activation, x));
  const clip = (x: string) => (node.clip === undefined ? x : b.node('Clip', [x, scalar(-node.clip), scalar(node.clip)]));
  const bias = node.recurrentBias.subarray(d * gateCount * hidden, (d + 1) * gateCount * hidden);
  const gateBias = (k: number) => b.constant(bias.subarray(k * hidden, (k + 1) * hidden), [hidden]);
  const peep = node.peepholes?.subarray(d * 3 * hidden, (d + 1) * 3 * hidden);
  const states = Array.from({ length: stateCount }, (_, k) => b.fresh(k === 0 ? `${node.name}.h` : `${node.name}.c`));
  const gates = b.fresh(`${node.name}.gates`);
  const [previous, cPrevious] = states;
  const gate = (k: number) => lastAxis(b, gates, k * hidden, (k + 1) * hidden);
  const sum = (...terms: string[]) => terms.reduce((total, term) => b.node('Add', [total, term]));
  let next: string[];
  if (node.cell === 'lstm') {
    const product = read(d, previous);
    // pre-activations of the gates i, o, f, c (ONNX order), peepholes on the cell state
    const pre = (k: number) => sum(gate(k), lastAxis(b, product, k * hidden, (k + 1) * hidden), gateBias(k));
    const withPeephole = (k: number, peepholeIndex: number, c: string) => (peep === undefined ? pre(k) : sum(pre(k), b.node('Mul', [b.constant(peep.subarray(peepholeIndex * hidden, (peepholeIndex + 1) * hidden), [hidden]), c])));
    const i = f(clip(withPeephole(0, 0, cPrevious)));
    const forget = node.inputForget ? b.node('Sub', [scalar(1), i]) : f(clip(withPeephole(2, 2, cPrevious)));
    const candidate = g(clip(pre(3)));
    const cNext = sum(b.node('Mul', [forget, cPrevious]), b.node('Mul', [i, candidate]));
    const o = f(clip(withPeephole(1, 1, cNext)));
    next = [b.node('Mul', [o, h(cNext)]), b.node('Identity', [cNext])];
  } else if (node.cell === 'gru') {
    // one array per direction (z r h rows, linear_before_reset) or three (z, r, h: the candidate reads r * h)
    const shared = node.groups === directions;
    const zProduct = read(shared ? d : 3 * d, previous);
    const rProduct = shared ? zProduct : read(3 * d + 1, previous);
    const rOffset = shared ? hidden : 0;
    const z = f(clip(sum(gate(0), lastAxis(b, zProduct, 0, hidden), gateBias(0))));
    const reset = f(clip(sum(gate(1), lastAxis(b, rProduct, rOffset, rOffset + hidden), gateBias(1))));
    const candidateInput = node.linearBeforeReset
      ? sum(gate(2), b.node('Mul', [reset, sum(lastAxis(b, zProduct, 2 * hidden, 3 * hidden), gateBias(2))]))
      : sum(gate(2), sum(read(3 * d + 2, b.node('Mul', [reset, previous])), gateBias(2)));
    const candidate = g(clip(candidateInput));
    next = [sum(b.node('Mul', [b.node('Sub', [scalar(1), z]), candidate]), b.node('Mul', [z, previous]))];
  } else {
    next = [f(clip(sum(gate(0), read(d, previous), gateBias(0))))];
  }
  return { states, gates, next, output: b.node('Identity', [next[0]]) };
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
