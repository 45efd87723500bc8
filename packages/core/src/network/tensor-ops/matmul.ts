import { broadcastShapes } from '../shapes.js';
import { formatShape, shapeSize, tensor } from '../tensor.js';
import type { TensorOp } from './op.js';
import { broadcastStrides, forEachBroadcast } from './strides.js';

/**
 * NumPy matmul of two tensors: a vector operand gets a unit axis (removed again from the result),
 * leading (batch) axes broadcast, each pair of matrices multiplied. Both operands may be activations
 * (attention scores); a constant matrix operand of a plain layer becomes a dense node instead.
 */
export const matmul: TensorOp = {
  arity: [2, 2],
  forward([a, b]) {
    const aShape = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
    const bShape = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
    const [m, k] = aShape.slice(-2);
    const [k2, n] = bShape.slice(-2);
    if (k !== k2) throw new RangeError(`MatMul: ${formatShape(a.shape)} and ${formatShape(b.shape)} do not multiply`);
    const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
    const out = tensor([...batch, m, n]);
    const aStrides = broadcastStrides(aShape.slice(0, -2), batch).map((stride) => stride * m * k);
    const bStrides = broadcastStrides(bShape.slice(0, -2), batch).map((stride) => stride * k * n);
    const product = (aOffset: number, bOffset: number, outOffset: number) => multiplyMatrices(a.data, aOffset, b.data, bOffset, out.data, outOffset, m, k, n);
    if (batch.length === 0) product(0, 0, 0);
    else if (shapeSize(batch) > 0) forEachBroadcast(batch, [aStrides, bStrides], (index, offsets) => product(offsets[0], offsets[1], index * m * n));
    const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
    return { shape, data: out.data };
  },
};

/** out = A B for an m x k and a k x n row-major matrix. */
function multiplyMatrices(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, out: Float64Array, outOffset: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = outOffset + i * n;
    for (let p = 0; p < k; p++) {
      const x = a[aOffset + i * k + p];
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) out[row + j] += x * b[bRow + j];
    }
  }
}

