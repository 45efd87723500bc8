/**
 * MVM throughput of the crossbar engine: one tile of T x T cells (T/2 outputs on differential pairs),
 * batches of 1 and 256 input vectors, ideal (target conductances, float64) and noisy (a programmed
 * Gaussian device with programming and read noise, read noise drawn fresh for every vector), next to
 * the same product computed by a plain JavaScript triple loop over nested arrays.
 */
import { CrossbarLayer, type Matrix, createRng, crossbarConfig, gaussianDevice, idealDevice, matrix } from '@xbar/core';
import { type BenchSection, markdownTable, sig, timeMedianMs } from './harness.js';

const SIZES = [64, 128, 256, 512, 1024];
const BATCHES = [1, 256];

function randomMatrix(rows: number, cols: number, seed: string): Matrix {
  const m = matrix(rows, cols);
  createRng(seed).fillNormal(m.data);
  return m;
}

/** The product I = V G as a newcomer would write it: nested arrays, three loops. */
function plainTripleLoop(v: number[][], g: number[][]): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < v.length; b++) {
    const row: number[] = [];
    for (let j = 0; j < g[0].length; j++) {
      let sum = 0;
      for (let i = 0; i < g.length; i++) sum += v[b][i] * g[i][j];
      row.push(sum);
    }
    out.push(row);
  }
  return out;
}

function toNested(values: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

const section: BenchSection = {
  id: 'mvm',
  title: 'Crossbar MVM throughput (issue 2)',
  run() {
    const rows: (string | number)[][] = [];
    const results: Record<string, number> = {};
    let worstNoisyRatio = 0;
    for (const size of SIZES) {
      const weights = randomMatrix(size / 2, size, `w${size}`);
      const idealLayer = CrossbarLayer.create(weights, crossbarConfig({ device: idealDevice.create({}), rows: size, cols: size, dac: { inputRange: 4 } }));
      const noisyDevice = gaussianDevice.create({ sigma_prog: 1e-6, sigma_read: 0.5e-6, rel_read: 0.01 });
      const noisyLayer = CrossbarLayer.create(weights, crossbarConfig({ device: noisyDevice, rows: size, cols: size, dac: { inputRange: 4 } }));
      const programmed = noisyLayer.program(createRng(1, 'program'));
      const readRng = createRng(1, 'read');
      const tile = idealLayer.tiled.tiles[0];
      for (const batch of BATCHES) {
        const x = randomMatrix(batch, size, `x${size}-${batch}`);
        const flops = 2 * size * size * batch;
        const minMs = size >= 512 ? 400 : 250;
        const idealMs = timeMedianMs(() => idealLayer.idealForward(x), minMs);
        const noisyMs = timeMedianMs(() => programmed.forward(x, readRng), minMs);
        const nestedV = toNested(x.data, batch, size);
        const nestedG = toNested(tile.targets, tile.rowCount, tile.cols);
        const plainMs = timeMedianMs(() => plainTripleLoop(nestedV, nestedG), minMs, size >= 512 && batch > 1 ? 1 : 3);
        const key = `${size}_b${batch}`;
        const gflops = (ms: number) => flops / (ms * 1e6);
        results[`mvm_gflops_${key}_ideal`] = gflops(idealMs);
        results[`mvm_gflops_${key}_noisy`] = gflops(noisyMs);
        results[`mvm_gflops_${key}_plainjs`] = gflops(plainMs);
        results[`mvm_per_s_${key}_ideal`] = (batch * 1000) / idealMs;
        results[`mvm_per_s_${key}_noisy`] = (batch * 1000) / noisyMs;
        results[`mvm_noisy_over_ideal_${key}`] = noisyMs / idealMs;
        results[`mvm_speedup_vs_plainjs_${key}`] = plainMs / idealMs;
        worstNoisyRatio = Math.max(worstNoisyRatio, noisyMs / idealMs);
        rows.push([
          `${size}x${size}`,
          batch,
          sig(idealMs, 3),
          sig(gflops(idealMs), 3),
          sig((batch * 1000) / idealMs, 3),
          sig(noisyMs, 3),
          sig(gflops(noisyMs), 3),
          sig(noisyMs / idealMs, 2),
          sig(plainMs, 3),
          sig(gflops(plainMs), 3),
          sig(plainMs / idealMs, 2),
        ]);
      }
    }
    results.mvm_noisy_over_ideal_worst = worstNoisyRatio;
    const markdown = [
      'One tile of T x T cells holding T/2 outputs on differential pairs; GFLOP/s counts 2 T^2 per vector.',
      '"ideal": exact float64 MVM through the target conductances; "noisy": a programmed `gaussian` device',
      '(programming and read noise, read noise drawn fresh for every vector through the per-output Gaussian draw);',
      '"plain JS": the same V G product as a triple loop over nested arrays. Ratios are from the same run.',
      '',
      markdownTable(
        ['tile', 'batch', 'ideal ms', 'ideal GFLOP/s', 'ideal MVM/s', 'noisy ms', 'noisy GFLOP/s', 'noisy / ideal', 'plain JS ms', 'plain JS GFLOP/s', 'speedup vs plain JS'],
        rows,
      ),
      '',
      `Worst noisy / ideal time ratio: ${sig(worstNoisyRatio, 2)} (target: within 3x).`,
    ].join('\n');
    return { markdown, results };
  },
};

export default section;
