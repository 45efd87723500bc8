import { describe, expect, it } from 'vitest';
import { CrossbarLayer, type DacConfig, type DeviceInstance, type Matrix, createRng, crossbarConfig, gaussianDevice, idealDevice, matrix, monteCarloMse, multiplyByTranspose, rowSlice, solveCrossbar } from '../src/index.js';
import { adcStep, convertCurrent, dacStep, quantizeInput } from '../src/kernels.js';
import { maxAbsDifference, randomMatrix } from './helpers.js';
import { sampleMoments } from '../src/testing/statistics.js';


/** The same device without its Gaussian fast path: the engine must then read cell by cell. */
function withoutFastPath(device: DeviceInstance): DeviceInstance {
  const { gaussianRead: _dropped, ...rest } = device;
  return rest;
}

const ideal = idealDevice.create({ gmin: 1e-6, gmax: 100e-6 });

describe('DAC', () => {
  const dac: DacConfig = { bits: 8, range: 'fixed', inputRange: 1, calibrationMargin: 1, readVoltage: 0.2, bitSerial: false, noiseRelative: 0 };
  it('has 2^(b-1) - 1 codes per sign over the input range (aihwkit inp_res = 1/254 of the full range)', () => {
    expect(dacStep(dac)).toBeCloseTo(1 / 127, 15);
    expect(quantizeInput(0.5, dac)).toBeCloseTo(64 / 127, 15);
    expect(quantizeInput(-0.003, dac)).toBe(-0);
    expect(quantizeInput(0.004, dac)).toBeCloseTo(1 / 127, 15);
  });
  it('clips beyond the range and is the identity inside it when ideal', () => {
    expect(quantizeInput(3, dac)).toBe(1);
    expect(quantizeInput(-3, dac)).toBe(-1);
    expect(quantizeInput(0.123456, { ...dac, bits: 0 })).toBe(0.123456);
    expect(quantizeInput(-7, { ...dac, bits: 0 })).toBe(-1);
  });
});

describe('ADC', () => {
  it('rounds to its code size and clips at full scale', () => {
    const adc = { bits: 4, range: 'fixed' as const, rangeAmperes: 7e-6, calibrationMargin: 1, noiseRelative: 0 };
    const step = adcStep(adc, 7e-6);
    expect(step).toBeCloseTo(1e-6, 18);
    expect(convertCurrent(2.4e-6, 7e-6, step)).toBeCloseTo(2e-6, 18);
    expect(convertCurrent(2.6e-6, 7e-6, step)).toBeCloseTo(3e-6, 18);
    expect(convertCurrent(9e-6, 7e-6, step)).toBeCloseTo(7e-6, 18);
    expect(convertCurrent(-9e-6, 7e-6, step)).toBeCloseTo(-7e-6, 18);
    expect(convertCurrent(9e-6, 7e-6, 0)).toBe(9e-6);
  });
});

describe('crossbar MVM', () => {
  const w = randomMatrix(9, 21, 'w', 0.2);
  const x = randomMatrix(6, 21, 'x', 0.3);

  it('a programmed ideal device with ideal periphery reproduces the ideal MVM', () => {
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 8, cols: 8 }));
    const programmed = layer.program(createRng(1));
    const y = programmed.forward(x, createRng(2));
    expect(maxAbsDifference(y.data, multiplyByTranspose(x, w).data)).toBeLessThan(1e-12);
    expect(maxAbsDifference(layer.idealForward(x).data, multiplyByTranspose(x, w).data)).toBeLessThan(1e-12);
  });

  it('applies DAC quantization and clipping to the inputs', () => {
    const dac = { bits: 5, inputRange: 0.5, readVoltage: 0.1 };
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: ideal, dac }));
    const y = layer.program(createRng(1)).forward(x, createRng(2));
    const step = dacStep({ ...layer.config.dac });
    const xq = matrix(x.rows, x.cols, x.data.map((v) => quantizeInput(v, layer.config.dac, step)));
    expect(maxAbsDifference(y.data, multiplyByTranspose(xq, w).data)).toBeLessThan(1e-12);
  });

  it('applies a per-tile ADC to every channel before the digital sum', () => {
    const small = matrix(1, 2, [0.5, -1]);
    const input = matrix(1, 2, [1, 0.26]);
    const adc = { bits: 3, range: 'fixed' as const, rangeAmperes: 30e-6 };
    const layer = CrossbarLayer.create(small, crossbarConfig({ device: idealDevice.create({ gmin: 0, gmax: 100e-6 }), rows: 1, cols: 2, adc, dac: { readVoltage: 0.1 } }));
    // two row tiles: currents 0.1 V * 50 uS = 5 uS*V -> 5e-6 A, and -0.026 V * 100 uS = -2.6e-6 A; ADC step 10 uA
    const y = layer.program(createRng(1)).forward(input, createRng(2));
    const perTile = [convertCurrent(5e-6, 30e-6, 10e-6), convertCurrent(-2.6e-6, 30e-6, 10e-6)];
    const weightPerSiemensVolt = (1 / 100e-6) * (1 / 0.1);
    expect(y.data[0]).toBeCloseTo((perTile[0] + perTile[1]) * weightPerSiemensVolt, 12);
    expect(y.data[0]).toBeCloseTo(1, 12); // the second tile's -0.26 rounds to 0
  });

  it('bit-serial inputs give the bit-parallel result when the ADC is ideal', () => {
    const dac = { bits: 6, inputRange: 1, readVoltage: 0.2 };
    const parallel = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 16, cols: 16, dac }));
    const serial = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 16, cols: 16, dac: { ...dac, bitSerial: true } }));
    const a = parallel.program(createRng(1)).forward(x, createRng(2));
    const b = serial.program(createRng(1)).forward(x, createRng(2));
    expect(maxAbsDifference(a.data, b.data)).toBeLessThan(1e-12);
  });

  it('calibrated ADC ranges never clip the calibration batch', () => {
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 8, cols: 8, adc: { bits: 12, range: 'calibrated' } }));
    layer.calibrateAdc(x);
    const y = layer.program(createRng(1)).forward(x, createRng(2));
    const exact = multiplyByTranspose(x, w);
    // 12-bit quantization of each partial sum, never a clipped one
    expect(maxAbsDifference(y.data, exact.data)).toBeLessThan(0.01 * Math.max(...Array.from(exact.data, Math.abs)));
  });
});

describe('determinism', () => {
  const w = randomMatrix(12, 30, 'w2', 0.2);
  const x = randomMatrix(10, 30, 'x2', 0.5);
  const noisy = gaussianDevice.create({ sigma_prog: 2e-6, sigma_read: 1e-6, rel_read: 0.01 });
  const configs = {
    'Gaussian fast path': crossbarConfig({ device: noisy, rows: 16, cols: 8, dac: { bits: 6, noiseRelative: 0.01 }, adc: { bits: 8, noiseRelative: 0.02 } }),
    'cell-by-cell reads': crossbarConfig({ device: withoutFastPath(noisy), rows: 16, cols: 8, dac: { bits: 6, noiseRelative: 0.01 }, adc: { bits: 8, noiseRelative: 0.02 } }),
    'bit-serial': crossbarConfig({ device: noisy, rows: 16, cols: 8, dac: { bits: 4, bitSerial: true, noiseRelative: 0.01 }, adc: { bits: 8 } }),
  };
  for (const [name, config] of Object.entries(configs)) {
    it(`${name}: same seed gives identical bits, whatever the batch split`, () => {
      const layer = CrossbarLayer.create(w, config);
      const whole = layer.program(createRng(5, 'p')).forward(x, createRng(5, 'r'));
      const again = layer.program(createRng(5, 'p')).forward(x, createRng(5, 'r'));
      expect(Array.from(again.data)).toEqual(Array.from(whole.data));
      const programmed = layer.program(createRng(5, 'p'));
      const readRng = createRng(5, 'r');
      const parts = [rowSlice(x, 0, 3), rowSlice(x, 3, 1), rowSlice(x, 4, 6)].map((part) => programmed.forward(part, readRng));
      const joined = Float64Array.from(parts.flatMap((part) => Array.from(part.data)));
      expect(Array.from(joined)).toEqual(Array.from(whole.data));
      const other = layer.program(createRng(6, 'p')).forward(x, createRng(6, 'r'));
      expect(Array.from(other.data)).not.toEqual(Array.from(whole.data));
    });
  }

  it('Monte-Carlo trials split over runs equal one run', () => {
    const layer = CrossbarLayer.create(w, configs['Gaussian fast path']);
    const all = monteCarloMse(layer, x, { seed: 11, trials: 6 });
    const first = monteCarloMse(layer, x, { seed: 11, trials: 2 });
    const rest = monteCarloMse(layer, x, { seed: 11, trials: 4, firstTrial: 2 });
    expect([...first.trialMse, ...rest.trialMse]).toEqual(Array.from(all.trialMse));
  });
});

describe('read noise drawn per output equals per-device draws in distribution', () => {
  // Read noise only (no programming noise), so every read's output is Gaussian with
  // mean W x and variance sum_i V_i^2 (s_pos,i^2 + s_neg,i^2); compare the two engines and the formula.
  const w = randomMatrix(3, 40, 'w3', 0.5);
  const x = randomMatrix(1, 40, 'x3', 0.8);
  const device = gaussianDevice.create({ sigma_read: 3e-6, rel_read: 0.05 });
  const reads = 20_000;

  function outputSamples(instance: DeviceInstance): Float64Array[] {
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: instance, rows: 16, cols: 4, dac: { inputRange: 5 } }));
    const programmed = layer.program(createRng(3));
    const batch = matrix(reads, 40);
    for (let b = 0; b < reads; b++) batch.data.set(x.data, b * 40);
    const y = programmed.forward(batch, createRng(instance.gaussianRead ? 'fast' : 'slow'));
    return [0, 1, 2].map((o) => Float64Array.from({ length: reads }, (_, b) => y.data[b * 3 + o]));
  }

  it('has the same mean and variance both ways, equal to the analytic values', () => {
    const fast = outputSamples(device);
    const slow = outputSamples(withoutFastPath(device));
    const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows: 16, cols: 4, dac: { inputRange: 5 } }));
    const exact = layer.idealForward(x);
    for (let o = 0; o < 3; o++) {
      // analytic variance in weight units: sum_i x_i^2 sum_{pos,neg} var(G) gain^2
      let variance = 0;
      const gain = layer.mapping.channelGain[o];
      for (let i = 0; i < 40; i++) {
        for (const column of [2 * o, 2 * o + 1]) {
          const g = layer.mapping.targets[i * layer.mapping.columns + column];
          // V = x Vread / inputRange and y = gain I inputRange / Vread: the voltage scale cancels
          variance += x.data[i] ** 2 * gain ** 2 * (9e-12 + (0.05 * g) ** 2);
        }
      }
      for (const samples of [fast, slow]) {
        const m = sampleMoments(samples[o]);
        expect(Math.abs(m.mean - exact.data[o])).toBeLessThan(5 * Math.sqrt(variance / reads));
        expect(Math.abs(m.variance - variance)).toBeLessThan(5 * variance * Math.sqrt(2 / reads));
      }
    }
  });

  it('has the same shape: the quartiles of the standardized outputs agree', () => {
    const fast = outputSamples(device)[1].sort();
    const slow = outputSamples(withoutFastPath(device))[1].sort();
    const spread = Math.sqrt(sampleMoments(slow).variance);
    for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      const index = Math.floor(q * reads);
      // the standard error of a sample quantile is below 2 sigma / sqrt(n) for these quantiles of a normal
      expect(Math.abs(fast[index] - slow[index]) / spread).toBeLessThan(5 * 2 * Math.sqrt(2 / reads));
    }
  });
});

describe('offset mapping: the shared reference column correlates the channels of a tile', () => {
  const w = randomMatrix(2, 24, 'w5', 0.5);
  const x = randomMatrix(1, 24, 'x5', 0.5);
  const device = gaussianDevice.create({ sigma_read: 3e-6 });
  const reads = 20_000;

  function covariance(instance: DeviceInstance): { variance0: number; variance1: number; covariance: number } {
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: instance, rows: 32, cols: 3, mapping: { scheme: 'offset' }, dac: { inputRange: 5 } }));
    const batch = matrix(reads, 24);
    for (let b = 0; b < reads; b++) batch.data.set(x.data, b * 24);
    const y = layer.program(createRng(3)).forward(batch, createRng(instance.gaussianRead ? 'fast' : 'slow'));
    const a = Float64Array.from({ length: reads }, (_, b) => y.data[2 * b]);
    const c = Float64Array.from({ length: reads }, (_, b) => y.data[2 * b + 1]);
    const ma = sampleMoments(a);
    const mc = sampleMoments(c);
    let sum = 0;
    for (let b = 0; b < reads; b++) sum += (a[b] - ma.mean) * (c[b] - mc.mean);
    return { variance0: ma.variance, variance1: mc.variance, covariance: sum / (reads - 1) };
  }

  it('gives the same covariance on the fast path as cell-by-cell, equal to the reference term', () => {
    const fast = covariance(device);
    const slow = covariance(withoutFastPath(device));
    // both channels subtract the same reference read: Cov = gain0 gain1 sum_i x_i^2 s_ref^2 (voltage scale cancels)
    const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows: 32, cols: 3, mapping: { scheme: 'offset' }, dac: { inputRange: 5 } }));
    const [gain0, gain1] = layer.mapping.channelGain;
    const expected = gain0 * gain1 * x.data.reduce((sum, v) => sum + v * v, 0) * 9e-12;
    for (const measured of [fast, slow]) {
      const tolerance = 5 * Math.sqrt((measured.variance0 * measured.variance1 + expected * expected) / reads);
      expect(Math.abs(measured.covariance - expected)).toBeLessThan(tolerance);
    }
    expect(expected).toBeGreaterThan(0.3 * Math.sqrt(fast.variance0 * fast.variance1)); // a strong correlation, not a rounding effect
  });
});

describe('MVM with wire resistance (irDrop)', () => {
  const w = randomMatrix(3, 10, 'w6', 0.5);
  const x = randomMatrix(4, 10, 'x6', 0.4);
  const wires = { rowSegmentOhms: 2, columnSegmentOhms: 3, sourceOhms: 10, senseOhms: 5 };

  it('equals the circuit solve of the tile, channel by channel', () => {
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 16, cols: 8, wires, dac: { inputRange: 2, readVoltage: 0.2 } }));
    const y = layer.program(createRng(1), { irDrop: true }).forward(x, createRng(2));
    const tile = layer.tiled.tiles[0];
    const volts = x.data.map((v) => (v * 0.2) / 2);
    const { currents } = solveCrossbar({ rows: tile.rowCount, cols: tile.cols, conductances: tile.targets, resistances: wires }, volts);
    for (let b = 0; b < x.rows; b++) {
      for (let k = 0; k < 3; k++) {
        const difference = currents[b * tile.cols + tile.channelPositive[k]] - currents[b * tile.cols + tile.channelNegative[k]];
        expect(y.data[b * 3 + tile.channelOutput[k]]).toBeCloseTo(tile.channelGain[k] * difference * (2 / 0.2), 10);
      }
    }
    const plain = layer.program(createRng(1)).forward(x, createRng(2));
    expect(maxAbsDifference(y.data, plain.data)).toBeGreaterThan(1e-3); // the wires matter at these resistances
  });

  it('reproduces the plain MVM with zero resistances, and refuses an array without wires', () => {
    const zero = { rowSegmentOhms: 0, columnSegmentOhms: 0, sourceOhms: 0, senseOhms: 0 };
    const layer = CrossbarLayer.create(w, crossbarConfig({ device: ideal, rows: 4, cols: 4, wires: zero, dac: { inputRange: 2 } }));
    const y = layer.program(createRng(1), { irDrop: true }).forward(x, createRng(2));
    expect(maxAbsDifference(y.data, layer.idealForward(x).data)).toBeLessThan(1e-12);
    const bare = CrossbarLayer.create(w, crossbarConfig({ device: ideal }));
    expect(() => bare.program(createRng(1), { irDrop: true })).toThrow(/wire resistances/);
  });
});

describe('global drift compensation', () => {
  // A test device whose conductance drifts as (t / 20 s)^-0.05 with a little read noise.
  const driftExponent = 0.05;
  const base = gaussianDevice.create({ sigma_read: 0.1e-6 });
  const drifting: DeviceInstance = {
    ...base,
    modelName: 'drifting',
    read(state, t, rng, out) {
      base.read(state, t, rng, out);
      const factor = (Math.max(t, 20) / 20) ** -driftExponent;
      for (let i = 0; i < state.count; i++) out[i] *= factor;
    },
    gaussianRead: undefined,
    moments: (target, time) => base.moments(target, time),
  };

  it('restores the output scale after a year of drift', () => {
    const w = randomMatrix(8, 16, 'w4', 0.3);
    const x = randomMatrix(4, 16, 'x4', 0.5);
    const year = 365.25 * 86400;
    const exact = multiplyByTranspose(x, w);
    const plain = CrossbarLayer.create(w, crossbarConfig({ device: drifting, readTimeSeconds: year, dac: { inputRange: 5 } }));
    const compensated = CrossbarLayer.create(w, crossbarConfig({ device: drifting, readTimeSeconds: year, driftCompensation: true, dac: { inputRange: 5 } }));
    const yPlain = plain.program(createRng(1)).forward(x, createRng(2));
    const yCompensated = compensated.program(createRng(1)).forward(x, createRng(2));
    const decay = (year / 20) ** -driftExponent; // about 0.49
    const ratio = (y: Matrix) => y.data.reduce((s, v) => s + Math.abs(v), 0) / exact.data.reduce((s, v) => s + Math.abs(v), 0);
    expect(ratio(yPlain)).toBeCloseTo(decay, 2);
    expect(ratio(yCompensated)).toBeCloseTo(1, 2);
  });
});
