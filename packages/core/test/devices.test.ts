import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_MODEL,
  DeviceParameterError,
  DeviceRegistry,
  coreDevicesModule,
  createRng,
  gaussianDevice,
  idealDevice,
  loadDeviceRegistry,
  type DeviceModel,
} from '../src/index.js';
import { checkDeviceConformance } from '../src/device/conformance.js';
import { describeDeviceConformance } from '../src/testing/index.js';

describeDeviceConformance(idealDevice, [
  { label: '16 levels', values: { levels: 16 } },
  { label: 'gmin 0', values: { gmin: 0, gmax: 25e-6 } },
]);

describeDeviceConformance(gaussianDevice, [
  { label: 'absolute programming and read noise, continuous', values: { sigma_prog: 2e-6, sigma_read: 0.5e-6 } },
  { label: 'proportional noise on 8 levels', values: { levels: 8, rel_prog: 0.05, rel_read: 0.02, sigma_read: 1e-7 } },
]);

describe('conformance suite', () => {
  it('catches a device whose moments do not match its sampler', () => {
    const honest = gaussianDevice.create({ sigma_prog: 2e-6 });
    const liar = { ...honest, moments: (target: number, time: number) => ({ ...honest.moments(target, time), variance: 1.1 * 4e-12 }) };
    const failures = checkDeviceConformance(liar, { samples: 20_000, times: [1] });
    expect(failures.some((failure) => failure.check === 'variance')).toBe(true);
  });

  it('catches read noise declared as programming noise', () => {
    const honest = gaussianDevice.create({ sigma_read: 2e-6 });
    const liar = { ...honest, moments: (target: number, time: number) => ({ ...honest.moments(target, time), readVariance: 0 }) };
    const failures = checkDeviceConformance(liar, { samples: 20_000, times: [1] });
    expect(failures.some((failure) => failure.check === 'readVariance')).toBe(true);
  });
});

describe('ideal device', () => {
  it('snaps to the nearest of its levels and clips to the range', () => {
    const device = idealDevice.create({ gmin: 0, gmax: 3e-6, levels: 4 });
    const cells = device.program(new Float64Array([-1e-6, 0.4e-6, 0.6e-6, 2.49e-6, 5e-6]), createRng(1));
    const out = new Float64Array(5);
    device.read(cells, 1, createRng(2), out);
    expect(Array.from(out)).toEqual([0, 0, 1e-6, 2e-6, 3e-6]);
  });

  it('refuses gmin >= gmax naming both values', () => {
    expect(() => idealDevice.create({ gmin: 5e-6, gmax: 1e-6 })).toThrow(/gmin \(5e-6 S\) must be below gmax \(0\.000001 S\)|gmin .* must be below gmax/);
  });

  it('refuses an out-of-range value with the range and unit in the message', () => {
    expect(() => idealDevice.create({ gmax: 2 })).toThrow(DeviceParameterError);
    expect(() => idealDevice.create({ gmax: 2 })).toThrow("parameter 'gmax' of device model 'ideal' is 2 S, outside the allowed range [1e-12, 1] S");
  });
});

describe('device registry and plugin container', () => {
  it('registers the core models through their ContainerModule', () => {
    const registry = loadDeviceRegistry([coreDevicesModule]);
    expect(registry.names()).toEqual(['gaussian', 'ideal']);
    expect(registry.get('IDEAL')).toBe(idealDevice);
  });

  it('picks up an outside plugin module bound under DEVICE_MODEL', () => {
    const outside: DeviceModel = { ...idealDevice, name: 'outside-cell' };
    const plugin = new ContainerModule((options) => {
      options.bind<DeviceModel>(DEVICE_MODEL).toConstantValue(outside);
    });
    const registry = loadDeviceRegistry([coreDevicesModule, plugin]);
    expect(registry.names()).toContain('outside-cell');
  });

  it('refuses a duplicate model name', () => {
    const clash = new ContainerModule((options) => {
      options.bind<DeviceModel>(DEVICE_MODEL).toConstantValue({ ...idealDevice, name: 'Ideal' });
    });
    expect(() => loadDeviceRegistry([coreDevicesModule, clash])).toThrow(/already registered/);
  });

  it('lists registered models when a name is unknown, and presets when a preset is', () => {
    const registry = new DeviceRegistry([idealDevice, gaussianDevice]);
    expect(() => registry.get('rram')).toThrow("unknown device model 'rram'; registered models: gaussian, ideal");
    expect(() => registry.create('gaussian', {}, 'nope')).toThrow(/its presets: memse/);
    expect(registry.create('gaussian', {}, 'memse').params.levels).toBe(128);
  });
});
