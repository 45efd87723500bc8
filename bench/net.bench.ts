/**
 * Networks against ONNX Runtime (onnxruntime-node, CPU, one thread), measured in one run: the
 * ResNet-20 of bench/models (CIFAR shape, batch 64) ideal in xbar against ONNX Runtime's ideal time,
 * and one hardware Monte-Carlo trial (programming, then inference of the 64 images on 256 x 256
 * tiles of a Gaussian-noise device with 8-bit DAC and ADC) against the same time. Medians; xbar on
 * one thread too (the main thread). Also the multiply-accumulate rate of both engines, and of xbar's
 * dense/conv kernel (rowProducts) against the plain loop on a conv-sized product; the ResNet-20 trial
 * with 1 ohm wires; and the example LSTM and transformer models the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HardwareNetwork, type Network, ProgrammedNetwork, crossbarConfig, decodeNpy, gaussianDevice, isWeightNode, networkShapes, runNetwork, shapeSize, tensor } from '@xbar/core';
import { createFastNormalStream } from '@xbar/core/kernels';
import { rowProducts, rowProductsReference, rowProductsScalar } from '../packages/core/src/math/row-products.js';
import { SimdWorkspace } from '../packages/core/src/math/row-products-simd.js';
import { importOnnx, unexportableNodes } from '@xbar/onnx';
import { NormalsBuffer, OnnxRuntimeNetwork, OnnxRuntimeTrial, onnxRuntimeTrialSupport } from '@xbar/onnx/engine';
import * as ort from 'onnxruntime-node';
import { type BenchSection, markdownTable, sig } from './harness.js';

const BATCH = 64;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function medianMs(run: () => unknown, runs: number): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Multiply-accumulates of one sample through the weight layers of a network. */
function macsPerSample(network: Network): number {
  const shapes = networkShapes(network);
  let macs = 0;
  for (const node of network.nodes) {
    if (!isWeightNode(node)) continue;
    const { rows, cols } = node.weights;
    const output = shapes.get(node.output)!;
    // dense: one product per output vector; conv: one per output position (rows = output channels);
    // recurrent: one per time step (its output's first axis)
    const vectors = node.op === 'dense' ? shapeSize(output) / rows : node.op === 'conv2d' ? shapeSize(output.slice(1)) : output[0];
    macs += rows * cols * vectors;
  }
  return macs;
}

/** GMAC/s of rowProducts (WebAssembly SIMD at this size), of its JavaScript kernel and of the plain loop on the first stage's conv product (16 x 144 kernels, 1024 patches). */
function kernelRates(): { blocked: number; scalar: number; plain: number } {
  const [rows, cols, depth] = [16, 1024, 144];
  const a = Float64Array.from({ length: rows * depth }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: cols * depth }, (_, i) => Math.cos(i));
  const out = new Float64Array(rows * cols);
  const rate = (kernel: typeof rowProductsScalar) => {
    const reps = 100;
    kernel(a, rows, b, cols, depth, undefined, out, 0, cols, 1);
    const started = performance.now();
    for (let k = 0; k < reps; k++) kernel(a, rows, b, cols, depth, undefined, out, 0, cols, 1);
    return (rows * cols * depth * reps) / ((performance.now() - started) / 1000) / 1e9;
  };
  return { blocked: rate(rowProducts), scalar: rate(rowProductsScalar), plain: rate(rowProductsReference) };
}

/**
 * GMAC/s of the SIMD kernel with a kept workspace and of the JavaScript kernel on the analytical MSE's
 * largest product shape (64 adjoints x 64 channels of a ResNet-20 conv against its 576 patch rows,
 * over 1024 positions: 2.4 G multiply-adds).
 */
function largeKernelRates(): { simd: number; scalar: number } {
  const [rows, cols, depth] = [4096, 576, 1024];
  const a = Float64Array.from({ length: rows * depth }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: cols * depth }, (_, i) => Math.cos(i));
  const out = new Float64Array(rows * cols);
  const workspace = new SimdWorkspace();
  const rate = (run: () => void) => {
    run();
    const started = performance.now();
    for (let k = 0; k < 3; k++) run();
    return (rows * cols * depth * 3) / ((performance.now() - started) / 1000) / 1e9;
  };
  return {
    simd: rate(() => rowProducts(a, rows, b, cols, depth, undefined, out, 0, cols, 1, workspace)),
    scalar: rate(() => rowProductsScalar(a, rows, b, cols, depth, undefined, out, 0, cols, 1)),
  };
}

/** Millions of float32 standard normals per second from createFastNormalStream (20 M, median of 5). */
async function normalsPerSecond(): Promise<number> {
  const out = new Float32Array(20_000_000);
  const stream = createFastNormalStream(1, 'bench');
  const ms = await medianMs(() => stream.fill(out), 5);
  return out.length / (ms / 1000) / 1e6;
}

/** One network's times, in milliseconds: ONNX Runtime, xbar ideal, one hardware trial (and one with wires). */
interface NetworkTimes {
  readonly nodes: number;
  readonly ortMs: number;
  /** xbar's ideal inference: ONNX Runtime on the exported network where it can run it, else the reference engine. */
  readonly idealMs: number;
  readonly idealEngine: 'onnxruntime' | 'reference';
  /** Exporting the network and creating its ONNX Runtime session, once per network. */
  readonly engineSetupMs?: number;
  /** The float64 reference engine (runNetwork). */
  readonly referenceMs: number;
  /** One hardware trial (programming and inference): on ONNX Runtime where it can run it, else the reference engine. */
  readonly hardwareMs: number;
  readonly hardwareEngine: 'onnxruntime' | 'reference';
  readonly wiredMs?: number;
  /** Of a trial on ONNX Runtime: programming and the session (setup), the batch (run), and its standard normals. */
  readonly trialSetupMs?: number;
  readonly trialRunMs?: number;
  readonly normalsPerBatch?: number;
  /** The same trials on the reference engine (ProgrammedNetwork). */
  readonly referenceHardwareMs: number;
  readonly referenceWiredMs?: number;
  /** Largest |xbar ideal - ONNX Runtime| over the outputs, of both ideal engines. */
  readonly worst: number;
  readonly gmac: number;
}

const device = gaussianDevice.create({ gmin: 1e-6, gmax: 1e-4, sigma_prog: 2e-6, rel_read: 0.01 });
const config = crossbarConfig({ device, rows: 256, cols: 256, dac: { bits: 8 }, adc: { bits: 8 } });
const WIRES = { rowSegmentOhms: 1, columnSegmentOhms: 1, sourceOhms: 0, senseOhms: 0 };

/** Times a model on a batch of `values` (float32, batch first): ONNX Runtime, xbar ideal, one hardware trial, and with `wired` one with 1 ohm wires. */
async function timeNetwork(bytes: Uint8Array, shape: readonly number[], values: Float32Array, withWires: boolean): Promise<NetworkTimes> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', values, [...shape]) };
  const ortMs = await medianMs(() => session.run(feeds), 7);
  const reference = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;

  const network = importOnnx(bytes).network;
  const input = tensor(shape, Float64Array.from(values));
  const referenceMs = await medianMs(() => runNetwork(network, input), 3);
  const [exact] = runNetwork(network, input);
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(exact.data[i] - reference[i]));
  let ideal: Pick<NetworkTimes, 'idealMs' | 'idealEngine' | 'engineSetupMs'> = { idealMs: referenceMs, idealEngine: 'reference' };
  if (unexportableNodes(network).length === 0) {
    const started = performance.now();
    const engine = await OnnxRuntimeNetwork.create(network, { threads: 1 });
    const engineSetupMs = performance.now() - started;
    const [fast] = await engine.run(input);
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(fast.data[i] - reference[i]));
    ideal = { idealMs: await medianMs(() => engine.runFloat32(values, shape), 7), idealEngine: 'onnxruntime', engineSetupMs };
    await engine.release();
  }

  const outputNode = network.nodes.at(-1)!.name;
  let trial = 0;
  /** One trial on the reference engine: programming, then the batch. */
  const referenceTrialMs = (hardware: HardwareNetwork, irDrop: boolean) =>
    medianMs(() => ProgrammedNetwork.program(hardware, 1, trial++, undefined, { irDrop }).run(input).get(outputNode), 1);
  /**
   * One trial on ONNX Runtime: programming, writing and loading the trial's graph (setup), then the
   * batch (run); the trials share their normals' storage, as those of a Monte-Carlo run do.
   */
  const onnxRuntimeTrialMs = async (hardware: HardwareNetwork, irDrop: boolean) => {
    const setups: number[] = [];
    const runs: number[] = [];
    let normalsPerBatch = 0;
    const normals = new NormalsBuffer();
    const totalMs = await medianMs(async () => {
      const started = performance.now();
      const engine = await OnnxRuntimeTrial.create(hardware, 1, trial++, { irDrop, threads: 1, normals });
      const created = performance.now();
      await engine.run(input);
      setups.push(created - started);
      runs.push(performance.now() - created);
      normalsPerBatch = engine.normalsPerSample * shape[0];
      await engine.release();
    }, 3);
    // the first entries are the warm-up's
    return { totalMs, setupMs: median(setups.slice(1)), runMs: median(runs.slice(1)), normalsPerBatch };
  };
  const hardwareOf = (arrays: typeof config) => {
    const hardware = HardwareNetwork.create(network, () => arrays);
    hardware.calibrate(input);
    return hardware;
  };
  const hardware = hardwareOf(config);
  const onOnnxRuntime = onnxRuntimeTrialSupport(hardware).length === 0;
  const referenceHardwareMs = await referenceTrialMs(hardware, false);
  const fast = onOnnxRuntime ? await onnxRuntimeTrialMs(hardware, false) : undefined;
  let wired: Pick<NetworkTimes, 'wiredMs' | 'referenceWiredMs'> = {};
  if (withWires) {
    const wiredHardware = hardwareOf({ ...config, wires: WIRES });
    const referenceWiredMs = await referenceTrialMs(wiredHardware, true);
    const wiredOnOnnxRuntime = onnxRuntimeTrialSupport(wiredHardware, { irDrop: true }).length === 0;
    wired = { referenceWiredMs, wiredMs: wiredOnOnnxRuntime ? (await onnxRuntimeTrialMs(wiredHardware, true)).totalMs : referenceWiredMs };
  }
  const hardwareMs = fast?.totalMs ?? referenceHardwareMs;
  return {
    nodes: network.nodes.length,
    ortMs,
    ...ideal,
    referenceMs,
    hardwareMs,
    hardwareEngine: onOnnxRuntime ? 'onnxruntime' : 'reference',
    ...(fast ? { trialSetupMs: fast.setupMs, trialRunMs: fast.runMs, normalsPerBatch: fast.normalsPerBatch } : {}),
    referenceHardwareMs,
    ...wired,
    worst,
    gmac: (macsPerSample(network) * shape[0]) / 1e9,
  };
}

/** The first BATCH saved inputs of an example model, repeated to fill the batch. */
function exampleInputs(name: string): { bytes: Uint8Array; shape: number[]; values: Float32Array } {
  const folder = join(import.meta.dirname, '..', 'examples', 'models', name);
  const saved = decodeNpy(readFileSync(join(folder, 'inputs.npy')));
  const shape = [BATCH, ...saved.shape.slice(1)];
  const size = shapeSize(shape);
  return { bytes: readFileSync(join(folder, 'model.onnx')), shape, values: Float32Array.from({ length: size }, (_, i) => saved.data[i % saved.data.length]) };
}

const section: BenchSection = {
  id: 'net',
  title: 'Networks against ONNX Runtime: ResNet-20, an LSTM and a transformer encoder',
  async run() {
    const resnetValues = Float32Array.from({ length: BATCH * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37));
    const resnet = await timeNetwork(readFileSync(join(import.meta.dirname, 'models', 'resnet20.onnx')), [BATCH, 3, 32, 32], resnetValues, true);
    const lstmInputs = exampleInputs('fashion-lstm');
    const lstm = await timeNetwork(lstmInputs.bytes, lstmInputs.shape, lstmInputs.values, false);
    const transformerInputs = exampleInputs('fashion-transformer');
    const transformer = await timeNetwork(transformerInputs.bytes, transformerInputs.shape, transformerInputs.values, false);
    const kernels = kernelRates();
    const large = largeKernelRates();
    const normalsRate = await normalsPerSecond();
    const results = {
      net_ideal_vs_onnxruntime_resnet20: Number(sig(resnet.idealMs / resnet.ortMs)),
      net_hw_vs_onnxruntime_resnet20: Number(sig(resnet.hardwareMs / resnet.ortMs)),
      net_ir_vs_onnxruntime_resnet20: Number(sig(resnet.wiredMs! / resnet.ortMs)),
      net_hw_images_per_s_resnet20: Number(sig(BATCH / (resnet.hardwareMs / 1000))),
      net_onnxruntime_ms_resnet20_b64: Number(sig(resnet.ortMs)),
      net_ideal_max_abs_diff_resnet20: Number(sig(resnet.worst, 2)),
      net_onnxruntime_gmac_per_s_resnet20: Number(sig(resnet.gmac / (resnet.ortMs / 1000))),
      net_ideal_gmac_per_s_resnet20: Number(sig(resnet.gmac / (resnet.idealMs / 1000))),
      net_reference_ideal_vs_onnxruntime_resnet20: Number(sig(resnet.referenceMs / resnet.ortMs)),
      net_reference_gmac_per_s_resnet20: Number(sig(resnet.gmac / (resnet.referenceMs / 1000))),
      net_engine_setup_ms_resnet20: Number(sig(resnet.engineSetupMs ?? NaN)),
      net_reference_ideal_vs_onnxruntime_transformer: Number(sig(transformer.referenceMs / transformer.ortMs)),
      net_hw_trial_setup_ms_resnet20: Number(sig(resnet.trialSetupMs ?? NaN)),
      net_hw_trial_run_ms_resnet20: Number(sig(resnet.trialRunMs ?? NaN)),
      net_hw_normals_per_batch_resnet20: Number(sig(resnet.normalsPerBatch ?? NaN)),
      net_fast_normals_m_per_s: Number(sig(normalsRate)),
      net_reference_hw_vs_onnxruntime_resnet20: Number(sig(resnet.referenceHardwareMs / resnet.ortMs)),
      net_reference_ir_vs_onnxruntime_resnet20: Number(sig(resnet.referenceWiredMs! / resnet.ortMs)),
      net_reference_hw_vs_onnxruntime_transformer: Number(sig(transformer.referenceHardwareMs / transformer.ortMs)),
      net_ideal_vs_onnxruntime_lstm: Number(sig(lstm.idealMs / lstm.ortMs)),
      net_hw_vs_onnxruntime_lstm: Number(sig(lstm.hardwareMs / lstm.ortMs)),
      net_onnxruntime_ms_lstm_b64: Number(sig(lstm.ortMs)),
      net_ideal_vs_onnxruntime_transformer: Number(sig(transformer.idealMs / transformer.ortMs)),
      net_hw_vs_onnxruntime_transformer: Number(sig(transformer.hardwareMs / transformer.ortMs)),
      net_onnxruntime_ms_transformer_b64: Number(sig(transformer.ortMs)),
      net_kernel_gmac_per_s_blocked: Number(sig(kernels.blocked)),
      net_kernel_gmac_per_s_scalar: Number(sig(kernels.scalar)),
      net_kernel_gmac_per_s_simd_large: Number(sig(large.simd)),
      net_kernel_gmac_per_s_scalar_large: Number(sig(large.scalar)),
      net_kernel_gmac_per_s_plain_loop: Number(sig(kernels.plain)),
    };
    const trialEngine = (t: NetworkTimes) => (t.hardwareEngine === 'onnxruntime' ? 'on ONNX Runtime' : 'reference engine: ONNX Runtime cannot run this trial');
    const row = (engine: string, ms: number, t: NetworkTimes, withRate = false) => [engine, sig(ms), sig(ms / t.ortMs), sig(BATCH / (ms / 1000)), withRate ? sig(t.gmac / (ms / 1000)) : ''];
    const markdown = [
      `ResNet-20 (bench/models/resnet20.onnx: CIFAR shape, ${resnet.nodes} nodes after folding BatchNorm) on ${BATCH} fixed inputs;`,
      `the example fashion-lstm (LSTM(28 -> 64) over 28 rows, ${lstm.nodes} nodes) and fashion-transformer (7x7 patches, two`,
      `encoder layers, ${transformer.nodes} nodes) on their saved inputs, batch ${BATCH}. ONNX Runtime 1.30 CPU (float32, one`,
      'intra-op thread) against xbar ideal: the network exported to ONNX by xbar (exportOnnx) and run by ONNX Runtime',
      `the same way where it can (OnnxRuntimeNetwork; ${sig(resnet.engineSetupMs ?? NaN)} ms once to export the ResNet-20 and create its session), and xbar's`,
      'float64 reference engine (runNetwork) in the main thread. Hardware: one Monte-Carlo trial, programming and',
      'inference, on 256 x 256 tiles of a Gaussian device (gmin 1 uS, gmax 100 uS, sigma_prog 2 uS, 1 % read noise),',
      '8-bit DAC and ADC (calibrated); "1 ohm wires": the same with 1 ohm row and column segments, every tile solved',
      'as a circuit once per programming (its effective conductance map) then read by matrix products. A trial on ONNX',
      'Runtime (OnnxRuntimeTrial: programming in xbar, the programmed tiles written as ONNX with their DAC, read noise,',
      'ADC and digital sums, a session created, the float32 normals drawn into storage the trials share, the batch run;',
      'one intra-op thread) where it can run it; the reference engine (ProgrammedNetwork) alongside. Medians of 7 (ONNX Runtime, ideal), 3 (xbar',
      'ideal and ONNX Runtime trials) and 1 (reference-engine trials) runs after a warm-up.',
      '',
      markdownTable(
        ['network', 'engine', 'time (ms)', 'over ONNX Runtime', 'images/s', 'GMAC/s'],
        [
          ['ResNet-20', ...row('ONNX Runtime, ideal', resnet.ortMs, resnet, true)],
          ['ResNet-20', ...row(`xbar, ideal (${resnet.idealEngine === 'onnxruntime' ? 'exported, on ONNX Runtime' : 'reference engine'})`, resnet.idealMs, resnet, true)],
          ['ResNet-20', ...row('xbar, ideal, float64 reference engine', resnet.referenceMs, resnet, true)],
          ['ResNet-20', ...row(`xbar, one hardware trial (${trialEngine(resnet)})`, resnet.hardwareMs, resnet)],
          ['ResNet-20', ...row(`xbar, one trial with 1 ohm wires (${trialEngine(resnet)})`, resnet.wiredMs!, resnet)],
          ['ResNet-20', ...row('xbar, one hardware trial, reference engine', resnet.referenceHardwareMs, resnet)],
          ['ResNet-20', ...row('xbar, one trial with 1 ohm wires, reference engine', resnet.referenceWiredMs!, resnet)],
          ['LSTM', ...row('ONNX Runtime, ideal', lstm.ortMs, lstm)],
          ['LSTM', ...row(`xbar, ideal (${lstm.idealEngine === 'onnxruntime' ? 'exported, on ONNX Runtime' : 'reference engine: LSTM layers have no ONNX Runtime form in xbar'})`, lstm.idealMs, lstm)],
          ['LSTM', ...row(`xbar, one hardware trial (${trialEngine(lstm)})`, lstm.hardwareMs, lstm)],
          ['transformer', ...row('ONNX Runtime, ideal', transformer.ortMs, transformer)],
          ['transformer', ...row(`xbar, ideal (${transformer.idealEngine === 'onnxruntime' ? 'exported, on ONNX Runtime' : 'reference engine'})`, transformer.idealMs, transformer)],
          ['transformer', ...row('xbar, ideal, float64 reference engine', transformer.referenceMs, transformer)],
          ['transformer', ...row(`xbar, one hardware trial (${trialEngine(transformer)})`, transformer.hardwareMs, transformer)],
          ['transformer', ...row('xbar, one hardware trial, reference engine', transformer.referenceHardwareMs, transformer)],
        ],
      ),
      '',
      `${sig(resnet.gmac)} GMAC per ResNet-20 batch through the weight layers. xbar's dense/conv kernel (rowProducts, 4 x 4 blocks, WebAssembly SIMD at this size) on the`,
      `first stage's conv product (16 kernels of 144 weights x 1024 patches): ${sig(kernels.blocked)} GMAC/s, against ${sig(kernels.scalar)} for its JavaScript kernel and ${sig(kernels.plain)} for the plain loop (the same bits).`,
      `On the analytical MSE's largest product (4096 x 1024 against 576 x 1024), the SIMD kernel with a kept workspace: ${sig(large.simd)} GMAC/s, the JavaScript kernel ${sig(large.scalar)}.`,
      '',
      `A ResNet-20 trial on ONNX Runtime: ${sig(resnet.trialSetupMs ?? NaN)} ms to program it and create its session, ${sig(resnet.trialRunMs ?? NaN)} ms to run the batch, of which`,
      `${sig((resnet.normalsPerBatch ?? NaN) / 1e6)} M standard normals from createFastNormalStream at ${sig(normalsRate)} M/s (${sig((resnet.normalsPerBatch ?? NaN) / normalsRate / 1000)} ms).`,
      '',
      `xbar's ideal outputs differ from ONNX Runtime's by at most ${sig(resnet.worst, 2)} (ResNet-20), ${sig(lstm.worst, 2)} (LSTM), ${sig(transformer.worst, 2)} (transformer): float32 rounding.`,
      'Targets of issue 14: ideal <= 1.5x, hardware <= 3x ONNX Runtime.',
    ].join('\n');
    return { markdown, results };
  },
};

export default section;
