/**
 * `@xbar/onnx/engine`: networks executed by ONNX Runtime. A subpath of its own so that importing
 * `@xbar/onnx` (the importer and exporter) never loads ONNX Runtime's native library.
 */
export { OnnxRuntimeNetwork, type OnnxRuntimeOptions } from './onnxruntime-network.js';
export { NormalsBuffer, OnnxRuntimeTrial, type OnnxRuntimeTrialOptions, onnxRuntimeTrialSupport } from './onnxruntime-trial.js';
