import { createRng, loadDeviceRegistry } from '@xbar/core';
import { describeDeviceConformance } from '@xbar/core/testing';
import { describe, expect, it } from 'vitest';
import { createMtj, mtjCell, mtjDevice, mtjDevicesModule, nominalLevels, seriesResistance, tmrAtBias } from '../src/index.js';

const quick = { samples: 30_000 };

describeDeviceConformance(mtjDevice, [
  { label: '2 states, large variation and write errors', values: { states: 2, sigma_rp: 0.1, sigma_rap: 0.15, write_error: 0.2 }, options: quick },
  { label: '8 states, variation, read noise', values: { states: 8, sigma_rp: 0.05, sigma_rap: 0.03, sigma_read: 1e-6, rel_read: 0.02 }, options: quick },
  { label: '16 states, write errors only', values: { states: 16, write_error: 0.3 }, options: quick },
  { label: '6 states in parallel with variation', values: { states: 6, parallel: 1, sigma_rp: 0.08, sigma_rap: 0.08, write_error: 0.05 }, options: quick },
]);

describe('mtj state resistances', () => {
  it('R_k = (n - k) R_P + k R_AP with R_AP = R_P (1 + TMR)', () => {
    const cell = mtjCell(mtjDevice.create({ states: 4, r_p: 1e3, tmr: 1 }).params);
    expect([0, 1, 2, 3].map((k) => seriesResistance(cell, k))).toEqual([3e3, 4e3, 5e3, 6e3]);
    const levels = mtjDevice.create({ states: 4, r_p: 1e3, tmr: 1 }).states.levels!;
    expect(Array.from(levels)).toEqual([1 / 6e3, 1 / 5e3, 1 / 4e3, 1 / 3e3]);
  });

  it('has n + 1 states for n junctions, in series or in parallel', () => {
    for (const states of [2, 3, 5, 9, 33]) {
      expect(mtjDevice.create({ states }).states.levels!.length).toBe(states);
      expect(mtjDevice.create({ states, parallel: 1 }).states.levels!.length).toBe(states);
    }
    const parallel = nominalLevels(mtjCell(mtjDevice.create({ states: 3, parallel: 1, r_p: 1e3, tmr: 3 }).params));
    expect(Array.from(parallel)).toEqual([2 / 4e3, 1 / 4e3 + 1 / 1e3, 2 / 1e3]);
  });

  it('programs exactly without variation, noise or write errors', () => {
    const device = createMtj({ states: 4, r_p: 1e3, tmr: 1 });
    const cells = device.program(new Float64Array([0, 1 / 5.4e3, 1 / 4.4e3, 1]), createRng(1));
    expect(Array.from(cells.conductance)).toEqual([1 / 6e3, 1 / 5e3, 1 / 4e3, 1 / 3e3]);
  });

  it('write errors land in a neighbouring state with the given probability', () => {
    const device = createMtj({ states: 5, write_error: 0.1 });
    const n = 200_000;
    const cells = device.program(new Float64Array(n).fill(device.states.levels![2]), createRng(2));
    const counts = [0, 0, 0, 0, 0];
    for (const s of cells.state) counts[s]++;
    expect(counts[0] + counts[4]).toBe(0);
    expect(counts[1] / n).toBeCloseTo(0.05, 2);
    expect(counts[3] / n).toBeCloseTo(0.05, 2);
  });
});

describe('mtj bias dependence', () => {
  const device = mtjDevice.create({ states: 4, r_p: 1e3, tmr: 1.5, v_half: 0.5 });
  const cell = mtjCell(device.params);

  it('TMR halves at v_half', () => {
    expect(tmrAtBias(cell, 0)).toBe(1.5);
    expect(tmrAtBias(cell, 0.5)).toBeCloseTo(0.75, 15);
    expect(tmrAtBias(cell, -0.5)).toBeCloseTo(0.75, 15);
  });

  it('is ohmic at low bias and for the all-parallel state, super-linear for AP states', () => {
    const levels = device.states.levels!;
    expect(device.current!(levels[3], 1e-6) / (levels[3] * 1e-6)).toBeCloseTo(1, 12);
    expect(device.current!(levels[3], 0.8) / (levels[3] * 0.8)).toBeCloseTo(1, 12);
    expect(device.current!(levels[0], 1e-4) / (levels[0] * 1e-4)).toBeCloseTo(1, 6);
    expect(device.current!(levels[0], 0.9)).toBeGreaterThan(levels[0] * 0.9 * 1.05);
    expect(device.current!(levels[0], -0.9)).toBeCloseTo(-device.current!(levels[0], 0.9), 15);
  });

  it('solves the series voltage division self-consistently', () => {
    // All three junctions AP: each sees V / 3, so R = 3 R_P (1 + TMR(V / 3)) exactly.
    const volts = 0.9;
    const expected = volts / (3 * 1e3 * (1 + tmrAtBias(cell, volts / 3)));
    expect(device.current!(device.states.levels![0], volts)).toBeCloseTo(expected, 15);
  });
});

describe('mtj plugin module', () => {
  it('registers the mtj model', () => {
    const registry = loadDeviceRegistry([mtjDevicesModule]);
    expect(registry.names()).toEqual(['mtj']);
    expect(registry.create('mtj', {}, 'four-state-series').params.write_error).toBe(0.01);
  });
});
