import { Container, ContainerModule } from 'inversify';
import type { DeviceModel } from './contract.js';
import { DeviceRegistry } from './registry.js';

/**
 * The inversify token under which device plugins bind their models. A plugin package exports a
 * `ContainerModule` that binds each of its models with
 * `options.bind(DEVICE_MODEL).toConstantValue(model)` (unnamed bindings: `getAll` returns only those).
 */
export const DEVICE_MODEL: symbol = Symbol.for('xbar.DeviceModel');

/** Wraps a list of models as a plugin module, for packages that need nothing more. */
export function deviceModule(models: readonly DeviceModel[]): ContainerModule {
  return new ContainerModule((options) => {
    for (const model of models) options.bind<DeviceModel>(DEVICE_MODEL).toConstantValue(model);
  });
}

/**
 * Loads plugin modules into a fresh container and builds the registry from every model bound under
 * `DEVICE_MODEL`. Duplicate model names are refused by the registry.
 */
export function loadDeviceRegistry(modules: readonly ContainerModule[]): DeviceRegistry {
  const container = new Container();
  container.loadSync(...modules);
  return registryFromContainer(container);
}

/** Builds the registry from a container that already has the plugin modules loaded. */
export function registryFromContainer(container: Container): DeviceRegistry {
  const models = container.isBound(DEVICE_MODEL) ? container.getAll<DeviceModel>(DEVICE_MODEL) : [];
  return new DeviceRegistry(models);
}
