/**
 * LSTM, GRU and RNN: every attribute against ONNX Runtime (time first between Transposes, as
 * PyTorch exports them; ONNX Runtime has no layout 1, which ONNX's own batchwise cases cover), and on crossbars: the input projection and the recurrent arrays are weight
 * nodes, the recurrent arrays read once per step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HardwareNetwork, type MappedWeightNode, ProgrammedNetwork, crossbarConfig, idealDevice, runNetwork, tensor, weightNodeForward } from '@xbar/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { type AttributeValue, type TensorSpec, buildModel, values } from './builders.js';

const [T, I, H] = [4, 3, 5];

interface RecurrentCase {
  readonly name: string;
  readonly op: 'LSTM' | 'GRU' | 'RNN';
  readonly attributes?: Record<string, AttributeValue>;
  /** Which optional inputs the node gets: bias, initial hidden state (from the input), peepholes. */
  readonly bias?: boolean;
  readonly initialHidden?: boolean;
  readonly peepholes?: boolean;
  /** Read Y_h instead of Y. */
  readonly lastHidden?: boolean;
}

const GATES = { LSTM: 4, GRU: 3, RNN: 1 };

/** x [batch, T, I] -> Transpose -> LSTM/GRU/RNN -> Y or Y_h -> Transpose -> flattened per sample. */
function recurrentModel(c: RecurrentCase): Uint8Array {
  const directions = c.attributes?.direction === 'bidirectional' ? 2 : 1;
  const g = GATES[c.op];
  const inputs = ['xt', 'W', 'R', c.bias ? 'B' : '', '', c.initialHidden ? 'h0' : '', '', c.peepholes ? 'P' : ''];
  while (inputs.at(-1) === '') inputs.pop();
  const outputs = c.lastHidden ? ['', 'y_h'] : ['y_seq'];
  const nodes: { op: string; inputs: string[]; outputs: string[]; name?: string; attributes?: Record<string, AttributeValue> }[] = [
    { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attributes: { perm: [1, 0, 2] } },
  ];
  if (c.initialHidden) {
    // h0 [directions, batch, H]: tanh of the first steps of x through a MatMul
    nodes.push({ op: 'Slice', inputs: ['x', 'zero', 'steps', 'one'], outputs: ['first'] });
    nodes.push({ op: 'MatMul', inputs: ['first', 'toHidden'], outputs: ['projected'] });
    nodes.push({ op: 'Tanh', inputs: ['projected'], outputs: ['h0b'] });
    nodes.push({ op: 'Transpose', inputs: ['h0b'], outputs: ['h0'], attributes: { perm: [1, 0, 2] } });
  }
  nodes.push({ op: c.op, inputs, outputs, name: 'cell', attributes: { hidden_size: H, ...c.attributes } });
  nodes.push({ op: 'Transpose', inputs: [c.lastHidden ? 'y_h' : 'y_seq'], outputs: ['yb'], attributes: { perm: c.lastHidden ? [1, 0, 2] : [2, 0, 1, 3] } });
  nodes.push({ op: 'Flatten', inputs: ['yb'], outputs: ['y'], attributes: { axis: 1 } });
  return buildModel({
    input: { name: 'x', dims: ['batch', T, I] },
    outputs: ['y'],
    opset: 14,
    nodes,
    initializers: ([
      { name: 'W', dims: [directions, g * H, I], values: values(directions * g * H * I, 1) },
      { name: 'R', dims: [directions, g * H, H], values: values(directions * g * H * H, 2) },
      { name: 'B', dims: [directions, 2 * g * H], values: values(directions * 2 * g * H, 3) },
      { name: 'P', dims: [directions, 3 * H], values: values(directions * 3 * H, 4) },
      { name: 'toHidden', dims: [I, H], values: values(I * H, 5) },
      { name: 'zero', dims: [1], values: [0], type: 'int64' },
      { name: 'steps', dims: [1], values: [directions], type: 'int64' },
      { name: 'one', dims: [1], values: [1], type: 'int64' },
    ] satisfies TensorSpec[]).filter((init) => inputs.includes(init.name) || (c.initialHidden && ['toHidden', 'zero', 'steps', 'one'].includes(init.name))),
  });
}

const CASES: RecurrentCase[] = [
  { name: 'LSTM forward, defaults', op: 'LSTM' },
  { name: 'LSTM bidirectional, bias, peepholes, initial state, Y_h', op: 'LSTM', attributes: { direction: 'bidirectional' }, bias: true, peepholes: true, initialHidden: true, lastHidden: true },
  { name: 'LSTM reverse, clip, input_forget', op: 'LSTM', attributes: { direction: 'reverse', clip: 0.7, input_forget: 1 }, bias: true },
  { name: 'LSTM activations with alpha and beta', op: 'LSTM', attributes: { activations: { strings: ['HardSigmoid', 'LeakyRelu', 'ScaledTanh'] }, activation_alpha: { floats: [0.3, 0.05, 1.5] }, activation_beta: { floats: [0.4, 0.8] } }, bias: true },
  { name: 'GRU linear_before_reset (as PyTorch exports)', op: 'GRU', attributes: { linear_before_reset: 1 }, bias: true },
  { name: 'GRU without linear_before_reset, bidirectional', op: 'GRU', attributes: { direction: 'bidirectional' }, bias: true, initialHidden: true },
  { name: 'GRU Y_h, reverse', op: 'GRU', attributes: { direction: 'reverse' }, bias: true, lastHidden: true },
  { name: 'RNN Relu, bidirectional', op: 'RNN', attributes: { direction: 'bidirectional', activations: { strings: ['Relu', 'Relu'] } }, bias: true },
  { name: 'RNN tanh, Y_h', op: 'RNN', bias: true, lastHidden: true, initialHidden: true },
];

const batch = 3;
const input = Float32Array.from(values(batch * T * I, 9));

describe('recurrent layers (LSTM, GRU, RNN) imported from ONNX', () => {
  it.each(CASES)('$name: equal ONNX Runtime', async (c) => {
    const bytes = recurrentModel(c);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const expected = (await session.run({ x: new ort.Tensor('float32', input, [batch, T, I]) })).y;
    const { network } = importOnnx(bytes);
    const [ours] = runNetwork(network, tensor([batch, T, I], Float64Array.from(input)));
    expect(ours.shape).toEqual([...expected.dims]);
    const reference = expected.data as Float32Array;
    reference.forEach((value, i) => expect(Math.abs(ours.data[i] - value)).toBeLessThan(1e-5 * (1 + Math.abs(value))));
  });

  it('run on crossbars: W as a dense node, R read once per step and array', () => {
    const { network } = importOnnx(readFileSync(join(import.meta.dirname, 'fixtures', 'pytorch', 'lstm-last-hidden.onnx')));
    const weightNodes = network.nodes.filter((node) => node.op === 'dense' || node.op === 'recurrent').map((node) => `${node.op} ${node.name}`);
    expect(weightNodes).toEqual(['dense /rnn/LSTM/W', 'recurrent /rnn/LSTM/R', 'dense /rnn/LSTM_1/W', 'recurrent /rnn/LSTM_1/R', 'dense /fc/Gemm']);
    const x = tensor([2, 5, 6], Float64Array.from(values(60, 4)));
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device: idealDevice.create({}), rows: 8, cols: 8 }));
    hardware.calibrate(x);
    const [ideal] = runNetwork(network, x);
    const y = ProgrammedNetwork.program(hardware, 1, 0).run(x).get(network.nodes.at(-1)!.name)!;
    Array.from(y.data).forEach((value, i) => expect(value).toBeCloseTo(ideal.data[i], 9));
    // each direction's array reads the batch's hidden states once per time step
    const entry = hardware.mapped.get('/rnn/LSTM/R') as MappedWeightNode;
    const reads: number[] = [];
    const projection = runNetwork({ ...network, nodes: network.nodes.slice(0, 1), outputs: [network.nodes[0].output] }, x)[0];
    weightNodeForward(entry, [projection], (group, vectors) => {
      reads.push(group, vectors.rows);
      return { rows: vectors.rows, cols: 32, data: new Float64Array(vectors.rows * 32) };
    });
    expect(reads).toEqual(Array.from({ length: 10 }, (_, k) => [k < 5 ? 0 : 1, 2]).flat());
  });

  it('refuse what they cannot run, naming the node', () => {
    const withCell = (outputs: string[]) => buildModel({
      input: { name: 'x', dims: ['batch', T, I] },
      outputs: ['y'],
      opset: 14,
      nodes: [
        { op: 'LSTM', inputs: ['x', 'W', 'R'], outputs, name: 'cell', attributes: { hidden_size: H, layout: 1 } },
        { op: 'Flatten', inputs: [outputs.at(-1)!], outputs: ['y'] },
      ],
      initializers: [
        { name: 'W', dims: [1, 4 * H, I], values: values(4 * H * I, 1) },
        { name: 'R', dims: [1, 4 * H, H], values: values(4 * H * H, 2) },
      ],
    });
    expect(() => importOnnx(withCell(['', '', 'y_c']))).toThrow(/node 'cell' \(LSTM\): the last cell state Y_c is used/);
    const timeFirst = buildModel({
      input: { name: 'x', dims: ['batch', T, I] },
      outputs: ['y'],
      nodes: [{ op: 'RNN', inputs: ['x', 'W', 'R'], outputs: ['s'], name: 'cell', attributes: { hidden_size: H } }, { op: 'Flatten', inputs: ['s'], outputs: ['y'] }],
      initializers: [{ name: 'W', dims: [1, H, I], values: values(H * I, 1) }, { name: 'R', dims: [1, H, H], values: values(H * H, 2) }],
    });
    expect(() => importOnnx(timeFirst)).toThrow(/node 'cell' \(RNN\): X must be \[time, batch, input\] \(layout 0\), got \[batch, 4, 3\]/);
    const badActivation = buildModel({
      input: { name: 'x', dims: ['batch', T, I] },
      outputs: ['y'],
      opset: 14,
      nodes: [{ op: 'RNN', inputs: ['x', 'W', 'R'], outputs: ['s'], name: 'cell', attributes: { hidden_size: H, layout: 1, activations: { strings: ['Swish'] } } }, { op: 'Flatten', inputs: ['s'], outputs: ['y'] }],
      initializers: [{ name: 'W', dims: [1, H, I], values: values(H * I, 1) }, { name: 'R', dims: [1, H, H], values: values(H * H, 2) }],
    });
    expect(() => importOnnx(badActivation)).toThrow(/node 'cell' \(RNN\): activation 'Swish' is not one of Relu, Tanh, Sigmoid/);
  });
});
