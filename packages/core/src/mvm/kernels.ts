/**
 * Hot loops of the crossbar MVM on typed arrays: currents I = V G for a batch of voltage vectors.
 *
 * Layout: V is B x M (one input vector per row), G is M x N (row i = input line, column j = output
 * line), I is B x N, all row-major. The loops run over input rows in blocks so that a block of G
 * stays in cache while every vector of the batch passes over it, and four input rows are combined per
 * pass over the output row to cut loads and stores of I by four.
 */

const ROW_BLOCK = 64;

/**
 * out[b, j] (+)= sum_i v[b, i] g[i, j]. When `accumulate` is false `out` is overwritten.
 * `vOffset`/`vStride` select the columns [vOffset, vOffset + m) of a wider input batch.
 */
export function multiplyVoltagesByConductances(
  v: Float64Array,
  vStride: number,
  vOffset: number,
  batch: number,
  g: Float64Array,
  m: number,
  n: number,
  out: Float64Array,
  accumulate = false,
): void {
  if (!accumulate) out.fill(0, 0, batch * n);
  for (let i0 = 0; i0 < m; i0 += ROW_BLOCK) {
    const i1 = Math.min(m, i0 + ROW_BLOCK);
    for (let b = 0; b < batch; b++) {
      const vBase = b * vStride + vOffset;
      const oBase = b * n;
      let i = i0;
      for (; i + 3 < i1; i += 4) {
        const v0 = v[vBase + i];
        const v1 = v[vBase + i + 1];
        const v2 = v[vBase + i + 2];
        const v3 = v[vBase + i + 3];
        if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
        const g0 = i * n;
        const g1 = g0 + n;
        const g2 = g1 + n;
        const g3 = g2 + n;
        for (let j = 0; j < n; j++) {
          out[oBase + j] += v0 * g[g0 + j] + v1 * g[g1 + j] + v2 * g[g2 + j] + v3 * g[g3 + j];
        }
      }
      for (; i < i1; i++) {
        const vi = v[vBase + i];
        if (vi === 0) continue;
        const gRow = i * n;
        for (let j = 0; j < n; j++) out[oBase + j] += vi * g[gRow + j];
      }
    }
  }
}

/**
 * Nonlinear cells on ideal wires: out[b, j] = sum_i current(g[i, j], v[b, i]), each cell seeing its
 * row voltage. `vOffset`/`vStride` as for multiplyVoltagesByConductances. A zero voltage gives no
 * current (every I-V passes through the origin).
 */
export function cellCurrentsOfVoltages(
  v: Float64Array,
  vStride: number,
  vOffset: number,
  batch: number,
  g: Float64Array,
  m: number,
  n: number,
  current: (conductanceSiemens: number, voltage: number) => number,
  out: Float64Array,
): void {
  out.fill(0, 0, batch * n);
  for (let b = 0; b < batch; b++) {
    const vBase = b * vStride + vOffset;
    const oBase = b * n;
    for (let i = 0; i < m; i++) {
      const vi = v[vBase + i];
      if (vi === 0) continue;
      const gRow = i * n;
      for (let j = 0; j < n; j++) out[oBase + j] += current(g[gRow + j], vi);
    }
  }
}
