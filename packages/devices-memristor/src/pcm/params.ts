import type { ParamSpec } from '@xbar/core';

/** Where the PCM defaults come from. */
export const AIHWKIT_PCM_SOURCE =
  "IBM aihwkit PCMLikeNoiseModel (Nandakumar et al., ICECS 2019; Rasch et al., Nat. Commun. 14, 5282, 2023)";

/**
 * Parameters of the `pcm` model. Defaults are the coefficients of aihwkit's PCM-like noise model,
 * converted from microsiemens to siemens.
 */
export const PCM_PARAMS: readonly ParamSpec[] = [
  { name: 'gmin', unit: 'S', default: 0, min: 0, max: 1, doc: 'lowest programmable conductance (aihwkit g_min offset)', source: AIHWKIT_PCM_SOURCE },
  { name: 'gmax', unit: 'S', default: 25e-6, min: 1e-12, max: 1, doc: 'highest programmable conductance g_max (25 uS)', source: AIHWKIT_PCM_SOURCE },
  {
    name: 'levels',
    unit: '1',
    default: 0,
    min: 0,
    max: 65536,
    integer: true,
    doc: 'number of uniformly spaced target levels from gmin to gmax; 0 = continuous',
  },
  {
    name: 'prog_c0',
    unit: 'S',
    default: 0.26348e-6,
    min: -1e-3,
    max: 1e-3,
    doc: 'programming noise sigma(r) = c0 + c1 r + c2 r^2 (r = g_T / gmax), constant term at gmax = prog_gref',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'prog_c1', unit: 'S', default: 1.965e-6, min: -1e-3, max: 1e-3, doc: 'linear coefficient of the programming-noise polynomial', source: AIHWKIT_PCM_SOURCE },
  { name: 'prog_c2', unit: 'S', default: -1.1731e-6, min: -1e-3, max: 1e-3, doc: 'quadratic coefficient of the programming-noise polynomial', source: AIHWKIT_PCM_SOURCE },
  {
    name: 'prog_gref',
    unit: 'S',
    default: 25e-6,
    min: 1e-12,
    max: 1,
    doc: 'gmax at which the programming polynomial was fitted; sigma scales by gmax / prog_gref',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'prog_scale', unit: '1', default: 1, min: 0, max: 100, doc: 'multiplier of the programming noise (aihwkit prog_noise_scale)' },
  {
    name: 'nu_mu_slope',
    unit: '1',
    default: -0.0155,
    min: -1,
    max: 1,
    doc: 'mean drift exponent mu_nu = clip(slope ln r + offset, min, max)',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'nu_mu_offset', unit: '1', default: 0.0244, min: -1, max: 1, doc: 'offset of the mean drift exponent fit', source: AIHWKIT_PCM_SOURCE },
  { name: 'nu_mu_min', unit: '1', default: 0.049, min: 0, max: 1, doc: 'lower clip of the mean drift exponent', source: AIHWKIT_PCM_SOURCE },
  { name: 'nu_mu_max', unit: '1', default: 0.1, min: 0, max: 1, doc: 'upper clip of the mean drift exponent', source: AIHWKIT_PCM_SOURCE },
  {
    name: 'nu_sigma_slope',
    unit: '1',
    default: -0.0125,
    min: -1,
    max: 1,
    doc: 'spread of the drift exponent sigma_nu = clip(slope ln r + offset, min, max)',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'nu_sigma_offset', unit: '1', default: -0.0059, min: -1, max: 1, doc: 'offset of the drift-exponent spread fit', source: AIHWKIT_PCM_SOURCE },
  { name: 'nu_sigma_min', unit: '1', default: 0.008, min: 0, max: 1, doc: 'lower clip of the drift-exponent spread', source: AIHWKIT_PCM_SOURCE },
  { name: 'nu_sigma_max', unit: '1', default: 0.045, min: 0, max: 1, doc: 'upper clip of the drift-exponent spread', source: AIHWKIT_PCM_SOURCE },
  { name: 'drift_scale', unit: '1', default: 1, min: 0, max: 10, doc: 'multiplier of every drift exponent nu (0 = no drift; aihwkit drift_scale)' },
  { name: 't0', unit: 's', default: 20, min: 1e-6, max: 1e6, doc: 'drift reference time: G(t) = G_prog ((t + t0) / t0)^(-nu), t after programming', source: AIHWKIT_PCM_SOURCE },
  {
    name: 'read_q0',
    unit: '1',
    default: 0.0088,
    min: 0,
    max: 10,
    doc: '1/f noise amplitude Q_s = min(q0 / max((G_prog / gmax)^q_exp, 1e-3), q_max)',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'read_q_exp', unit: '1', default: 0.65, min: 0, max: 10, doc: 'exponent of the conductance dependence of Q_s', source: AIHWKIT_PCM_SOURCE },
  { name: 'read_q_max', unit: '1', default: 0.2, min: 0, max: 1000, doc: 'upper clip of Q_s', source: AIHWKIT_PCM_SOURCE },
  {
    name: 't_read',
    unit: 's',
    default: 250e-9,
    min: 1e-15,
    max: 1,
    doc: 'read duration of the 1/f fit: sigma_read = G_drift Q_s sqrt(ln((t + t0 + t_read) / (2 t_read)))',
    source: AIHWKIT_PCM_SOURCE,
  },
  { name: 'read_scale', unit: '1', default: 1, min: 0, max: 100, doc: 'multiplier of the 1/f read noise (aihwkit read_noise_scale)' },
];
