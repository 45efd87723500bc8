export { ONNX_PROTO_SUBSET, OnnxAttributeType, OnnxDataType, onnxType } from './schema.js';
export type { OnnxAttribute, OnnxDimension, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model.js';
export { decodeOnnxModel, decodeOnnxTensor, encodeOnnxModel } from './model.js';
export { type ConstantTensor, OnnxImportError, decodeTensor } from './constant.js';
export { type ImportedModel, MAX_OPSET, MIN_OPSET, SUPPORTED_OPS, importOnnx, importOnnxModel } from './import/importer.js';
export { EXPORT_OPSET } from './export/graph-builder.js';
export { OnnxExportError, type UnexportableNode, exportOnnx, unexportableNodes } from './export/exporter.js';
