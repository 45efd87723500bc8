import { deviceModule } from '../device/container.js';
import { gaussianDevice } from './gaussian.js';
import { idealDevice } from './ideal.js';

/** The technology-independent models that ship with core. */
export const builtinDeviceModels = [idealDevice, gaussianDevice] as const;

/** Plugin module registering core's built-in models (`ideal`, `gaussian`). */
export const coreDevicesModule = deviceModule(builtinDeviceModels);
