import { type ConstantTensor, OnnxImportError, dimsSize } from './constant.js';

/** ONNX Gather of constants: data indexed along `axis` by `indices` (negative indices count from the end). */
export function gatherConstant(data: ConstantTensor, indices: ConstantTensor, axis: number, where: string): ConstantTensor {
  const axisSize = data.dims[axis];
  const outer = dimsSize(data.dims.slice(0, axis));
  const inner = dimsSize(data.dims.slice(axis + 1));
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  const values = new Float64Array(dimsSize(dims));
  let o = 0;
  for (let before = 0; before < outer; before++) {
    for (const raw of indices.values) {
      const index = raw < 0 ? raw + axisSize : raw;
      if (!(index >= 0 && index < axisSize)) throw new OnnxImportError(`${where}: index ${raw} is out of range for an axis of ${axisSize}`);
      const offset = (before * axisSize + index) * inner;
      for (let i = 0; i < inner; i++) values[o++] = data.values[offset + i];
    }
  }
  return { kind: data.kind, dims, values };
}

/** ONNX Concat of constants along `axis` (negative counts from the end). */
export function concatConstants(parts: readonly ConstantTensor[], axis: number, where: string): ConstantTensor {
  if (parts.length === 0) throw new OnnxImportError(`${where}: nothing to concatenate`);
  const rank = parts[0].dims.length;
  const normalized = axis < 0 ? axis + rank : axis;
  if (!(normalized >= 0 && normalized < rank)) throw new OnnxImportError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  for (const part of parts) {
    if (part.dims.length !== rank || part.dims.some((d, i) => i !== normalized && d !== parts[0].dims[i])) {
      throw new OnnxImportError(`${where}: inputs of dims [${parts[0].dims.join(', ')}] and [${part.dims.join(', ')}] do not concatenate on axis ${axis}`);
    }
  }
  const outer = dimsSize(parts[0].dims.slice(0, normalized));
  const inner = dimsSize(parts[0].dims.slice(normalized + 1));
  const dims = [...parts[0].dims];
  dims[normalized] = parts.reduce((sum, part) => sum + part.dims[normalized], 0);
  const values = new Float64Array(dimsSize(dims));
  let o = 0;
  for (let before = 0; before < outer; before++) {
    for (const part of parts) {
      const chunk = part.dims[normalized] * inner;
      values.set(part.values.subarray(before * chunk, (before + 1) * chunk), o);
      o += chunk;
    }
  }
  return { kind: parts.every((p) => p.kind === 'int') ? 'int' : 'float', dims, values };
}

/** Dims after ONNX Unsqueeze inserting size-1 axes at `axes` (positions in the output, negative from the end). */
export function unsqueezeDims(dims: readonly number[], axes: readonly number[], where: string): number[] {
  const rank = dims.length + axes.length;
  const positions = axes.map((a) => (a < 0 ? a + rank : a));
  if (positions.some((p) => !(p >= 0 && p < rank)) || new Set(positions).size !== positions.length) {
    throw new OnnxImportError(`${where}: axes [${axes.join(', ')}] are out of range or repeated for output rank ${rank}`);
  }
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(positions.includes(i) ? 1 : dims[next++]);
  return out;
}
