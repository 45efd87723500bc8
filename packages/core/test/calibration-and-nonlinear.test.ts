import { describe, expect, it } from 'vitest';
import {
  CrossbarLayer,
  type DeviceInstance,
  HardwareNetwork,
  createRng,
  crossbarConfig,
  gaussianDevice,
  idealDevice,
  solveNonlinearCrossbar,
  tensor,
} from '../src/index.js';
import { maxAbsDifference, randomMatrix } from './helpers.js';

/** Cells with a sinh I-V: I = G v0 sinh(V / v0), ohmic at low bias, more current at high bias. */
function sinhCells(device: DeviceInstance, v0: number): DeviceInstance {
  return { ...device, current: (g, v) => g * v0 * Math.sinh(v / v0) };
}

describe('DAC range calibration', () => {
  const w = randomMatrix(3, 6, 'w-dac', 0.5);
  const x = randomMatrix(5, 6, 'x-dac', 3);

  it('sets a calibrated range to the largest |input| times the margin, and keeps a fixed one', () => {
    let largest = 0;
    for (const value of x.data) largest = Math.max(largest, Math.abs(value));
    const calibrated = CrossbarLayer.create(w, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), dac: { range: 'calibrated', calibrationMargin: 1.25 } }));
    calibrated.calibrate(x);
    expect(calibrated.config.dac.inputRange).toBeCloseTo(1.25 * largest, 14);
    const fixed = CrossbarLayer.create(w, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), dac: { inputRange: 2 } }));
    expect(fixed.config.dac.range).toBe('fixed');
    fixed.calibrate(x);
    expect(fixed.config.dac.inputRange).toBe(2);
  });

  it('calibrates every layer of a network on its ideal inputs, then reports what clips', () => {
    const network = {
      inputName: 'x',
      inputShape: [6],
      nodes: [
        { op: 'dense' as const, name: 'a', inputs: ['x'], output: 'a', weights: randomMatrix(4, 6, 'wa', 2), bias: new Float64Array(4) },
        { op: 'relu' as const, name: 'r', inputs: ['a'], output: 'r' },
        { op: 'dense' as const, name: 'b', inputs: ['r'], output: 'b', weights: randomMatrix(2, 4, 'wb', 1), bias: new Float64Array(2) },
      ],
      outputs: ['b'],
    };
    const input = tensor([5, 6], x.data);
    const hardware = HardwareNetwork.create(network, crossbarConfig({ device: idealDevice.create({ gmin: 0 }) }));
    const before = hardware.dacClipping(input);
    expect(before.every((layer) => layer.inputRange === 1)).toBe(true);
    expect(before[1].clippedFraction).toBeGreaterThan(0.2);
    hardware.calibrate(input);
    const after = hardware.dacClipping(input);
    expect(after.map((layer) => layer.clippedFraction)).toEqual([0, 0]);
    expect(after.map((layer) => layer.inputRange)).toEqual(after.map((layer) => layer.largestInput));
    expect(hardware.mapped.get('b')!.config.dac.inputRange).toBe(after[1].inputRange);
    // ideal devices, ideal DAC and ADC: the network on its arrays is the float network
    const y = hardware.runTrial(input, 1, 0).get('b')!;
    const reference = HardwareNetwork.create(network, crossbarConfig({ device: idealDevice.create({ gmin: 0 }), dac: { inputRange: 1000 } }));
    expect(maxAbsDifference(y.data, reference.runTrial(input, 1, 0).get('b')!.data)).toBeLessThan(1e-9);
  });
});

describe('nonlinear cells', () => {
  const w = randomMatrix(3, 8, 'w-nl', 0.5);
  const x = randomMatrix(4, 8, 'x-nl', 0.3); // within the DAC range of 1: no clipping
  const readVoltage = 0.5;
  const v0 = 0.2;

  it('are read through their I-V on ideal wires (the engine used to take them as ohmic)', () => {
    const device = sinhCells(idealDevice.create({ gmin: 1e-6, gmax: 1e-4 }), v0);
    const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows: 16, cols: 8, dac: { inputRange: 1, readVoltage } }));
    const y = layer.program(createRng(1)).forward(x, createRng(2));
    const tile = layer.tiled.tiles[0];
    for (let b = 0; b < x.rows; b++) {
      for (let k = 0; k < 3; k++) {
        let difference = 0;
        for (let i = 0; i < tile.rowCount; i++) {
          const v = x.data[b * 8 + i] * readVoltage;
          difference += device.current!(tile.targets[i * tile.cols + tile.channelPositive[k]], v) - device.current!(tile.targets[i * tile.cols + tile.channelNegative[k]], v);
        }
        expect(y.data[b * 3 + tile.channelOutput[k]]).toBeCloseTo((tile.channelGain[k] * difference) / readVoltage, 12);
      }
    }
    const ohmic = CrossbarLayer.create(w, crossbarConfig({ device: idealDevice.create({ gmin: 1e-6, gmax: 1e-4 }), rows: 16, cols: 8, dac: { inputRange: 1, readVoltage } }));
    expect(maxAbsDifference(y.data, ohmic.program(createRng(1)).forward(x, createRng(2)).data)).toBeGreaterThan(1e-2);
  });

  it('keep their noise statistics when read cell by cell: Gaussian read noise around the I-V', () => {
    const device = sinhCells(gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_read: 1e-6 }), v0);
    const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows: 16, cols: 8, dac: { inputRange: 1, readVoltage } }));
    const programmed = layer.program(createRng(3));
    const a = programmed.forward(x, createRng(4));
    const b = programmed.forward(x, createRng(5));
    expect(maxAbsDifference(a.data, b.data)).toBeGreaterThan(0); // fresh read noise per read
  });

  it('are solved by Newton with the wires, agreeing with the nonlinear circuit solver', () => {
    const device = sinhCells(idealDevice.create({ gmin: 1e-6, gmax: 1e-4 }), v0);
    const wires = { rowSegmentOhms: 2, columnSegmentOhms: 3, sourceOhms: 10, senseOhms: 5 };
    const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows: 16, cols: 8, wires, dac: { inputRange: 1, readVoltage } }));
    const y = layer.program(createRng(1), { irDrop: true }).forward(x, createRng(2));
    const tile = layer.tiled.tiles[0];
    const volts = x.data.map((v) => v * readVoltage);
    const { currents } = solveNonlinearCrossbar({ rows: tile.rowCount, cols: tile.cols, conductances: tile.targets, resistances: wires }, (g, v) => device.current!(g, v), volts);
    for (let b = 0; b < x.rows; b++) {
      for (let k = 0; k < 3; k++) {
        const difference = currents[b * tile.cols + tile.channelPositive[k]] - currents[b * tile.cols + tile.channelNegative[k]];
        expect(y.data[b * 3 + tile.channelOutput[k]]).toBeCloseTo((tile.channelGain[k] * difference) / readVoltage, 10);
      }
    }
  });
});
