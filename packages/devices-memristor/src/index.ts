/**
 * @xbar/devices-memristor: device plugins for resistive memories.
 * - `rram`: resistive RAM (multi-level, c2c and d2d programming error, faults, retention, read noise,
 *   nonlinear I-V) and `writeVerify` programming;
 * - `pcm`: phase-change memory, IBM aihwkit's PCM-like model.
 * Load `memristorDevicesModule` into the device container to register both.
 */
import { deviceModule } from '@xbar/core';
import { pcmDevice } from './pcm/model.js';
import { rramDevice } from './rram/model.js';

export { rramDevice, createRram, type RramCells, type RramInstance } from './rram/model.js';
export { RRAM_PARAMS } from './rram/params.js';
export { RRAM_PRESETS } from './rram/presets.js';
export { rramCurrentFunction } from './rram/current-voltage.js';
export {
  type RramPhysics,
  cycleToCycleSigma,
  programmingSigma as rramProgrammingSigma,
  retentionDecades,
} from './rram/physics.js';
export { writeVerify, type WriteVerifyOptions, type WriteVerifyResult, type WriteVerifySummary } from './rram/write-verify.js';

export { pcmDevice, type PcmCells } from './pcm/model.js';
export { PCM_PARAMS, AIHWKIT_PCM_SOURCE } from './pcm/params.js';
export { PCM_PRESETS } from './pcm/presets.js';
export {
  type PcmPhysics,
  type DriftExponentStats,
  pcmPhysics,
  programmingSigma as pcmProgrammingSigma,
  driftExponentStats,
  readNoiseAmplitude,
  readNoiseTimeFactor,
} from './pcm/physics.js';
export { driftFactorMoments, pcmMoments } from './pcm/moments.js';


/** The models of this package. */
export const memristorDeviceModels = [rramDevice, pcmDevice] as const;

/** Plugin module registering `rram` and `pcm`. */
export const memristorDevicesModule = deviceModule(memristorDeviceModels);
