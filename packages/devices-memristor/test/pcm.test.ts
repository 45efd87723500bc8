import { createRng } from '@xbar/core';
import { describeDeviceConformance } from '@xbar/core/testing';
import { describe, expect, it } from 'vitest';
import { driftExponentStats, pcmDevice, pcmPhysics, pcmProgrammingSigma, readNoiseAmplitude } from '../src/index.js';

const quick = { samples: 30_000 };

describeDeviceConformance(pcmDevice, [
  { label: 'gmax 10 uS with gmin, 16 levels', values: { gmin: 1e-6, gmax: 10e-6, levels: 16 }, options: quick },
  { label: 'doubled drift and read noise', values: { drift_scale: 2, read_scale: 2, prog_scale: 0.5 }, options: quick },
  { label: 'no programming noise', values: { prog_scale: 0 }, options: quick },
]);

describe('pcm known values (aihwkit defaults)', () => {
  const physics = pcmPhysics(pcmDevice.create().params);

  it('programming sigma at r = 1 is c0 + c1 + c2 = 1.05538 uS', () => {
    expect(pcmProgrammingSigma(physics, 25e-6)).toBeCloseTo(1.05538e-6, 17);
    expect(pcmProgrammingSigma(physics, 0)).toBeCloseTo(0.26348e-6, 17);
  });

  it('programming sigma scales with gmax / 25 uS', () => {
    const half = pcmPhysics(pcmDevice.create({ gmax: 12.5e-6 }).params);
    expect(pcmProgrammingSigma(half, 12.5e-6)).toBeCloseTo(1.05538e-6 / 2, 17);
  });

  it('drift exponent at r = 0.5: mu_nu = 0.049 (clipped), sigma_nu = 0.008 (clipped)', () => {
    // -0.0155 ln 0.5 + 0.0244 = 0.035144 -> clipped up to 0.049; -0.0125 ln 0.5 - 0.0059 = 0.002764 -> 0.008.
    const at = driftExponentStats(physics, 12.5e-6);
    expect(at.mean).toBe(0.049);
    expect(at.sigma).toBe(0.008);
    // At r = 0.05 the fits are inside the clip ranges: mu = 0.0244 + 0.0155 ln 20 = 0.07083, sigma = -0.0059 + 0.0125 ln 20 = 0.03155.
    const low = driftExponentStats(physics, 1.25e-6);
    expect(low.mean).toBeCloseTo(0.0244 + 0.0155 * Math.log(20), 14);
    expect(low.sigma).toBeCloseTo(-0.0059 + 0.0125 * Math.log(20), 14);
    expect(driftExponentStats(physics, 0).mean).toBe(0.1);
  });

  it('1/f amplitude Q_s: 0.0088 at r = 1, clipped at 0.2 for small G', () => {
    expect(readNoiseAmplitude(physics, 25e-6)).toBeCloseTo(0.0088, 15);
    expect(readNoiseAmplitude(physics, 0.01e-6)).toBe(0.2);
  });

  it('drifts down with time; read noise grows with time', () => {
    const device = pcmDevice.create();
    const early = device.moments(20e-6, 1);
    const late = device.moments(20e-6, 365.25 * 86400);
    expect(late.mean).toBeLessThan(0.6 * early.mean);
    expect(late.readVariance / late.mean ** 2).toBeGreaterThan(early.readVariance / early.mean ** 2);
    expect(device.moments(20e-6, 0).mean).toBeCloseTo(device.moments(20e-6, 0).mean, 20);
  });

  it('global drift compensation: one calibration ratio restores the mean conductance', () => {
    const device = pcmDevice.create();
    const n = 50_000;
    const targets = new Float64Array(n).map((_, i) => (25e-6 * (i + 0.5)) / n);
    const cells = device.program(targets, createRng(7, 'program'));
    const reference = new Float64Array(n);
    const later = new Float64Array(n);
    const year = 365.25 * 86400;
    device.read(cells, 0, createRng(7, 'calibration'), reference);
    device.read(cells, year, createRng(7, 'read'), later);
    const sum = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
    const alpha = sum(reference) / sum(later);
    let uncompensated = 0;
    let compensated = 0;
    for (let i = 0; i < n; i++) {
      uncompensated += (later[i] - targets[i]) ** 2;
      compensated += (alpha * later[i] - targets[i]) ** 2;
    }
    expect(alpha).toBeGreaterThan(1.5);
    expect(compensated).toBeLessThan(0.25 * uncompensated);
    // The analytic ratio of means predicts the calibration factor.
    let meanNow = 0;
    let meanLater = 0;
    for (const g of [2e-6, 8e-6, 14e-6, 20e-6]) {
      meanNow += device.moments(g, 0).mean;
      meanLater += device.moments(g, year).mean;
    }
    expect(meanNow / meanLater).toBeGreaterThan(1.5);
  });
});
