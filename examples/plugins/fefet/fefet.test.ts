import { coreDevicesModule, loadDeviceRegistry } from '@xbar/core';
import { describeDeviceConformance } from '@xbar/core/testing';
import { memristorDevicesModule } from '@xbar/devices-memristor';
import { mtjDevicesModule } from '@xbar/devices-mtj';
import { describe, expect, it } from 'vitest';
import { fefetDevice, fefetDevicesModule } from './index.js';

const registry = loadDeviceRegistry([coreDevicesModule, memristorDevicesModule, mtjDevicesModule, fefetDevicesModule]);

describe('outside device plugin', () => {
  it('is picked up from its ContainerModule next to the core and package modules', () => {
    expect(registry.names()).toEqual(['fefet', 'gaussian', 'ideal', 'mtj', 'pcm', 'rram']);
    expect(registry.get('FeFET')).toBe(fefetDevice);
    expect(registry.create('fefet', {}, 'analog-synapse').states.levels?.length).toBe(32);
  });

  it('validates its parameters through core', () => {
    expect(() => registry.create('fefet', { domains: 0 })).toThrow(/parameter 'domains' of device model 'fefet'/);
  });
});

// The registered model passes the same conformance suite as the built-in ones.
describeDeviceConformance(registry.get('fefet'), [{ label: 'continuous, few domains', values: { levels: 0, domains: 20 }, options: { samples: 30_000 } }]);
