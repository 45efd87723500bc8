import { type DeviceRegistry, coreDevicesModule, loadDeviceRegistry } from '@xbar/core';
import { memristorDevicesModule } from '@xbar/devices-memristor';
import { mtjDevicesModule } from '@xbar/devices-mtj';

/**
 * The device registry of the CLI: core's built-in models (`ideal`, `gaussian`) and the device packages
 * that ship with xbar (`rram`, `pcm`, `mtj`). Plugin packages named in xbar.config.yaml are added by
 * the caller.
 */
export function loadDefaultRegistry(): DeviceRegistry {
  return loadDeviceRegistry([coreDevicesModule, memristorDevicesModule, mtjDevicesModule]);
}
