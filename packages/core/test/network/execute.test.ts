import { describe, expect, it } from 'vitest';
import { type Network, matrix, networkShapes, runNetwork, runNetworkBatched, tensor } from '../../src/index.js';
import { broadcastAdd, samePadding, windowOutputSize } from '../../src/kernels.js';

describe('window geometry', () => {
  it('output sizes with floor and ceil mode (a last window starting in the end padding is dropped)', () => {
    expect(windowOutputSize(5, 2, 2, 1, { begin: 0, end: 0 })).toBe(2);
    expect(windowOutputSize(5, 2, 2, 1, { begin: 0, end: 0 }, true)).toBe(3);
    expect(windowOutputSize(4, 2, 2, 1, { begin: 0, end: 1 }, true)).toBe(2);
    expect(windowOutputSize(7, 3, 1, 2, { begin: 0, end: 0 })).toBe(3);
    expect(samePadding(7, 3, 2, 1, 'SAME_UPPER')).toEqual({ begin: 1, end: 1 });
    expect(samePadding(6, 3, 2, 1, 'SAME_UPPER')).toEqual({ begin: 0, end: 1 });
    expect(samePadding(6, 3, 2, 1, 'SAME_LOWER')).toEqual({ begin: 1, end: 0 });
  });
});

describe('network executor', () => {
  const network: Network = {
    inputName: 'x',
    inputShape: [3],
    nodes: [
      { op: 'dense', name: 'fc', inputs: ['x'], output: 'h', weights: matrix(2, 3, Float64Array.from([1, 0, -1, 0.5, 0.5, 0.5])), bias: Float64Array.from([0, 1]) },
      { op: 'relu', name: 'relu', inputs: ['h'], output: 'r' },
      { op: 'add', name: 'residual', inputs: ['h', 'r'], output: 'y' },
      { op: 'softmax', name: 'softmax', inputs: ['y'], output: 'p', axis: 1, endAxis: 2 },
    ],
    outputs: ['y', 'p'],
  };

  it('runs a DAG with a residual add and several outputs', () => {
    const [y, p] = runNetwork(network, tensor([2, 3], Float64Array.from([1, 2, 3, 3, 2, 1])));
    expect([...y.data]).toEqual([-2, 8, 4, 8]);
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 15);
    expect(networkShapes(network).get('p')).toEqual([2]);
  });

  it('runs in chunks with the same results', () => {
    const input = tensor([5, 3], Float64Array.from({ length: 15 }, (_, i) => Math.sin(i)));
    const whole = runNetwork(network, input);
    const chunked = runNetworkBatched(network, input, 2);
    expect(chunked[1].data).toEqual(whole[1].data);
  });

  it('refuses inputs of the wrong shape and broadcasts NumPy-style', () => {
    expect(() => runNetwork(network, tensor([2, 4]))).toThrow('the network takes a batch B x 3, got [2, 4]');
    const sum = broadcastAdd(tensor([2, 1, 3], Float64Array.from([1, 2, 3, 4, 5, 6])), tensor([2, 1], Float64Array.from([10, 20])));
    expect(sum.shape).toEqual([2, 2, 3]);
    expect([...sum.data]).toEqual([11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]);
  });
});
