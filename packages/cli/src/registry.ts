import { type DeviceRegistry, coreDevicesModule, loadDeviceRegistry } from '@xbar/core';

/**
 * The device registry of the CLI: core's built-in models and the device packages that ship with
 * xbar. Plugin packages named in xbar.config.yaml are added by the caller.
 */
export function loadCliRegistry(): DeviceRegistry {
  return loadDeviceRegistry([coreDevicesModule]);
}
