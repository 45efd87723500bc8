import type { DeviceInstance, DeviceModel, DevicePreset } from './contract.js';
import { DeviceParameterError } from './params.js';

/** A device lookup that failed: unknown model or preset. Lists what is registered. */
export class UnknownDeviceError extends Error {
  override readonly name = 'UnknownDeviceError';
}

/**
 * Device models by name. Names are case-insensitive; registering a second model under a name that is
 * taken is refused, so two plugins cannot silently shadow each other.
 */
export class DeviceRegistry {
  private readonly models = new Map<string, DeviceModel>();

  constructor(models: Iterable<DeviceModel> = []) {
    for (const model of models) this.register(model);
  }

  register(model: DeviceModel): void {
    const key = model.name.toLowerCase();
    if (!/^[a-z][a-z0-9_-]*$/.test(key)) {
      throw new Error(`device model name '${model.name}' is not a valid identifier (letters, digits, _ and -)`);
    }
    if (this.models.has(key)) {
      throw new Error(`a device model named '${key}' is already registered; plugin names must be unique`);
    }
    const presetNames = new Set<string>();
    for (const preset of model.presets) {
      if (presetNames.has(preset.name)) {
        throw new Error(`device model '${key}' declares preset '${preset.name}' twice`);
      }
      presetNames.add(preset.name);
    }
    this.models.set(key, model);
  }

  has(name: string): boolean {
    return this.models.has(name.toLowerCase());
  }

  /** The model registered under `name`; throws `UnknownDeviceError` listing the known ones. */
  get(name: string): DeviceModel {
    const model = this.models.get(name.toLowerCase());
    if (!model) {
      throw new UnknownDeviceError(`unknown device model '${name}'; registered models: ${this.names().join(', ') || '(none)'}`);
    }
    return model;
  }

  /** Registered model names, sorted. */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Registered models, sorted by name. */
  list(): DeviceModel[] {
    return this.names().map((name) => this.models.get(name)!);
  }

  /** A preset of a model; throws `UnknownDeviceError` listing the model's presets. */
  preset(modelName: string, presetName: string): DevicePreset {
    const model = this.get(modelName);
    const preset = model.presets.find((p) => p.name === presetName.toLowerCase());
    if (!preset) {
      const known = model.presets.map((p) => p.name).join(', ') || '(none)';
      throw new UnknownDeviceError(`device model '${model.name}' has no preset '${presetName}'; its presets: ${known}`);
    }
    return preset;
  }

  /**
   * Creates an instance of `modelName`, starting from `presetName`'s values if given, then `values`.
   * Parameter problems surface as `DeviceParameterError`.
   */
  create(modelName: string, values: Readonly<Record<string, number>> = {}, presetName?: string): DeviceInstance {
    const model = this.get(modelName);
    const base = presetName ? this.preset(modelName, presetName).values : {};
    return model.create({ ...base, ...values });
  }
}

export { DeviceParameterError };
