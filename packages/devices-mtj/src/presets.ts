import type { DevicePreset } from '@xbar/core';
import { MULTI_STATE_CELL_SOURCE } from './params.js';

/**
 * Named MTJ parameter sets. No published fit of the multi-state cell's statistics was found, so the
 * variation, noise and write-error values here are generic (labelled as such); the cell structures
 * follow the cited works.
 */
export const MTJ_PRESETS: readonly DevicePreset[] = [
  {
    name: 'binary',
    doc: 'single junction (2 states): a conventional STT-MRAM bit; generic R_P = 2 kOhm, TMR 150 %',
    source: 'generic (structure only)',
    values: { states: 2 },
  },
  {
    name: 'four-state-series',
    doc: 'GENERIC values: 3 junctions in series (4 states), 2 % d2d variation of R_P and R_AP, 1 % read noise, 1 % write errors',
    source: `generic values; cell structure after ${MULTI_STATE_CELL_SOURCE} and Moureaux et al., arXiv 2604.26979 (4-state MTJs)`,
    values: { states: 4, sigma_rp: 0.02, sigma_rap: 0.02, rel_read: 0.01, write_error: 0.01 },
  },
  {
    name: 'four-state-parallel',
    doc: 'GENERIC values: 3 junctions in parallel (4 states), 2 % d2d variation, 1 % read noise, 1 % write errors',
    source: 'generic values (parallel variant of the multi-state cell)',
    values: { states: 4, parallel: 1, sigma_rp: 0.02, sigma_rap: 0.02, rel_read: 0.01, write_error: 0.01 },
  },
];
