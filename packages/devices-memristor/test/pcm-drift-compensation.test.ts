import { CrossbarLayer, createRng, crossbarConfig, matrix, monteCarloMse } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { pcmDevice } from '../src/index.js';

describe('PCM with core global drift compensation', () => {
  it('cuts the output error after a year of drift and keeps the output scale', () => {
    const weights = matrix(8, 32);
    createRng(1, 'w').fillNormal(weights.data);
    const inputs = matrix(16, 32);
    createRng(1, 'x').fillUniform(inputs.data);
    const year = 365.25 * 86400;
    const device = pcmDevice.create({});
    const plain = CrossbarLayer.create(weights, crossbarConfig({ device, readTimeSeconds: year }));
    const compensated = CrossbarLayer.create(weights, crossbarConfig({ device, readTimeSeconds: year, driftCompensation: true }));
    const exact = plain.idealForward(inputs);
    const plainMse = monteCarloMse(plain, inputs, { seed: 3, trials: 8 });
    const compensatedMse = monteCarloMse(compensated, inputs, { seed: 3, trials: 8 });
    expect(compensatedMse.mse).toBeLessThan(plainMse.mse / 4);

    const y = compensated.program(createRng(5)).forward(inputs, createRng(6));
    const scale = (values: Float64Array) => values.reduce((sum, v) => sum + Math.abs(v), 0);
    expect(scale(y.data) / scale(exact.data)).toBeGreaterThan(0.9);
    expect(scale(y.data) / scale(exact.data)).toBeLessThan(1.1);
  });
});
