/**
 * xbar quick start (core API): map a small dense layer onto 64 x 64 crossbar tiles, run it ideal and
 * on noisy programmed devices, and print the output error of a few hardware choices.
 *
 * Run: pnpm example
 */
import { CrossbarLayer, type CrossbarOptions, coreDevicesModule, createRng, crossbarConfig, loadDeviceRegistry, matrix, monteCarloMse } from '@xbar/core';

const registry = loadDeviceRegistry([coreDevicesModule]);

// A 32-output x 100-input layer with Gaussian weights, and 64 input vectors in [-1, 1].
const weights = matrix(32, 100);
createRng(2026, 'weights').fillNormal(weights.data);
const inputs = matrix(64, 100);
createRng(2026, 'inputs').fillUniform(inputs.data);
for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = 2 * inputs.data[i] - 1;

const gmax = 100e-6; // siemens
const configurations: { name: string; options: CrossbarOptions }[] = [
  { name: 'ideal device, ideal periphery', options: { device: registry.create('ideal', { gmax }) } },
  { name: '16-level cells', options: { device: registry.create('ideal', { gmax, levels: 16 }) } },
  { name: 'programming noise 2 uS', options: { device: registry.create('gaussian', { gmax, sigma_prog: 2e-6 }) } },
  { name: '+ read noise 1 uS', options: { device: registry.create('gaussian', { gmax, sigma_prog: 2e-6, sigma_read: 1e-6 }) } },
  {
    name: '+ 8-bit DAC, 6-bit ADC',
    options: { device: registry.create('gaussian', { gmax, sigma_prog: 2e-6, sigma_read: 1e-6 }), dac: { bits: 8 }, adc: { bits: 6 } },
  },
  { name: 'offset mapping, same noise', options: { device: registry.create('gaussian', { gmax, sigma_prog: 2e-6, sigma_read: 1e-6 }), mapping: { scheme: 'offset' } } },
  {
    name: 'N-ary 4 states x 3 cells',
    options: { device: registry.create('ideal', { gmin: 0, gmax, levels: 4 }), mapping: { scheme: 'nary', statesPerCell: 4, cellsPerWeight: 3 } },
  },
];

const exact = CrossbarLayer.create(weights, crossbarConfig({ device: registry.create('ideal', { gmax }) })).idealForward(inputs);
let outputPower = 0;
for (const value of exact.data) outputPower += value * value;
outputPower /= exact.data.length;

console.log(`xbar quick start: a ${weights.rows} x ${weights.cols} layer on 64 x 64 tiles, ${inputs.rows} inputs, 50 Monte-Carlo trials\n`);
const header = ['configuration', 'tiles', 'output MSE', '95% CI', 'SNR (dB)'];
const rows = configurations.map(({ name, options }) => {
  const layer = CrossbarLayer.create(weights, crossbarConfig({ rows: 64, cols: 64, ...options }));
  layer.calibrate(inputs);
  const result = monteCarloMse(layer, inputs, { seed: 1, trials: 50, reference: exact });
  const snr = result.mse > 0 ? (10 * Math.log10(outputPower / result.mse)).toFixed(1) : 'inf';
  return [name, String(layer.tiled.tiles.length), result.mse.toExponential(3), `±${result.ci95.toExponential(1)}`, snr];
});
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
