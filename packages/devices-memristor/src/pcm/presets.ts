import type { DevicePreset } from '@xbar/core';
import { AIHWKIT_PCM_SOURCE } from './params.js';

/** Named PCM parameter sets. */
export const PCM_PRESETS: readonly DevicePreset[] = [
  {
    name: 'aihwkit',
    doc: "aihwkit's PCMLikeNoiseModel defaults: g_max 25 uS, t0 20 s, t_read 250 ns (the model defaults)",
    source: AIHWKIT_PCM_SOURCE,
    values: {},
  },
];
