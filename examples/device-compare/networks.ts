/**
 * The Fashion-MNIST example networks of examples/models (ResNet-8, LSTM, transformer encoder) on
 * the three devices of drift.xbar, read 1 s, 1 day and 1 year after programming: top-1 accuracy
 * over Monte-Carlo programmings on the first test images.
 *
 *   npx tsx --conditions=@xbar/source examples/device-compare/networks.ts [images] [trials] [network ...]
 *
 * Defaults: 200 images, 3 trials, the three networks. Reads Debian's dataset-fashion-mnist; writes
 * networks.json next to this script and prints the Markdown table of the README.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DeviceInstance, HardwareNetwork, batchSlice, crossbarConfig, decodeIdx, evaluateNetwork, tensor } from '@xbar/core';
import { PCM_PRESETS, pcmDevice, rramDevice } from '@xbar/devices-memristor';
import { MTJ_PRESETS, mtjDevice } from '@xbar/devices-mtj';
import { importOnnx } from '@xbar/onnx';

const HERE = import.meta.dirname;
const FASHION = '/usr/share/datasets/fashion-mnist';
const [images = 200, trials = 3] = process.argv.slice(2, 4).map(Number);
const chosen = process.argv.slice(4);

/** The devices of drift.xbar (the GENERIC values are labelled there). */
const DEVICES: Record<string, DeviceInstance> = {
  rram: rramDevice.create({ drift_coeff: 0.02, drift_sigma: 0.01, rel_read: 0.01 }),
  pcm: pcmDevice.create(PCM_PRESETS.find((preset) => preset.name === 'aihwkit')!.values),
  mtj: mtjDevice.create(MTJ_PRESETS.find((preset) => preset.name === 'four-state-series')!.values),
};
const READ_TIMES: Record<string, number> = { '1 s': 1, '1 day': 86_400, '1 year': 31_536_000 };
const SHAPES: Record<string, readonly number[]> = { 'fashion-resnet': [1, 28, 28], 'fashion-lstm': [28, 28], 'fashion-transformer': [1, 28, 28] };
const NETWORKS = Object.fromEntries(Object.entries(SHAPES).filter(([name]) => chosen.length === 0 || chosen.includes(name)));

const pixels = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'))));
const labels = decodeIdx(gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'))));
const values = Float64Array.from(pixels.data.subarray(0, images * 784), (p) => Math.fround(Math.fround(p) / 255));
const classes = Int32Array.from(labels.data.subarray(0, images));

const results: { network: string; device: string; time: string; ideal: number; mean: number; std: number }[] = [];
for (const [name, shape] of Object.entries(NETWORKS)) {
  const { network } = importOnnx(readFileSync(join(HERE, '..', 'models', name, 'model.onnx')));
  const inputs = tensor([images, ...shape], values);
  for (const [deviceName, device] of Object.entries(DEVICES)) {
    // 64 x 64 arrays, differential mapping, DAC range calibrated on the first 256 inputs, ideal ADC: as drift.xbar
    const hardware = HardwareNetwork.create(network, () => crossbarConfig({ device, rows: 64, cols: 64 }));
    hardware.calibrate(batchSlice(inputs, 0, Math.min(images, 256)));
    for (const [time, seconds] of Object.entries(READ_TIMES)) {
      const evaluation = evaluateNetwork(hardware, inputs, classes, { seed: 1, trials, readTimeSeconds: seconds, batchSize: 100 });
      const accuracy = evaluation.accuracy!;
      results.push({ network: name, device: deviceName, time, ideal: evaluation.idealAccuracy!, mean: accuracy.mean, std: accuracy.std });
      process.stderr.write(`${name} ${deviceName} ${time}: ${(100 * accuracy.mean).toFixed(2)} +- ${(100 * accuracy.std).toFixed(2)} %\n`);
    }
  }
}
const output = join(HERE, 'networks.json');
writeFileSync(`${output}.tmp`, `${JSON.stringify({ images, trials, seed: 1, results }, null, 2)}\n`);
renameSync(`${output}.tmp`, output);

const percent = (x: number) => (100 * x).toFixed(1);
console.log(`| network (ideal) | time | ${Object.keys(DEVICES).join(' | ')} |`);
console.log(`| --- | --- | ${Object.keys(DEVICES).map(() => '---').join(' | ')} |`);
for (const name of Object.keys(NETWORKS)) {
  for (const time of Object.keys(READ_TIMES)) {
    const cells = Object.keys(DEVICES).map((device) => results.find((r) => r.network === name && r.device === device && r.time === time)!);
    console.log(`| ${name} (${percent(cells[0].ideal)}) | ${time} | ${cells.map((r) => `${percent(r.mean)} ± ${percent(r.std)}`).join(' | ')} |`);
  }
}
