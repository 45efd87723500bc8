import { type IdxArray, type Matrix, createRng, decodeIdx, matrix } from '@xbar/core';
import type { IdxFile, OnnxLayer, RandomMatrix, TensorSource } from '@xbar/dsl';
import { OnnxImportError, decodeOnnxModel, decodeTensor } from '@xbar/onnx';
import { runtimeError } from '../errors.js';
import { readBytes, readNpyFile } from './files.js';
import { gunzipIdx } from './idx-gzip.js';

/**
 * The values of a `.weights`, `.inputs` or `.labels` source as a matrix in the netlist's layout:
 * weights are inputs x outputs (rows = input lines), inputs are batch x features, labels one row.
 * Files are read relative to `cwd` (the DSL resolves them against the netlist's folder already).
 * - npy: a vector is one row; more than two axes are flattened after the first.
 * - idx: items [first, first + count) of an IDX file (gzip or raw), each flattened to one row, times gain;
 * - onnx: the initializer; the weight of a Gemm (transB = 1, PyTorch's Linear) is transposed to
 *   inputs x outputs, a MatMul's or a Gemm's with transB = 0 already is.
 * - random: uniform in [-scale, scale] or normal with std `scale`, from createRng(seed, 'netlist-random').
 */
export function loadTensorSource(source: TensorSource, cwd: string): Matrix {
  switch (source.kind) {
    case 'inline':
      return matrix(source.rows, source.cols, source.data);
    case 'npy':
      return loadNpyMatrix(source.path, cwd);
    case 'idx':
      return loadIdxMatrix(source, cwd);
    case 'onnx':
      return loadOnnxInitializer(source, cwd);
    case 'random':
      return randomMatrix(source);
  }
}

/** Class indices of a `.labels` source: every value must be a whole number >= 0. */
export function loadLabels(source: TensorSource, cwd: string, name: string): Int32Array {
  const values = loadTensorSource(source, cwd).data;
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (!(Number.isInteger(values[i]) && values[i] >= 0 && values[i] < 2 ** 31)) {
      throw runtimeError(`.labels '${name}': value ${i} is ${values[i]}; labels are class indices (whole numbers >= 0)`);
    }
    labels[i] = values[i];
  }
  return labels;
}

function loadNpyMatrix(path: string, cwd: string): Matrix {
  const array = readNpyFile(path, cwd);
  const data = Float64Array.from(array.data);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw runtimeError(`${path}: element ${i} is ${data[i]}; values must be finite`);
  if (array.shape.length === 0) return matrix(1, 1, data);
  if (array.shape.length === 1) return matrix(1, array.shape[0], data);
  const rows = array.shape[0];
  return matrix(rows, rows === 0 ? 0 : data.length / rows, data);
}

function loadIdxMatrix(source: IdxFile, cwd: string): Matrix {
  let bytes = readBytes(source.path, cwd);
  try {
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipIdx(bytes, source.path);
  } catch (error) {
    if (error instanceof RangeError) throw runtimeError(error.message);
    throw runtimeError(`${source.path}: not a valid gzip file (${error instanceof Error ? error.message : String(error)})`);
  }
  let idx: IdxArray;
  try {
    idx = decodeIdx(bytes, source.path);
  } catch (error) {
    throw runtimeError(error instanceof Error ? error.message : String(error));
  }
  const items = idx.dims[0];
  const itemSize = idx.dims.slice(1).reduce((a, b) => a * b, 1);
  const count = source.count ?? items - source.first;
  if (source.first >= items || count < 1 || source.first + count > items) {
    throw runtimeError(`${source.path}: items [${source.first}, ${source.first + count}) asked for, the file holds ${items}`);
  }
  const out = matrix(count, itemSize);
  const values = idx.data.subarray(source.first * itemSize, (source.first + count) * itemSize);
  for (let i = 0; i < values.length; i++) out.data[i] = values[i] * source.gain;
  return idx.dims.length === 1 ? matrix(1, count, out.data) : out;
}

function loadOnnxInitializer(source: OnnxLayer, cwd: string): Matrix {
  try {
    const graph = decodeOnnxModel(readBytes(source.path, cwd)).graph;
    const initializer = graph?.initializer.find((t) => t.name === source.layer);
    if (!graph || !initializer) {
      const names = graph?.initializer.map((t) => t.name ?? '').filter((n) => n !== '') ?? [];
      throw runtimeError(`${source.path}: no initializer named '${source.layer}'${names.length ? `; initializers: ${names.join(', ')}` : ''}`);
    }
    const tensor = decodeTensor(initializer, `initializer '${source.layer}'`);
    const dims = tensor.dims;
    if (dims.length === 1) return matrix(1, dims[0], tensor.values);
    if (dims.length !== 2) throw runtimeError(`${source.path}: initializer '${source.layer}' has shape [${dims.join(', ')}]; a .weights source must be a matrix or a vector`);
    const [rows, cols] = dims;
    const user = graph.node.find((node) => node.op_type === 'Gemm' && node.input[1] === source.layer);
    const transB = user?.attribute.find((a) => a.name === 'transB')?.i ?? 0;
    if (user && Number(transB) === 1) return transpose(matrix(rows, cols, tensor.values));
    return matrix(rows, cols, tensor.values);
  } catch (error) {
    if (error instanceof OnnxImportError) throw runtimeError(`${source.path}: ${error.message}`);
    throw error;
  }
}

function randomMatrix(source: RandomMatrix): Matrix {
  const out = matrix(source.rows, source.cols);
  const rng = createRng(source.seed, 'netlist-random');
  if (source.distribution === 'normal') {
    rng.fillNormal(out.data);
    for (let i = 0; i < out.data.length; i++) out.data[i] *= source.scale;
  } else {
    rng.fillUniform(out.data);
    for (let i = 0; i < out.data.length; i++) out.data[i] = (2 * out.data[i] - 1) * source.scale;
  }
  return out;
}

/** The transpose of a matrix (a new one). */
export function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = m.data[r * m.cols + c];
  return out;
}
