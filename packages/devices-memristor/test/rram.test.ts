import { createRng, loadDeviceRegistry } from '@xbar/core';
import { describeDeviceConformance } from '@xbar/core/testing';
import { describe, expect, it } from 'vitest';
import { createRram, memristorDevicesModule, rramDevice, writeVerify } from '../src/index.js';

const quick = { samples: 30_000 };

describeDeviceConformance(rramDevice, [
  { label: '4 bits, proportional c2c, d2d and read noise', values: { bits: 4, rel_prog: 0.03, d2d_rel: 0.05, sigma_read: 0.3e-6, rel_read: 0.01 }, options: quick },
  { label: 'stuck-at faults with read noise', values: { levels: 8, rate_sa0: 0.05, rate_sa1: 0.1, rel_read: 0.02 }, options: quick },
  { label: 'retention loss with device spread, clipped', values: { drift_coeff: 0.1, drift_sigma: 0.05, sigma_read: 0.2e-6 }, options: quick },
  { label: 'ron / roff, large error clipped at 0 S', values: { ron: 20e3, roff: 1e6, sigma_prog: 8e-6, levels: 3 }, options: quick },
  { label: 'fitted polynomial sigma(G)', values: { sigma_prog: 0, prog_c0: 1e-6, prog_c1: 3e-6, prog_c2: -2e-6 }, options: quick },
]);

describe('rram parameters', () => {
  it('takes the range from ron/roff and the levels from bits', () => {
    const device = createRram({ ron: 10e3, roff: 1e6, bits: 3 });
    expect(device.states.maxSiemens).toBeCloseTo(1e-4, 15);
    expect(device.states.minSiemens).toBeCloseTo(1e-6, 15);
    expect(device.states.levels?.length).toBe(8);
  });

  it('refuses contradictory parameters naming them', () => {
    expect(() => createRram({ ron: 10e3, gmax: 1e-4 })).toThrow(/either ron or gmax/);
    expect(() => createRram({ bits: 2, levels: 5 })).toThrow(/bits \(2\) and levels \(5\) disagree/);
    expect(() => createRram({ rate_sa0: 0.6, rate_sa1: 0.6 })).toThrow(/rate_sa0 \+ rate_sa1/);
    expect(() => createRram({ iv_v0: 0.3, iv_a3: -0.25 })).toThrow(/sinh/);
  });

  it('registers through its ContainerModule', () => {
    const registry = loadDeviceRegistry([memristorDevicesModule]);
    expect(registry.names()).toEqual(['pcm', 'rram']);
    expect(registry.create('rram', {}, 'milo2021').states.maxSiemens).toBe(225e-6);
  });
});

describe('rram known values', () => {
  it('Milo fit: programming sigma 4.78 uS - 0.0091 G', () => {
    const device = createRram(rramDevice.presets.find((p) => p.name === 'milo2021')!.values);
    for (const g of [50e-6, 100e-6, 225e-6]) {
      const expected = 4.782321e-6 - 0.009107 * g;
      expect(Math.sqrt(device.moments(g, 1).variance)).toBeCloseTo(expected, 12);
    }
  });

  it('stuck-at faults pull the mean towards gmin and gmax by their rates', () => {
    const device = createRram({ sigma_prog: 0, rate_sa0: 0.1, rate_sa1: 0.2 });
    const m = device.moments(50e-6, 1);
    expect(m.mean).toBeCloseTo(0.7 * 50e-6 + 0.1 * 1e-6 + 0.2 * 100e-6, 15);
  });

  it('retention loses drift_coeff per decade after drift_t0', () => {
    const device = createRram({ sigma_prog: 0, drift_coeff: 0.02, drift_t0: 1 });
    expect(device.moments(50e-6, 0.5).mean).toBe(50e-6);
    expect(device.moments(50e-6, 1e4).mean).toBeCloseTo(50e-6 * (1 - 0.08), 15);
  });

  it('current-voltage: ohmic by default, cubic and sinh agree with G V at low bias', () => {
    expect(createRram().current === undefined).toBe(true);
    const cubic = createRram({ iv_a3: -0.25 });
    expect(cubic.current!(1e-4, 1)).toBeCloseTo(1e-4 * 0.75, 15);
    expect(cubic.current!(1e-4, 1e-4) / 1e-8).toBeCloseTo(1, 7);
    const sinh = createRram({ iv_v0: 0.25 });
    expect(sinh.current!(1e-4, 0.5)).toBeCloseTo(1e-4 * 0.25 * Math.sinh(2), 15);
    expect(sinh.current!(1e-4, 1e-4) / 1e-8).toBeCloseTo(1, 7);
  });
});

describe('write-verify', () => {
  const device = createRram({ gmin: 1e-6, gmax: 100e-6, sigma_prog: 3e-6, d2d_rel: 0.05, sigma_read: 0.2e-6 });
  const targets = new Float64Array(20_000).map((_, i) => 5e-6 + (90e-6 * i) / 20_000);

  it('shrinks the residual error compared with a single pulse', () => {
    const single = writeVerify(device, targets, createRng(1, 'wv'), { toleranceSiemens: 1e-6, maxPulses: 1 });
    const verified = writeVerify(device, targets, createRng(1, 'wv'), { toleranceSiemens: 1e-6, maxPulses: 50 });
    expect(single.summary.meanPulses).toBe(1);
    expect(verified.summary.residualRms).toBeLessThan(single.summary.residualRms / 3);
    expect(verified.summary.convergedFraction).toBeGreaterThan(0.999);
    expect(verified.summary.residualRms).toBeLessThan(1e-6);
  });

  it('costs more pulses as the tolerance tightens', () => {
    const means = [2e-6, 1e-6, 0.5e-6].map(
      (tolerance) => writeVerify(device, targets, createRng(2, 'wv'), { toleranceSiemens: tolerance, maxPulses: 100 }).summary.meanPulses,
    );
    expect(means[0]).toBeLessThan(means[1]);
    expect(means[1]).toBeLessThan(means[2]);
  });

  it('single-pulse write-verify draws from the programming distribution', () => {
    const single = writeVerify(device, new Float64Array(50_000).fill(40e-6), createRng(3), { toleranceSiemens: 0, maxPulses: 1 });
    const expected = Math.sqrt(device.moments(40e-6, 0).variance - device.moments(40e-6, 0).readVariance);
    expect(single.summary.residualRms / expected).toBeCloseTo(1, 1);
  });

  it('cannot fix stuck cells: they spend the whole budget', () => {
    const faulty = createRram({ sigma_prog: 1e-6, rate_sa0: 0.5 });
    const result = writeVerify(faulty, new Float64Array(2000).fill(80e-6), createRng(4), { toleranceSiemens: 1e-6, maxPulses: 7 });
    expect(result.summary.maxPulsesUsed).toBe(7);
    expect(result.summary.convergedFraction).toBeGreaterThan(0.4);
    expect(result.summary.convergedFraction).toBeLessThan(0.6);
    const out = new Float64Array(2000);
    faulty.read(result.cells, 1, createRng(5), out);
    const stuck = out.map((g, i) => (g === 1e-6 ? i : -1)).filter((i) => i >= 0);
    expect(stuck.length).toBeGreaterThan(800);
    for (const i of stuck) {
      expect(result.converged[i]).toBe(0);
      expect(result.pulses[i]).toBe(7);
    }
  });
});
