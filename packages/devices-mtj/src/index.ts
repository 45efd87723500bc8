/**
 * @xbar/devices-mtj: the multi-state magnetic tunnel junction cell (`mtj`). Load `mtjDevicesModule`
 * into the device container to register it.
 */
import { deviceModule } from '@xbar/core';
import { mtjDevice } from './model.js';

export { mtjDevice, createMtj, type MtjCells } from './model.js';
export { MTJ_PARAMS, MULTI_STATE_CELL_SOURCE, PMTJ_COMPACT_MODEL_SOURCE } from './params.js';
export { MTJ_PRESETS } from './presets.js';
export {
  type MtjCell,
  type StateMoments,
  TRUNCATION_SIGMAS,
  mtjCell,
  nominalLevels,
  nominalConductance,
  seriesResistance,
  stateMoments,
  landingStates,
} from './cell.js';
export { tmrAtBias, antiparallelOhmsAtBias, cellCurrent } from './bias.js';

/** The models of this package. */
export const mtjDeviceModels = [mtjDevice] as const;

/** Plugin module registering `mtj`. */
export const mtjDevicesModule = deviceModule(mtjDeviceModels);
