import type { MappingConfig } from '../crossbar/config.js';
import type { Matrix } from '../tensor/matrix.js';

/**
 * The weight magnitude mapped to the full conductance window, per output row of W: clipFraction x
 * max|W| over the whole layer (`layer`) or over each output's row (`column`: one crossbar column or
 * column group per output). An all-zero row gets scale 1 so its (zero) weights map without dividing by 0.
 */
export function weightScales(weights: Matrix, config: MappingConfig): Float64Array {
  const { rows, cols, data } = weights;
  const scales = new Float64Array(rows);
  let layerMax = 0;
  for (let o = 0; o < rows; o++) {
    let rowMax = 0;
    for (let i = 0; i < cols; i++) rowMax = Math.max(rowMax, Math.abs(data[o * cols + i]));
    if (!Number.isFinite(rowMax)) throw new RangeError(`weight row ${o} holds a non-finite value`);
    scales[o] = rowMax;
    layerMax = Math.max(layerMax, rowMax);
  }
  for (let o = 0; o < rows; o++) {
    const max = config.scale === 'layer' ? layerMax : scales[o];
    scales[o] = max > 0 ? max * config.clipFraction : 1;
  }
  return scales;
}
