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
 *
 * Four vectors pass over four rows of G at a time (each loaded conductance serves four vectors);
 * every output still adds the same four-row groups in the same order as the one-vector loop
 * (`multiplyVoltagesByConductancesReference`), so the results are bit-identical.
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
  const fullBatch = batch - (batch % 4);
  for (let i0 = 0; i0 < m; i0 += ROW_BLOCK) {
    const i1 = Math.min(m, i0 + ROW_BLOCK);
    for (let b = 0; b < fullBatch; b += 4) {
      const va = b * vStride + vOffset;
      const vb = va + vStride;
      const vc = vb + vStride;
      const vd = vc + vStride;
      const oa = b * n;
      const ob = oa + n;
      const oc = ob + n;
      const od = oc + n;
      let i = i0;
      for (; i + 3 < i1; i += 4) {
        const a0 = v[va + i], a1 = v[va + i + 1], a2 = v[va + i + 2], a3 = v[va + i + 3];
        const b0 = v[vb + i], b1 = v[vb + i + 1], b2 = v[vb + i + 2], b3 = v[vb + i + 3];
        const c0 = v[vc + i], c1 = v[vc + i + 1], c2 = v[vc + i + 2], c3 = v[vc + i + 3];
        const d0 = v[vd + i], d1 = v[vd + i + 1], d2 = v[vd + i + 2], d3 = v[vd + i + 3];
        // all sixteen voltages zero: nothing to add (a zero term would add an exact zero)
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0 && b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0 && c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0 && d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
        const g0 = i * n;
        const g1 = g0 + n;
        const g2 = g1 + n;
        const g3 = g2 + n;
        for (let j = 0; j < n; j++) {
          const x0 = g[g0 + j], x1 = g[g1 + j], x2 = g[g2 + j], x3 = g[g3 + j];
          out[oa + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
          out[ob + j] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
          out[oc + j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
          out[od + j] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
        }
      }
      for (; i < i1; i++) {
        const gRow = i * n;
        const ai = v[va + i];
        const bi = v[vb + i];
        const ci = v[vc + i];
        const di = v[vd + i];
        for (let j = 0; j < n; j++) {
          const x = g[gRow + j];
          out[oa + j] += ai * x;
          out[ob + j] += bi * x;
          out[oc + j] += ci * x;
          out[od + j] += di * x;
        }
      }
    }
    rowBlockOneVectorAtATime(v, vStride, vOffset, fullBatch, batch, g, n, out, i0, i1);
  }
}

/** The one-vector loop of multiplyVoltagesByConductances, the reference its fast path is tested against. */
export function multiplyVoltagesByConductancesReference(
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
  for (let i0 = 0; i0 < m; i0 += ROW_BLOCK) rowBlockOneVectorAtATime(v, vStride, vOffset, 0, batch, g, n, out, i0, Math.min(m, i0 + ROW_BLOCK));
}

/** Vectors [firstVector, batch) over rows [i0, i1) of G, four rows per pass. */
function rowBlockOneVectorAtATime(v: Float64Array, vStride: number, vOffset: number, firstVector: number, batch: number, g: Float64Array, n: number, out: Float64Array, i0: number, i1: number): void {
  for (let b = firstVector; b < batch; b++) {
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
