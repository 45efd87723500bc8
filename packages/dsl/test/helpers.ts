import {
  type DeviceModel,
  type DeviceRegistry,
  type ParamSpec,
  coreDevicesModule,
  idealDevice,
  loadDeviceRegistry,
  deviceModule,
  requireRelation,
  resolveParams,
} from '@xbar/core';
import { type CheckOptions, type CheckResult, MemorySourceHost, checkNetlistText, renderDiagnostics } from '../src/index.js';

/** A stand-in for the rram plugin (written in parallel elsewhere): declared parameters only. */
const FAKE_RRAM_PARAMS: readonly ParamSpec[] = [
  { name: 'gmin', unit: 'S', default: 1e-6, min: 0, max: 1e-2, doc: 'lowest conductance' },
  { name: 'gmax', unit: 'S', default: 1e-4, min: 1e-9, max: 1e-2, doc: 'highest conductance' },
  { name: 'ron', unit: 'ohm', default: 10e3, min: 1, max: 1e9, doc: 'on resistance' },
  { name: 'nu', unit: '1', default: 0.05, min: 0, max: 1, doc: 'drift exponent' },
  { name: 'levels', unit: '1', default: 0, min: 0, max: 1024, integer: true, doc: 'levels' },
];

export const fakeRram: DeviceModel = {
  name: 'rram',
  summary: 'fake rram for tests',
  params: FAKE_RRAM_PARAMS,
  presets: [{ name: 'wan2022', doc: 'test preset', source: 'test', values: { gmax: 50e-6 } }],
  create(values = {}) {
    const params = resolveParams('rram', FAKE_RRAM_PARAMS, values);
    requireRelation('rram', params.gmin < params.gmax, `gmin (${params.gmin} S) must be below gmax (${params.gmax} S)`, 'gmin');
    return { ...idealDevice.create({ gmin: params.gmin, gmax: params.gmax }), modelName: 'rram', params };
  },
};

/** Core's built-in models plus the fake rram. */
export function testRegistry(): DeviceRegistry {
  return loadDeviceRegistry([coreDevicesModule, deviceModule([fakeRram])]);
}

/** Checks `text` as `main.xbar` with the other `files` in memory. */
export function check(text: string, files: Record<string, string> = {}, options: Partial<CheckOptions> = {}): CheckResult {
  const host = new MemorySourceHost({ ...files, 'main.xbar': text });
  return checkNetlistText(text, { registry: testRegistry(), host, ...options }, 'main.xbar');
}

/** Rendered diagnostics of `check`. */
export function rendered(text: string, files: Record<string, string> = {}): string {
  const result = check(text, files);
  return renderDiagnostics(result.diagnostics, result.sources);
}

/** Codes of the diagnostics of `check`. */
export function codes(text: string, files: Record<string, string> = {}, options: Partial<CheckOptions> = {}): string[] {
  return check(text, files, options).diagnostics.map((d) => d.code);
}
