import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type NpyArray, NpyFormatError, decodeNpy } from '@xbar/core';
import { runtimeError, usageError } from '../exit-codes.js';

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

/** The value of a required option; a usage error when it is missing or empty. */
export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw usageError(`missing required option ${flag}`);
  return value;
}

/** A shape for messages: `(3, 4)`. */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}
