import { wireSensitivities } from '../circuit/sensitivity.js';
import type { MomentCache } from '../device/moment-cache.js';
import { type CrossbarLayer, wireResistances } from '../mvm/crossbar-layer.js';
import { rowProducts } from '../math/row-products.js';
import { type CellTerms, cellTerms } from './cell-terms.js';
import type { ErrorSources } from './sources.js';

/**
 * A crossbar layer with wire resistance, to first order in the cells' noise (the `wires` source).
 *
 * Each tile is a linear circuit of its mean conductances (clipped at 0 S, as the circuit solve
 * clips every read): the mean weights are its effective conductance map (the deterministic IR drop,
 * exact), and a cell c that deviates by dG_c moves output o by a_oc dG_c z_c, where z_c = U_c x is
 * the voltage across the cell (in input units: U from one solve per row) and a_oc the cell's share of
 * output o from the adjoint circuit of each column (circuit/sensitivity.ts). So, over the cells'
 * independent deviations (variance s_c^2, programming and read together: the circuit solve of
 * `.mc mode=ir` draws the read noise once per programming),
 *   Cov(y_o, y_o') = sum_c a_oc a_o'c s_c^2 E[z_c^2],
 *   E[z_c^2] = (U_c mu)^2 + sum_i U_ci^2 (var_i + s_in^2),
 * the last sum keeping the diagonal of the input covariance (exact for the DAC noise, independent per
 * row; the off-diagonal part is a product of input and cell variances, second order). Without wires
 * U selects the cell's row and a_oc is the channel gain: the usual per-weight model.
 */
export interface WiredNoise {
  /** Cells of all tiles of the layer. */
  readonly cells: number;
  readonly tiles: readonly WiredTile[];
  /** outputs x cells: a_oc, output units per siemens per input unit across the cell. */
  readonly sensitivity: Float64Array;
  /** Per cell: programming + read variance (S^2). */
  readonly cellVariance: Float64Array;
  /** outputs x cells: a_oc^2 s_c^2. */
  readonly weightedVariance: Float64Array;
}

/** The cell voltages of one tile. */
export interface WiredTile {
  /** First layer input on the tile and how many. */
  readonly rowStart: number;
  readonly rowCount: number;
  /** Index of the tile's first cell among the layer's cells, and its cell count. */
  readonly firstCell: number;
  readonly cellCount: number;
  /** cellCount x rowCount: volts across each cell per volt on each row (U). */
  readonly voltage: Float64Array;
  /** U^2 element-wise. */
  readonly voltageSquared: Float64Array;
}

/**
 * Why the analysis cannot carry a wired layer through its circuit (undefined when it can): recurrent
 * layers, the ADC quantizing partial currents (several row tiles, N-ary digits), drift compensation,
 * nonlinear cells.
 */
export function wiredRefusal(layer: CrossbarLayer, op: string, sources: ErrorSources): string | undefined {
  const { config, tiled, mapping } = layer;
  if (op !== 'dense' && op !== 'conv2d') return `the wired model covers dense and conv layers only, and this is a ${op} layer`;
  if (layer.device.current) return 'its cells are nonlinear (the circuit is solved by Newton iterations, not linearized)';
  if (config.driftCompensation) return 'drift compensation with wires is not modelled';
  const partials = tiled.rowTiles > 1 || mapping.channelGain.length !== layer.outputs;
  if (partials && sources.adc && config.adc.bits > 0) return 'its ADC quantizes partial currents (several row tiles or N-ary digits), which the wired model does not';
  const bytes = wiredModelBytes(layer);
  if (bytes > WIRED_MODEL_MAX_BYTES) return `its wired model would hold ${(bytes / 1e9).toPrecision(3)} GB of cell voltages and sensitivities (more than ${WIRED_MODEL_MAX_BYTES / 2 ** 30} GiB): use smaller arrays`;
  return undefined;
}

/** Largest wired model of one layer (bytes): the cell voltages U and U^2 per row, and the outputs' sensitivities (twice). */
export const WIRED_MODEL_MAX_BYTES = 2 ** 30;

/** Bytes the wired model of `layer` holds: 2 x cells x rows (U, U^2) + 2 x outputs x cells (a, a^2 s^2), in float64. */
function wiredModelBytes(layer: CrossbarLayer): number {
  let doubles = 0;
  let cells = 0;
  for (const tile of layer.tiled.tiles) {
    doubles += 2 * tile.targets.length * tile.rowCount;
    cells += tile.targets.length;
  }
  return 8 * (doubles + 2 * layer.outputs * cells);
}

/**
 * The wired model of `layer` and its mean weights (outputs x inputs, weight units), from each cell's
 * moments under `sources`; `offsets` (siemens, per tile) are added to the cells' means first (the
 * quantization-free cells of error attribution).
 */
export function wiredLayer(
  layer: CrossbarLayer,
  cache: MomentCache,
  sources: ErrorSources,
  offsets?: (tile: number) => Float64Array | undefined,
): { meanWeights: Float64Array; noise: WiredNoise } {
  const { tiled, config } = layer;
  const resistances = wireResistances(config.wires!);
  const outputs = layer.outputs;
  const inputs = layer.inputs;
  const cells = tiled.tiles.reduce((sum, tile) => sum + tile.targets.length, 0);
  const meanWeights = new Float64Array(outputs * inputs);
  const sensitivity = new Float64Array(outputs * cells);
  const cellVariance = new Float64Array(cells);
  const terms: CellTerms = { mean: 0, program: 0, read: 0 };
  const tiles: WiredTile[] = [];
  let firstCell = 0;
  tiled.tiles.forEach((tile, t) => {
    const cellCount = tile.targets.length;
    const conductances = new Float64Array(cellCount);
    const offset = offsets?.(t);
    for (let c = 0; c < cellCount; c++) {
      const cell = cellTerms(cache, tile.targets[c], sources, terms);
      conductances[c] = Math.max(0, cell.mean + (offset ? offset[c] : 0));
      cellVariance[firstCell + c] = cell.program + cell.read;
    }
    const s = wireSensitivities({ rows: tile.rowCount, cols: tile.cols, conductances, resistances });
    for (let k = 0; k < tile.channelGain.length; k++) {
      const o = tile.channelOutput[k];
      const gain = tile.channelGain[k];
      const pos = tile.channelPositive[k];
      const neg = tile.channelNegative[k];
      for (let i = 0; i < tile.rowCount; i++) {
        meanWeights[o * inputs + tile.rowStart + i] += gain * (s.effective[i * tile.cols + pos] - s.effective[i * tile.cols + neg]);
      }
      const row = o * cells + firstCell;
      for (let c = 0; c < cellCount; c++) sensitivity[row + c] += gain * (s.adjoint[pos * cellCount + c] - s.adjoint[neg * cellCount + c]);
    }
    const voltageSquared = new Float64Array(s.cellVoltage.length);
    for (let e = 0; e < voltageSquared.length; e++) voltageSquared[e] = s.cellVoltage[e] * s.cellVoltage[e];
    tiles.push({ rowStart: tile.rowStart, rowCount: tile.rowCount, firstCell, cellCount, voltage: s.cellVoltage, voltageSquared });
    firstCell += cellCount;
  });
  const weightedVariance = new Float64Array(outputs * cells);
  for (let o = 0; o < outputs; o++) {
    for (let c = 0; c < cells; c++) {
      const a = sensitivity[o * cells + c];
      weightedVariance[o * cells + c] = a * a * cellVariance[c];
    }
  }
  return { meanWeights, noise: { cells, tiles, sensitivity, cellVariance, weightedVariance } };
}

/**
 * For one MVM whose inputs have means `mean` and variances `variance` (layer input units), plus the
 * DAC noise `inputNoiseVariance` on every row: each cell's mean voltage z_c = U_c mu (into `voltage`)
 * and its spread sum_i U_ci^2 (var_i + s_in^2) (into `spread`), both of length `noise.cells`.
 */
export function cellVoltages(noise: WiredNoise, mean: Float64Array, variance: Float64Array, inputNoiseVariance: number, voltage: Float64Array, spread: Float64Array): void {
  for (const tile of noise.tiles) {
    const { rowStart, rowCount, firstCell, voltage: U, voltageSquared } = tile;
    for (let c = 0; c < tile.cellCount; c++) {
      const base = c * rowCount;
      let z = 0;
      let w = 0;
      for (let i = 0; i < rowCount; i++) {
        z += U[base + i] * mean[rowStart + i];
        w += voltageSquared[base + i] * (variance[rowStart + i] + inputNoiseVariance);
      }
      voltage[firstCell + c] = z;
      spread[firstCell + c] = w;
    }
  }
}

/** E[z_c^2] = z_c^2 + spread_c of every cell (into `out`) from one MVM's cell voltages and spreads (see cellVoltages). */
export function cellVoltageSecondMoments(voltage: Float64Array, spread: Float64Array, out: Float64Array): void {
  for (let c = 0; c < out.length; c++) out[c] = voltage[c] * voltage[c] + spread[c];
}

/** Per output, sum_c a_oc^2 s_c^2 E[z_c^2] (the cells' noise variance), added into `variance[o * stride]`. */
export function addWiredVariance(noise: WiredNoise, secondMoments: Float64Array, outputs: number, variance: Float64Array, first: number, stride: number): void {
  const { cells, weightedVariance } = noise;
  for (let o = 0; o < outputs; o++) {
    let v = 0;
    for (let c = 0; c < cells; c++) v += weightedVariance[o * cells + c] * secondMoments[c];
    variance[first + o * stride] += v;
  }
}

/**
 * Full mode: the cells' noise covariance of every pair of outputs of a weight node's MVMs at
 * positions p, q (the same cells read at every position), from each position's cell voltages
 * (`voltage[p * cells + c]`, `spread` alike, see cellVoltages):
 *   Cov(y_op, y_o'q) += sum_c a_oc a_o'c s_c^2 (z_c(p) z_c(q) + [p = q] spread_c(p)),
 * the first term one Gram product over the cells, the second per position. The spread between two
 * positions (input covariance x cell variance, second order) is left out. Added into the n x n
 * `covariance` at output elements `element(o, p)`.
 */
export function addWiredCovariance(
  noise: WiredNoise,
  voltage: Float64Array,
  spread: Float64Array,
  outputs: number,
  positions: number,
  covariance: Float64Array,
  n: number,
  element: (o: number, p: number) => number,
): void {
  const { cells, sensitivity, cellVariance } = noise;
  const rows = outputs * positions;
  const scaled = new Float64Array(rows * cells); // row (o, p): a_oc s_c z_c(p)
  for (let o = 0; o < outputs; o++) {
    for (let p = 0; p < positions; p++) {
      const row = (o * positions + p) * cells;
      for (let c = 0; c < cells; c++) scaled[row + c] = sensitivity[o * cells + c] * Math.sqrt(cellVariance[c]) * voltage[p * cells + c];
    }
  }
  const gram = new Float64Array(rows * rows);
  rowProducts(scaled, rows, scaled, rows, cells, undefined, gram, 0, rows, 1);
  for (let r = 0; r < rows; r++) {
    const a = element(Math.floor(r / positions), r % positions);
    for (let t = 0; t < rows; t++) covariance[a * n + element(Math.floor(t / positions), t % positions)] += gram[r * rows + t];
  }
  const weighted = new Float64Array(cells);
  for (let p = 0; p < positions; p++) {
    for (let o = 0; o < outputs; o++) {
      for (let c = 0; c < cells; c++) weighted[c] = sensitivity[o * cells + c] * cellVariance[c] * spread[p * cells + c];
      for (let o2 = 0; o2 < outputs; o2++) {
        let sum = 0;
        for (let c = 0; c < cells; c++) sum += weighted[c] * sensitivity[o2 * cells + c];
        covariance[element(o, p) * n + element(o2, p)] += sum;
      }
    }
  }
}
