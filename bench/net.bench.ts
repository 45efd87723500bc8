/**
 * Networks against ONNX Runtime (onnxruntime-node, CPU, one thread), measured in one run: the
 * ResNet-20 of bench/models (CIFAR shape, batch 64) ideal in xbar against ONNX Runtime's ideal time,
 * and one hardware Monte-Carlo trial (programming, then inference of the 64 images on 256 x 256
 * tiles of a Gaussian-noise device with 8-bit DAC and ADC) against the same time. Medians; xbar on
 * one thread too (the main thread). Also the multiply-accumulate rate of both engines, and of xbar's
 * dense/conv kernel (rowProducts) against the plain loop on a conv-sized product. The sequence-model
 * keys (LSTM, transformer) and the 1-ohm-wire trial are not measured: those networks do not import
 * yet, and a wired trial solves every patch as a circuit (hours for this network).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HardwareNetwork, type Network, ProgrammedNetwork, crossbarConfig, gaussianDevice, isWeightNode, networkShapes, runNetwork, shapeSize, tensor } from '@xbar/core';
import { rowProducts, rowProductsReference } from '../packages/core/src/math/row-products.js';
import { importOnnx } from '@xbar/onnx';
import * as ort from 'onnxruntime-node';
import { type BenchSection, markdownTable, sig } from './harness.js';

const BATCH = 64;

async function medianMs(run: () => unknown, runs: number): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Multiply-accumulates of one sample through the weight layers of a network. */
function macsPerSample(network: Network): number {
  const shapes = networkShapes(network);
  let macs = 0;
  for (const node of network.nodes) {
    if (!isWeightNode(node)) continue;
    const { rows, cols } = node.weights;
    const output = shapes.get(node.output)!;
    // dense: one product per output vector; conv: one per output position (rows = output channels)
    const vectors = node.op === 'dense' ? shapeSize(output) / rows : shapeSize(output.slice(1));
    macs += rows * cols * vectors;
  }
  return macs;
}

/** GMAC/s of rowProducts and of the plain loop on the first stage's conv product (16 x 144 kernels, 1024 patches). */
function kernelRates(): { blocked: number; plain: number } {
  const [rows, cols, depth] = [16, 1024, 144];
  const a = Float64Array.from({ length: rows * depth }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: cols * depth }, (_, i) => Math.cos(i));
  const out = new Float64Array(rows * cols);
  const rate = (kernel: typeof rowProducts) => {
    const reps = 100;
    kernel(a, rows, b, cols, depth, undefined, out, 0, cols, 1);
    const started = performance.now();
    for (let k = 0; k < reps; k++) kernel(a, rows, b, cols, depth, undefined, out, 0, cols, 1);
    return (rows * cols * depth * reps) / ((performance.now() - started) / 1000) / 1e9;
  };
  return { blocked: rate(rowProducts), plain: rate(rowProductsReference) };
}

const section: BenchSection = {
  id: 'net',
  title: 'Networks: ResNet-20 against ONNX Runtime',
  async run() {
    const bytes = readFileSync(join(import.meta.dirname, 'models', 'resnet20.onnx'));
    const values = Float32Array.from({ length: BATCH * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37));
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const feeds = { input: new ort.Tensor('float32', values, [BATCH, 3, 32, 32]) };
    const ortMs = await medianMs(() => session.run(feeds), 7);
    const reference = (await session.run(feeds)).logits.data as Float32Array;

    const network = importOnnx(bytes).network;
    const input = tensor([BATCH, 3, 32, 32], Float64Array.from(values));
    const idealMs = await medianMs(() => runNetwork(network, input), 3);
    const [ideal] = runNetwork(network, input);
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(ideal.data[i] - reference[i]));

    const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.01 });
    const config = crossbarConfig({ device, rows: 256, cols: 256, dac: { bits: 8 }, adc: { bits: 8 } });
    const hardware = HardwareNetwork.create(network, () => config);
    hardware.calibrate(input);
    const outputNode = network.nodes.at(-1)!.name;
    let trial = 0;
    const hardwareMs = await medianMs(() => ProgrammedNetwork.program(hardware, 1, trial++).run(input).get(outputNode), 3);

    const gmac = (macsPerSample(network) * BATCH) / 1e9;
    const kernels = kernelRates();
    const results = {
      net_ideal_vs_onnxruntime_resnet20: Number(sig(idealMs / ortMs)),
      net_hw_vs_onnxruntime_resnet20: Number(sig(hardwareMs / ortMs)),
      net_hw_images_per_s_resnet20: Number(sig(BATCH / (hardwareMs / 1000))),
      net_onnxruntime_ms_resnet20_b64: Number(sig(ortMs)),
      net_ideal_max_abs_diff_resnet20: Number(sig(worst, 2)),
      net_onnxruntime_gmac_per_s_resnet20: Number(sig(gmac / (ortMs / 1000))),
      net_ideal_gmac_per_s_resnet20: Number(sig(gmac / (idealMs / 1000))),
      net_kernel_gmac_per_s_blocked: Number(sig(kernels.blocked)),
      net_kernel_gmac_per_s_plain_loop: Number(sig(kernels.plain)),
    };
    const markdown = [
      `ResNet-20 (bench/models/resnet20.onnx: CIFAR shape, ${network.nodes.length} nodes after folding BatchNorm), a batch of ${BATCH}`,
      'fixed inputs; ONNX Runtime 1.30 CPU (float32, one intra-op thread) against xbar in the main thread',
      '(float64). Hardware: one Monte-Carlo trial, programming and inference, on 256 x 256 tiles of a',
      'Gaussian device (gmin 1 uS, gmax 100 uS, sigma_prog 2 uS, 1 % read noise), 8-bit DAC and ADC',
      '(calibrated). Medians of 7 (ONNX Runtime) and 3 (xbar) runs after a warm-up.',
      '',
      markdownTable(
        ['engine', 'time (ms)', 'over ONNX Runtime', 'images/s', 'GMAC/s'],
        [
          ['ONNX Runtime, ideal', sig(ortMs), 1, sig(BATCH / (ortMs / 1000)), sig(gmac / (ortMs / 1000))],
          ['xbar, ideal', sig(idealMs), sig(idealMs / ortMs), sig(BATCH / (idealMs / 1000)), sig(gmac / (idealMs / 1000))],
          ['xbar, one hardware trial', sig(hardwareMs), sig(hardwareMs / ortMs), sig(BATCH / (hardwareMs / 1000)), ''],
        ],
      ),
      '',
      `${sig(gmac)} GMAC per batch through the weight layers. xbar's dense/conv kernel (rowProducts, 4 x 4 blocks) on the`,
      `first stage's conv product (16 kernels of 144 weights x 1024 patches): ${sig(kernels.blocked)} GMAC/s, against ${sig(kernels.plain)} for the plain loop.`,
      '',
      `xbar's ideal logits differ from ONNX Runtime's by at most ${sig(worst, 2)} (float32 rounding).`,
      'Targets of issue 14: ideal <= 1.5x, hardware <= 3x ONNX Runtime.',
    ].join('\n');
    return { markdown, results };
  },
};

export default section;
