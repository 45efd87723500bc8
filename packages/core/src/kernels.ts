/**
 * `@xbar/core/kernels`: the numerical kernels core's engines are built from (crossbar and layer
 * products, DAC/ADC steps, im2col and patch gathering, the fast normal stream, the batched diagonal
 * moments), for engines outside core (the ONNX Runtime trial of `@xbar/onnx`) and benchmarks. The
 * public API is `@xbar/core`; these signatures follow the engines that use them.
 */
export * from './mvm/kernels.js';
export * from './mvm/phases.js';
export { type TileConductances, varianceColumns } from './mvm/tile-readout.js';
export * from './periphery/dac.js';
export * from './periphery/adc.js';
export * from './network/geometry.js';
export * from './network/im2col.js';
export * from './network/kernels.js';
export * from './network/eigen.js';
export * from './hardware/patches.js';
export * from './analysis/batched-diagonal.js';
export * from './math/small-floats.js';
export { createFastNormalStream, type FastNormalStream } from './random/fast-normal.js';
