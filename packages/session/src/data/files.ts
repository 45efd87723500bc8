import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Network, type NpyArray, NpyFormatError, type Tensor, decodeNpy, sameShape, tensor } from '@xbar/core';
import { type ImportedModel, OnnxImportError, importOnnx } from '@xbar/onnx';
import { runtimeError } from '../errors.js';

/** The bytes of a file (relative to `cwd`); an unreadable file is a runtime error naming it. */
export function readBytes(path: string, cwd: string): Uint8Array {
  try {
    return readFileSync(resolve(cwd, path));
  } catch (error) {
    throw runtimeError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A .npy file (relative to `cwd`); unreadable or malformed files are runtime errors naming the file. */
export function readNpyFile(path: string, cwd: string): NpyArray {
  const bytes = readBytes(path, cwd);
  try {
    return decodeNpy(bytes);
  } catch (error) {
    if (error instanceof NpyFormatError) throw runtimeError(`${path}: ${error.message}`);
    throw error;
  }
}


/** A shape for messages: `(3, 4)`. */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/**
 * A batch of network inputs from a .npy file: B x the model's input shape, or one sample without the
 * batch axis (`single`). Shapes that do not fit and non-finite values are runtime errors naming the file.
 */
export function readModelInputs(path: string, cwd: string, network: Network, modelPath: string): { batch: Tensor; single: boolean } {
  const input = readNpyFile(path, cwd);
  const single = sameShape(input.shape, network.inputShape);
  if (!single && !(input.shape.length === network.inputShape.length + 1 && sameShape(input.shape.slice(1), network.inputShape))) {
    throw runtimeError(`${path}: inputs of shape ${shapeText(input.shape)} do not fit ${modelPath}, which takes (B, ${network.inputShape.join(', ')})`);
  }
  for (let k = 0; k < input.data.length; k++) {
    if (!Number.isFinite(input.data[k])) throw runtimeError(`${path}: element ${k} is ${input.data[k]}; inputs must be finite`);
  }
  const data = Float64Array.from(input.data);
  const batch = single ? tensor([1, ...input.shape], data) : tensor(input.shape, data);
  if (network.wholeBatch !== undefined && batch.shape[0] !== network.wholeBatch) {
    throw runtimeError(`${path}: ${modelPath} mixes the samples of its batch (its input fixes the batch at ${network.wholeBatch}) and runs on exactly ${network.wholeBatch} inputs at once; ${path} holds ${batch.shape[0]}`);
  }
  return { batch, single };
}

/** An ONNX file imported; unreadable, malformed or unsupported models are runtime errors naming the file. */
export function loadOnnxModel(path: string, cwd: string): ImportedModel {
  const bytes = readBytes(path, cwd);
  try {
    return importOnnx(bytes);
  } catch (error) {
    if (error instanceof OnnxImportError || error instanceof RangeError) throw runtimeError(`${path}: ${error.message}`);
    throw error;
  }
}
