import type { ParamSpec } from '@xbar/core';

/** Source of the default programming noise (1 % of gmax, MemSE's default noise). */
const MEMSE_SOURCE = 'Kern et al., "MemSE: Fast MSE Prediction for Noisy Memristor-Based DNN Accelerators", AICAS 2022 (sigma = 0.01 gmax)';

/**
 * Parameters of the `rram` model. Programming error has a cycle-to-cycle part (drawn anew at every
 * programming event: `sigma_prog`, `rel_prog`, the polynomial `prog_c0..prog_c4`) and a
 * device-to-device part (`d2d_rel`: a fixed gain error of each device, the same at every
 * programming of that device). Both are frozen once a cell is programmed; only read noise is drawn
 * fresh at every read. The difference shows in write-verify, which re-draws the cycle-to-cycle part
 * at every pulse while the device's gain error stays (and is corrected by the feedback).
 */
export const RRAM_PARAMS: readonly ParamSpec[] = [
  { name: 'gmin', unit: 'S', default: 1e-6, min: 0, max: 1, doc: 'lowest programmable conductance (HRS); ignored when roff is given' },
  { name: 'gmax', unit: 'S', default: 100e-6, min: 1e-12, max: 1, doc: 'highest programmable conductance (LRS); ignored when ron is given' },
  { name: 'ron', unit: 'ohm', default: 0, min: 0, max: 1e12, doc: 'low-resistance state; if > 0 it sets gmax = 1 / ron (0 = use gmax)' },
  { name: 'roff', unit: 'ohm', default: 0, min: 0, max: 1e15, doc: 'high-resistance state; if > 0 it sets gmin = 1 / roff (0 = use gmin)' },
  {
    name: 'levels',
    unit: '1',
    default: 0,
    min: 0,
    max: 65536,
    integer: true,
    doc: 'number of uniformly spaced levels from gmin to gmax; 0 = continuous',
  },
  { name: 'bits', unit: '1', default: 0, min: 0, max: 16, integer: true, doc: 'bits per cell: if > 0, levels = 2^bits (0 = use levels)' },
  {
    name: 'sigma_prog',
    unit: 'S',
    default: 1e-6,
    min: 0,
    max: 1,
    doc: 'cycle-to-cycle programming error independent of G (standard deviation)',
    source: MEMSE_SOURCE,
  },
  { name: 'rel_prog', unit: '1', default: 0, min: 0, max: 10, doc: 'cycle-to-cycle programming error proportional to the target G (relative std)' },
  {
    name: 'prog_c0',
    unit: 'S',
    default: 0,
    min: -1e-2,
    max: 1e-2,
    doc: 'fitted programming error sigma(r) = c0 + c1 r + c2 r^2 + c3 r^3 + c4 r^4, r = G / gmax (cycle-to-cycle)',
  },
  { name: 'prog_c1', unit: 'S', default: 0, min: -1e-2, max: 1e-2, doc: 'coefficient of r in the fitted programming-error polynomial' },
  { name: 'prog_c2', unit: 'S', default: 0, min: -1e-2, max: 1e-2, doc: 'coefficient of r^2 in the fitted programming-error polynomial' },
  { name: 'prog_c3', unit: 'S', default: 0, min: -1e-2, max: 1e-2, doc: 'coefficient of r^3 in the fitted programming-error polynomial' },
  { name: 'prog_c4', unit: 'S', default: 0, min: -1e-2, max: 1e-2, doc: 'coefficient of r^4 in the fitted programming-error polynomial' },
  {
    name: 'd2d_rel',
    unit: '1',
    default: 0,
    min: 0,
    max: 1,
    doc: 'device-to-device variation: fixed gain error of each device, G (1 + N(0, d2d_rel^2)) (NeuroSim form)',
    source: 'DNN+NeuroSim device-to-device variation model (Peng et al., IEDM 2019)',
  },
  { name: 'sigma_read', unit: 'S', default: 0, min: 0, max: 1, doc: 'read noise independent of G (std), drawn fresh at every read' },
  { name: 'rel_read', unit: '1', default: 0, min: 0, max: 10, doc: 'read noise proportional to the current conductance G(t) (relative std), fresh at every read' },
  { name: 'rate_sa0', unit: '1', default: 0, min: 0, max: 1, doc: 'fraction of cells stuck at gmin (stuck-at-0 / stuck-off faults)' },
  { name: 'rate_sa1', unit: '1', default: 0, min: 0, max: 1, doc: 'fraction of cells stuck at gmax (stuck-at-1 / stuck-on faults)' },
  {
    name: 'drift_coeff',
    unit: '1',
    default: 0,
    min: -1,
    max: 1,
    doc: 'retention loss per decade: G(t) = G_p max(1 - c log10(t / drift_t0), 0) for t > drift_t0, c per device',
  },
  { name: 'drift_sigma', unit: '1', default: 0, min: 0, max: 1, doc: 'device-to-device std of the retention coefficient c (normal, fixed per device)' },
  { name: 'drift_t0', unit: 's', default: 1, min: 1e-9, max: 1e9, doc: 'time after programming at which retention loss starts' },
  { name: 'iv_a2', unit: 'V^-1', default: 0, min: -100, max: 100, doc: 'quadratic I-V term: I = G (V + a2 V^2 + a3 V^3)' },
  { name: 'iv_a3', unit: 'V^-2', default: 0, min: -100, max: 100, doc: 'cubic I-V term: I = G (V + a2 V^2 + a3 V^3)' },
  { name: 'iv_v0', unit: 'V', default: 0, min: 0, max: 100, doc: 'sinh I-V: I = G v0 sinh(V / v0) if > 0 (0 = no sinh term)' },
];
