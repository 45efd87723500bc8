import type { DevicePreset } from '@xbar/core';

/** Milo et al.'s linear fit sigma_G = 4.782321 uS - 0.009107 G over 50..225 uS, as r = G / gmax coefficients. */
const MILO_GMAX = 225e-6;

/** Named RRAM parameter sets from published fits. */
export const RRAM_PRESETS: readonly DevicePreset[] = [
  {
    name: 'milo2021',
    doc: 'HfO2 RRAM, 50..225 uS, programming sigma_G = 4.782321 uS - 0.009107 G (IGVVA-100 program-verify algorithm)',
    source:
      'V. Milo et al., "Optimized programming algorithms for multilevel RRAM in hardware neural networks", IEEE IRPS 2021 (Fig. 4 fit as in Sandia CrossSim RRAMMilo)',
    values: { gmin: 50e-6, gmax: MILO_GMAX, sigma_prog: 0, prog_c0: 4.782321e-6, prog_c1: -0.009107 * MILO_GMAX },
  },
  {
    name: 'wan2022',
    doc: 'RRAM of the NeuRRAM chip, 0..40 uS, programming sigma(r) a 4th-order polynomial (fit at 1 s after programming)',
    source:
      'W. Wan et al., "A compute-in-memory chip based on resistive random-access memory", Nature 608, 504-512 (2022) (fit as in IBM aihwkit ReRamWan2022NoiseModel)',
    values: {
      gmin: 0,
      gmax: 40e-6,
      sigma_prog: 0,
      prog_c0: 0.348e-6,
      prog_c1: 16.03e-6,
      prog_c2: -43.853e-6,
      prog_c3: 45.393e-6,
      prog_c4: -16.815e-6,
    },
  },
  {
    name: 'chen2015',
    doc: 'default cell with the stuck-at fault rates measured on a 4 Mb RRAM array: 1.75 % stuck at gmin, 9.04 % stuck at gmax',
    source:
      'C.-Y. Chen et al., "RRAM defect modeling and failure analysis based on march test and a novel squeeze-search scheme", IEEE Trans. Computers 64(1), 180-190 (2015)',
    values: { rate_sa0: 0.0175, rate_sa1: 0.0904 },
  },
];
