import { describe, expect, it } from 'vitest';
import { HardwareNetwork, type Network, crossbarConfig, gaussianDevice, matrix, negativeReadShares, normalCdf } from '../src/index.js';

/** One dense layer of zero weights: every cell (both of each differential pair) is programmed to gmin. */
function zeroLayer(outputs: number, inputs: number): Network {
  const node = { op: 'dense' as const, name: 'fc', inputs: ['x'], output: 'y', weights: matrix(outputs, inputs, new Float64Array(outputs * inputs)), bias: new Float64Array(outputs) };
  return { inputName: 'x', inputShape: [inputs], nodes: [node], outputs: ['y'] };
}

describe('negativeReadShares', () => {
  const wires = { rowSegmentOhms: 1, columnSegmentOhms: 1, sourceOhms: 0, senseOhms: 0 };

  it('is the share of reads below 0 S: P(N(gmin, sigma_prog^2 + sigma_read^2) < 0) for cells at gmin', () => {
    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 1e-6, sigma_read: 1e-6 });
    const hardware = HardwareNetwork.create(zeroLayer(64, 64), crossbarConfig({ device, rows: 64, cols: 128, wires }));
    const [share] = negativeReadShares(hardware, 3);
    const expected = normalCdf(-1 / Math.SQRT2); // 0.240
    // 8192 cells: binomial standard error 0.0047; 4 of them
    expect(share.node).toBe('fc');
    expect(Math.abs(share.fraction - expected)).toBeLessThan(0.019);
    expect(negativeReadShares(hardware, 3)).toEqual([share]);
  });

  it('leaves out nodes without wires, and is 0 where reads stay positive', () => {
    const device = gaussianDevice.create({ gmin: 2e-5, gmax: 1e-4, sigma_prog: 1e-6, sigma_read: 1e-6 });
    expect(negativeReadShares(HardwareNetwork.create(zeroLayer(8, 8), crossbarConfig({ device })), 1)).toEqual([]);
    expect(negativeReadShares(HardwareNetwork.create(zeroLayer(8, 8), crossbarConfig({ device, wires })), 1)).toEqual([{ node: 'fc', fraction: 0 }]);
  });
});
