// Public API of the IR-drop circuit solver (the assembly and factorization modules stay internal).
export * from './network.js';
export { type LineMode, type NodalLayout, lineModes, nodalLayout } from './layout.js';
export { NotPositiveDefiniteError } from './dense-kernels.js';
export * from './solver.js';
export * from './memory.js';
export * from './newton.js';
export * from './approximate.js';
export * from './spice.js';
export * from './sensitivity.js';
