import type { ParamSpec } from '@xbar/core';

/** Source of the bias-dependence law and of the default TMR and V_h. */
export const PMTJ_COMPACT_MODEL_SOURCE =
  'Y. Zhang, W. Zhao et al., "Compact modeling of perpendicular-anisotropy CoFeB/MgO magnetic tunnel junctions", IEEE Trans. Electron Devices 59(3), 819-826 (2012)';

/** Source of the multi-state series cell. */
export const MULTI_STATE_CELL_SOURCE =
  'P. Rzeszut et al., "Multi-state MRAM cells for hardware neuromorphic computing", Sci. Rep. 12, 7178 (2022)';

/** Parameters of the `mtj` model. */
export const MTJ_PARAMS: readonly ParamSpec[] = [
  {
    name: 'states',
    unit: '1',
    default: 4,
    min: 2,
    max: 65,
    integer: true,
    doc: 'number of states N of the cell; it has N - 1 junctions (R_k = (n - k) R_P + k R_AP in series)',
    source: MULTI_STATE_CELL_SOURCE,
  },
  { name: 'parallel', unit: '1', default: 0, min: 0, max: 1, integer: true, doc: '0 = junctions in series, 1 = junctions in parallel' },
  { name: 'r_p', unit: 'ohm', default: 2e3, min: 1, max: 1e9, doc: 'resistance of one junction in the parallel (low) state at low bias (generic value)' },
  {
    name: 'tmr',
    unit: '1',
    default: 1.5,
    min: 1e-3,
    max: 100,
    doc: 'tunnel magnetoresistance ratio at zero bias, (R_AP - R_P) / R_P',
    source: PMTJ_COMPACT_MODEL_SOURCE,
  },
  {
    name: 'v_half',
    unit: 'V',
    default: 0.5,
    min: 1e-3,
    max: 100,
    doc: 'junction bias at which the TMR halves: TMR(V) = tmr / (1 + (V / v_half)^2)',
    source: PMTJ_COMPACT_MODEL_SOURCE,
  },
  { name: 'sigma_rp', unit: '1', default: 0, min: 0, max: 0.15, doc: 'device-to-device relative std of each junction R_P (fixed per device)' },
  { name: 'sigma_rap', unit: '1', default: 0, min: 0, max: 0.15, doc: 'device-to-device relative std of each junction R_AP (fixed per device)' },
  { name: 'sigma_read', unit: 'S', default: 0, min: 0, max: 1, doc: 'read noise independent of G (std), drawn fresh at every read' },
  { name: 'rel_read', unit: '1', default: 0, min: 0, max: 10, doc: 'read noise proportional to the cell conductance (relative std), fresh at every read' },
  {
    name: 'write_error',
    unit: '1',
    default: 0,
    min: 0,
    max: 1,
    doc: 'probability that a write lands in a neighbouring state (half each side; at an end state the missing side stays put)',
  },
];
