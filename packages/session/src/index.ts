/**
 * @xbar/session: what it takes to run a netlist, without the CLI. Data files (.npy, IDX, ONNX),
 * checking a netlist with the ONNX models it imports, building its workloads (netlist -> Network ->
 * HardwareNetwork, with the one ADC/DAC calibration policy), the analysis cards' runners (one module
 * per card kind, in one table) and their results as plain tables.
 */
export * from './errors.js';
export * from './registry.js';
export * from './progress.js';
export * from './data/files.js';
export * from './data/idx-gzip.js';
export * from './data/tensor-source.js';
export * from './netlist/load.js';
export * from './build/calibration.js';
export * from './build/design-network.js';
export * from './build/hardware-spec.js';
export * from './build/netlist-network.js';
export * from './build/onnx-network.js';
export * from './build/workload-key.js';
export * from './build/workload.js';
export * from './run/chunks.js';
export * from './run/context.js';
export * from './run/evaluate.js';
export * from './run/hardware-inference.js';
export * from './run/hardware-notes.js';
export * from './run/onnxruntime-inference.js';
export * from './run/ranges.js';
export * from './run/results.js';
export * from './run/run-point.js';
export * from './run/sweep.js';
export * from './run/trial-plan.js';
export * from './run/trial-values.js';
export * from './run/work-bound.js';
export * from './cards/accuracy.js';
export * from './cards/compare.js';
export * from './cards/monte-carlo.js';
export * from './analyse/mse-report.js';
export * from './analyse/mse-sources.js';
export * from './cards/mse.js';
export * from './cards/mvm.js';
export * from './cards/optimize.js';
export * from './cards/card.js';
export * from './cards/registry.js';
export * from './run/netlist-session.js';
export * from './run/in-thread.js';
export * from './run/run-netlist.js';
