/** An ONNX axis attribute in [-rank, rank) as a non-negative axis, checked. */
import { OnnxImportError } from '../constant.js';

export function normalizeAxis(axis: number, rank: number, where: string): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!(normalized >= 0 && normalized < rank)) throw new OnnxImportError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return normalized;
}
