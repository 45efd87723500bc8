import { type CellCurrent, type CrossbarNetwork, type CrossbarResistances, solveNonlinearCrossbar, wiredConductanceMap } from '../circuit/index.js';
import type { CrossbarConfig, WireConfig } from '../crossbar/config.js';
import type { ConductanceStates, DeviceInstance, ProgrammedCells } from '../device/contract.js';
import type { ConductanceMapping } from '../map/conductance-mapping.js';
import { mapWeights, readBackWeights } from '../map/mapping.js';
import { adcStep, validateAdc } from '../periphery/adc.js';
import { validateDac } from '../periphery/dac.js';
import type { Rng } from '../random/rng.js';
import { type Matrix, matrix } from '../tensor/matrix.js';
import { type TiledLayer, tileMapping } from '../tile/tiling.js';
import type { Seconds } from '../units.js';
import { cellCurrentsOfVoltages, multiplyVoltagesByConductances } from './kernels.js';
import { type PhasedInputs, phaseCount, toPhaseVoltages } from './phases.js';
import { type NoiseLayout, type TileCircuit, type TileConductances, type TileReadout, channelVariances, readTiles } from './tile-readout.js';

/** Default reference time for global drift compensation: the PCM model's t0. */
export const DEFAULT_DRIFT_REFERENCE_SECONDS: Seconds = 20;

/**
 * A weight matrix mapped onto crossbar tiles of one device model, with its periphery. Create it once
 * per layer; `idealForward` runs the exact float64 product through the mapped conductances;
 * `program(rng)` draws one programmed instance (one Monte-Carlo trial) to run noisy MVMs on.
 */
export class CrossbarLayer {
  private constructor(
    private currentConfig: CrossbarConfig,
    readonly mapping: ConductanceMapping,
    readonly tiled: TiledLayer,
    /** Full-scale current of each tile's ADC, in amperes (0 where the ADC is ideal). */
    readonly adcRangeAmperes: Float64Array,
  ) {}

  /** Maps `weights` (outputs x inputs) onto tiles as `config` says. */
  static create(weights: Matrix, config: CrossbarConfig): CrossbarLayer {
    validateLayerConfig(config);
    const mapping = mapWeights(weights, config.mapping, config.device.states);
    const tiled = tileMapping(mapping, config.rows, config.cols);
    const layer = new CrossbarLayer(config, mapping, tiled, new Float64Array(tiled.tiles.length));
    layer.setWorstCaseAdcRanges();
    return layer;
  }

  /**
   * The same mapped tiles (targets, channels, ADC ranges as calibrated so far) with another device
   * model over the same conductance states, or another DAC or ADC: what error-source attribution
   * needs to switch parts of the hardware off without remapping the weights.
   */
  reconfigured(changes: {
    readonly device?: DeviceInstance;
    readonly dac?: CrossbarConfig['dac'];
    readonly adc?: CrossbarConfig['adc'];
    readonly wires?: CrossbarConfig['wires'];
  }): CrossbarLayer {
    const config: CrossbarConfig = { ...this.config, ...changes };
    validateLayerConfig(config);
    if (!sameStates(config.device.states, this.config.device.states)) {
      throw new RangeError(`a reconfigured layer keeps its targets: device '${config.device.modelName}' must have the conductance states of '${this.config.device.modelName}'`);
    }
    return new CrossbarLayer(config, this.mapping, this.tiled, Float64Array.from(this.adcRangeAmperes));
  }

  /** The layer's hardware: as created, with the DAC input range of a `calibrated` DAC once calibrated. */
  get config(): CrossbarConfig {
    return this.currentConfig;
  }

  get inputs(): number {
    return this.mapping.inputs;
  }

  get outputs(): number {
    return this.mapping.outputs;
  }

  get device(): DeviceInstance {
    return this.config.device;
  }

  /** The weights the targets represent (after clipping and N-ary quantization): outputs x inputs. */
  mappedWeights(): Matrix {
    return readBackWeights(this.mapping);
  }

  /**
   * Exact float64 MVM through the target conductances of every tile, partial sums added digitally:
   * no device noise, no DAC or ADC. Equals `mappedWeights() x` up to float rounding.
   */
  idealForward(x: Matrix): Matrix {
    this.checkInputs(x);
    const phased: PhasedInputs = { voltages: x.data, vectors: x.rows, phases: 1, scales: new Float64Array([1]) };
    const targets = this.tiled.tiles.map((tile) => ({ mean: tile.targets, channelVariance: undefined }));
    return readTiles(this.tiled, phased, targets, undefined, IDEAL_READOUT);
  }

  /**
   * Draws one programmed instance of every tile from `rng` (one Monte-Carlo trial). With
   * `irDrop`, its MVMs solve every tile as a circuit with the configured wire resistances.
   */
  program(rng: Rng, options: ProgramOptions = {}): ProgrammedCrossbar {
    if (options.irDrop && !this.config.wires) {
      throw new RangeError('IR drop needs the wire resistances of the array (CrossbarConfig.wires): none are set');
    }
    const cells = this.tiled.tiles.map((tile) => this.config.device.program(tile.targets, rng));
    return new ProgrammedCrossbar(this, cells, options.irDrop ?? false);
  }

  /** Calibrates a `calibrated` DAC, then a `calibrated` ADC, on the batch `x` (B x inputs). */
  calibrate(x: Matrix): void {
    this.checkInputs(x);
    let largest = 0;
    for (let k = 0; k < x.data.length; k++) largest = Math.max(largest, Math.abs(x.data[k]));
    this.calibrateDac(largest);
    this.calibrateAdc(x);
  }

  /**
   * Sets the input range of a `calibrated` DAC to `largestInput` (the largest |input| of a calibration
   * batch) times its calibration margin; a fixed DAC, or a largest input of 0, keeps its range.
   * Calibrate the DAC before the ADC: the currents the ADC sees scale with 1 / inputRange.
   */
  calibrateDac(largestInput: number): void {
    const { dac } = this.currentConfig;
    if (dac.range !== 'calibrated' || !(largestInput > 0 && Number.isFinite(largestInput))) return;
    const config: CrossbarConfig = { ...this.currentConfig, dac: { ...dac, inputRange: largestInput * dac.calibrationMargin } };
    validateLayerConfig(config);
    this.currentConfig = config;
  }

  /**
   * Sets each tile's ADC range (for `calibrated` ADCs) to the largest |channel current| of the ideal
   * conductances over a calibration batch, times the calibration margin. Without calibration the
   * range is the worst case, Vread * sum_i |G_pos - G_neg|, which never clips.
   */
  calibrateAdc(x: Matrix): void {
    this.checkInputs(x);
    if (this.config.adc.range !== 'calibrated') return;
    const phased = toPhaseVoltages(x, this.config.dac);
    const current = this.config.device.current?.bind(this.config.device);
    this.tiled.tiles.forEach((tile, t) => {
      const currents = new Float64Array(phased.vectors * phased.phases * tile.cols);
      const vectors = phased.vectors * phased.phases;
      if (current) cellCurrentsOfVoltages(phased.voltages, this.inputs, tile.rowStart, vectors, tile.targets, tile.rowCount, tile.cols, current, currents);
      else multiplyVoltagesByConductances(phased.voltages, this.inputs, tile.rowStart, vectors, tile.targets, tile.rowCount, tile.cols, currents);
      let largest = 0;
      for (let v = 0; v < phased.vectors * phased.phases; v++) {
        for (let k = 0; k < tile.channelGain.length; k++) {
          largest = Math.max(largest, Math.abs(currents[v * tile.cols + tile.channelPositive[k]] - currents[v * tile.cols + tile.channelNegative[k]]));
        }
      }
      this.adcRangeAmperes[t] = largest > 0 ? largest * this.config.adc.calibrationMargin : this.adcRangeAmperes[t];
    });
  }

  private setWorstCaseAdcRanges(): void {
    const { adc, dac, device } = this.config;
    // The current of a cell under the full read voltage (ohmic: G Vread).
    const fullScaleCurrent = (g: number) => (device.current ? device.current(g, dac.readVoltage) : g * dac.readVoltage);
    this.tiled.tiles.forEach((tile, t) => {
      if (adc.range === 'fixed') {
        this.adcRangeAmperes[t] = adc.rangeAmperes;
        return;
      }
      let largest = 0;
      for (let k = 0; k < tile.channelGain.length; k++) {
        let sum = 0;
        for (let i = 0; i < tile.rowCount; i++) {
          sum += Math.abs(fullScaleCurrent(tile.targets[i * tile.cols + tile.channelPositive[k]]) - fullScaleCurrent(tile.targets[i * tile.cols + tile.channelNegative[k]]));
        }
        largest = Math.max(largest, sum);
      }
      this.adcRangeAmperes[t] = largest > 0 ? largest * adc.calibrationMargin : fullScaleCurrent(device.states.maxSiemens);
    });
  }

  /** @internal */
  checkInputs(x: Matrix): void {
    if (x.cols !== this.inputs) throw new RangeError(`the layer has ${this.inputs} inputs, the batch has vectors of ${x.cols}`);
  }
}

function validateLayerConfig(config: CrossbarConfig): void {
  validateDac(config.dac);
  validateAdc(config.adc);
  if (!(config.readTimeSeconds >= 0 && Number.isFinite(config.readTimeSeconds))) {
    throw new RangeError(`read time must be a finite number of seconds >= 0, got ${config.readTimeSeconds}`);
  }
}

function sameStates(a: ConductanceStates, b: ConductanceStates): boolean {
  if (a.minSiemens !== b.minSiemens || a.maxSiemens !== b.maxSiemens) return false;
  if (!a.levels || !b.levels) return a.levels === b.levels;
  return a.levels.length === b.levels.length && a.levels.every((level, i) => level === b.levels![i]);
}

const IDEAL_READOUT: TileReadout = { adcSteps: undefined, adcRanges: undefined, outputNoiseAmperes: undefined };

/**
 * One programmed instance of a CrossbarLayer: the cells stay fixed, every MVM reads them afresh
 * (drift at the read time, new read noise), through the DAC and ADC.
 *
 * Random numbers are drawn vector by vector in input order, so a batch gives the same bits whether it
 * is run at once or split into consecutive parts with the same `rng`. For devices whose reads are
 * Gaussian given the cell (`gaussianRead`), the read noise of each channel current is drawn once per
 * channel: sum_i V_i (G_i + s_i xi_i) = sum_i V_i G_i + sqrt(sum_i V_i^2 s_i^2) xi exactly in
 * distribution, since a sum of independent Gaussians is Gaussian with the summed variance. Other
 * devices are read cell by cell for every vector.
 */
export class ProgrammedCrossbar {
  private readonly momentsByTime = new Map<Seconds, TileConductances[]>();
  private readonly driftFactorByTime = new Map<Seconds, number>();

  private readonly circuitsByTime = new Map<Seconds, TileConductances[]>();

  constructor(
    readonly layer: CrossbarLayer,
    /** Programmed cells, one entry per tile of `layer.tiled.tiles`. */
    readonly cells: readonly ProgrammedCells[],
    /** Solve every tile as a circuit with the array's wire resistances. */
    readonly irDrop = false,
  ) {}

  /**
   * Noisy MVM of a batch x (B x inputs) read at `timeSeconds` after programming: returns B x outputs.
   * With drift compensation on, the first MVM at a new read time first reads a calibration vector at
   * the reference time and at `timeSeconds` (drawing from `rng`) to find the compensation factor.
   */
  forward(x: Matrix, rng: Rng, timeSeconds: Seconds = this.layer.config.readTimeSeconds): Matrix {
    this.layer.checkInputs(x);
    const factor = this.layer.config.driftCompensation ? this.driftFactor(timeSeconds, rng) : 1;
    const y = this.forwardUncompensated(x, rng, timeSeconds);
    if (factor !== 1) for (let i = 0; i < y.data.length; i++) y.data[i] *= factor;
    return y;
  }

  /** Conductances of every tile's cells read once at `timeSeconds` (fresh read noise), for inspection. */
  readConductances(rng: Rng, timeSeconds: Seconds = this.layer.config.readTimeSeconds): Float64Array[] {
    return this.layer.tiled.tiles.map((tile, t) => {
      const out = new Float64Array(tile.rowCount * tile.cols);
      this.layer.device.read(this.cells[t], timeSeconds, rng, out);
      return out;
    });
  }

  /**
   * Global drift compensation factor at `timeSeconds`: sum|y(t_ref)| / sum|y(t)| for a calibration
   * input of +inputRange on every row (aihwkit's scheme), cached per read time.
   */
  driftFactor(timeSeconds: Seconds, rng: Rng): number {
    const cached = this.driftFactorByTime.get(timeSeconds);
    if (cached !== undefined) return cached;
    const { dac, driftReferenceSeconds } = this.layer.config;
    const calibration = matrix(1, this.layer.inputs).data.fill(dac.inputRange);
    const input = matrix(1, this.layer.inputs, calibration);
    const reference = this.forwardUncompensated(input, rng, driftReferenceSeconds ?? DEFAULT_DRIFT_REFERENCE_SECONDS);
    const now = this.forwardUncompensated(input, rng, timeSeconds);
    let sumReference = 0;
    let sumNow = 0;
    for (let o = 0; o < reference.data.length; o++) {
      sumReference += Math.abs(reference.data[o]);
      sumNow += Math.abs(now.data[o]);
    }
    const factor = sumNow > 0 && sumReference > 0 ? sumReference / sumNow : 1;
    this.driftFactorByTime.set(timeSeconds, factor);
    return factor;
  }

  private forwardUncompensated(x: Matrix, rng: Rng, timeSeconds: Seconds): Matrix {
    const readout = this.readout();
    const { device } = this.layer;
    if (this.irDrop) return this.forwardWithWires(x, rng, timeSeconds, readout);
    // Nonlinear cells need every cell's conductance (a channel's read noise is no longer one Gaussian).
    return device.gaussianRead && !device.current
      ? this.forwardGaussian(x, rng, timeSeconds, readout)
      : this.forwardCellByCell(x, rng, timeSeconds, readout);
  }

  private readout(): TileReadout {
    const { adc } = this.layer.config;
    const ranges = this.layer.adcRangeAmperes;
    return {
      adcSteps: adc.bits > 0 ? ranges.map((range) => adcStep(adc, range)) : undefined,
      adcRanges: ranges,
      outputNoiseAmperes: adc.noiseRelative > 0 ? ranges.map((range) => adc.noiseRelative * range) : undefined,
    };
  }

  /**
   * Gaussian-read devices: all normals of the batch are drawn at once, vector by vector (per virtual
   * vector: input noise, then each tile's channel read noise, then each tile's output noise).
   */
  private forwardGaussian(x: Matrix, rng: Rng, timeSeconds: Seconds, readout: TileReadout): Matrix {
    const conductances = this.readMoments(timeSeconds);
    const plan = planNoise(this.layer, conductances.map((c) => c.channelVariance !== undefined), readout);
    const virtualVectors = x.rows * phaseCount(this.layer.config.dac);
    const normals = new Float64Array(virtualVectors * plan.stride);
    rng.fillNormal(normals);
    const phased = toPhaseVoltages(x, this.layer.config.dac, { normals, stride: plan.stride, offset: 0 });
    return readTiles(this.layer.tiled, phased, conductances, { ...plan, normals }, readout);
  }

  /**
   * Other devices, and nonlinear cells: for each input vector in turn, draw its input and output
   * noise, read every cell afresh (the device draws its own read noise), then run the tiles on those
   * conductances (through each cell's I-V for nonlinear cells).
   */
  private forwardCellByCell(x: Matrix, rng: Rng, timeSeconds: Seconds, readout: TileReadout): Matrix {
    const { dac, device } = this.layer.config;
    const tiles = this.layer.tiled.tiles;
    const y = matrix(x.rows, this.layer.outputs);
    const current = device.current?.bind(device);
    const conductances: TileConductances[] = tiles.map((tile) => ({ mean: new Float64Array(tile.rowCount * tile.cols), channelVariance: undefined, ...(current ? { current } : {}) }));
    const plan = planNoise(this.layer, tiles.map(() => false), readout);
    const normals = new Float64Array(phaseCount(dac) * plan.stride);
    for (let b = 0; b < x.rows; b++) {
      const single = matrix(1, x.cols, x.data.subarray(b * x.cols, (b + 1) * x.cols));
      rng.fillNormal(normals);
      tiles.forEach((_, t) => this.layer.device.read(this.cells[t], timeSeconds, rng, conductances[t].mean));
      const phased = toPhaseVoltages(single, dac, { normals, stride: plan.stride, offset: 0 });
      const row = readTiles(this.layer.tiled, phased, conductances, { ...plan, normals }, readout);
      y.data.set(row.data, b * this.layer.outputs);
    }
    return y;
  }

  /**
   * With wire resistance: every tile is read once at the read time (drift and one draw of read
   * noise, from `rng` when the time is first used) and solved once as a circuit for each row's unit
   * voltage: ohmic cells with their wires are a linear map, so every input vector's column currents
   * are then the product with that effective conductance map (`wiredConductanceMap`), exactly the
   * circuit's answer, through the same output noise, ADC and digital sums. Read noise is therefore
   * not redrawn per vector in this mode (that would need a solve per vector). Nonlinear cells are
   * solved by Newton's method for every batch.
   */
  private forwardWithWires(x: Matrix, rng: Rng, timeSeconds: Seconds, readout: TileReadout): Matrix {
    const circuits = this.wiredTiles(timeSeconds, rng);
    const { dac } = this.layer.config;
    const plan = planNoise(this.layer, circuits.map(() => false), readout);
    const normals = new Float64Array(x.rows * phaseCount(dac) * plan.stride);
    rng.fillNormal(normals);
    const phased = toPhaseVoltages(x, dac, { normals, stride: plan.stride, offset: 0 });
    return readTiles(this.layer.tiled, phased, circuits, { ...plan, normals }, readout);
  }

  /** Every tile read once at `timeSeconds` and solved with its wires (cached per read time; see forwardWithWires). */
  private wiredTiles(timeSeconds: Seconds, rng: Rng): TileConductances[] {
    const cached = this.circuitsByTime.get(timeSeconds);
    if (cached) return cached;
    const { device } = this.layer;
    const current = device.current?.bind(device);
    const resistances = wireResistances(this.layer.config.wires!);
    const circuits = this.layer.tiled.tiles.map((tile, t): TileConductances => {
      const conductances = new Float64Array(tile.rowCount * tile.cols);
      this.layer.device.read(this.cells[t], timeSeconds, rng, conductances);
      for (let i = 0; i < conductances.length; i++) if (conductances[i] < 0) conductances[i] = 0; // a circuit has no negative conductance
      const network = { rows: tile.rowCount, cols: tile.cols, conductances, resistances };
      // ohmic cells: the circuit is a linear map, read as its effective conductances from then on
      if (!current) return { mean: wiredConductanceMap(network), channelVariance: undefined };
      return { mean: conductances, channelVariance: undefined, circuit: nonlinearCircuit(network, current) };
    });
    this.circuitsByTime.clear();
    this.circuitsByTime.set(timeSeconds, circuits);
    return circuits;
  }

  /**
   * The tiles as linear maps of the row voltages at `timeSeconds`, for engines that compute the reads
   * as matrix products: for ohmic cells with Gaussian reads, the mean conductances and the channel
   * read variances (no draw); with wire resistance (ohmic cells), each tile's effective conductance
   * map of one read, drawn from `rng` when the time is first used, exactly as `forward` does. Undefined
   * when the cells must be read cell by cell (nonlinear cells, other read distributions).
   */
  linearTiles(timeSeconds: Seconds, rng: Rng): readonly TileConductances[] | undefined {
    const { device } = this.layer;
    if (device.current) return undefined;
    if (this.irDrop) return this.wiredTiles(timeSeconds, rng);
    return device.gaussianRead ? this.readMoments(timeSeconds) : undefined;
  }

  private readMoments(timeSeconds: Seconds): TileConductances[] {
    const cached = this.momentsByTime.get(timeSeconds);
    if (cached) return cached;
    const gaussian = this.layer.device.gaussianRead!;
    const moments = this.layer.tiled.tiles.map((tile, t) => {
      const mean = new Float64Array(tile.rowCount * tile.cols);
      const variance = new Float64Array(tile.rowCount * tile.cols);
      gaussian.mean(this.cells[t], timeSeconds, mean);
      gaussian.variance(this.cells[t], timeSeconds, variance);
      return { mean, channelVariance: channelVariances(tile, variance) };
    });
    this.momentsByTime.clear(); // keep one read time: a sweep over times does not grow memory
    this.momentsByTime.set(timeSeconds, moments);
    return moments;
  }
}

/** Options of `CrossbarLayer.program`. */
export interface ProgramOptions {
  /** Solve MVMs as circuits with the array's wire resistances (needs `CrossbarConfig.wires`). */
  readonly irDrop?: boolean;
}

/** A tile of nonlinear cells with its wires: every solve runs Newton's method (and refuses to return unconverged currents). */
function nonlinearCircuit(network: CrossbarNetwork, current: CellCurrent): TileCircuit {
  return {
    solve(voltages) {
      const solution = solveNonlinearCrossbar(network, current, voltages);
      if (!solution.report.converged) {
        throw new RangeError(`the nonlinear cells' circuit did not converge (relative KCL residual ${solution.report.finalResidual.toExponential(2)} after ${solution.report.iterations} Newton iterations)`);
      }
      return solution;
    },
  };
}

/** The circuit solver's resistances from an array's wire configuration. */
export function wireResistances(wires: WireConfig): CrossbarResistances {
  return { rowSegmentOhms: wires.rowSegmentOhms, columnSegmentOhms: wires.columnSegmentOhms, sourceOhms: wires.sourceOhms, senseOhms: wires.senseOhms };
}

/**
 * Positions of the standard normals of one virtual vector: the input noise first (one per input,
 * when the DAC is noisy), then each tile's read noise (one per channel, and one for the shared
 * reference column of an offset tile, for tiles with a variance),
 * then each tile's output noise (one per channel, when the ADC input is noisy).
 */
function planNoise(layer: CrossbarLayer, tileHasVariance: readonly boolean[], readout: TileReadout): Omit<NoiseLayout, 'normals'> {
  const tiles = layer.tiled.tiles;
  let stride = layer.config.dac.noiseRelative > 0 ? layer.inputs : 0;
  const readOffset = new Int32Array(tiles.length).fill(-1);
  const outputOffset = new Int32Array(tiles.length).fill(-1);
  tiles.forEach((tile, t) => {
    if (tileHasVariance[t]) {
      readOffset[t] = stride;
      // one normal per channel, plus one for the reference column that all channels of the tile share
      stride += tile.channelGain.length + (tile.referenceColumn >= 0 ? 1 : 0);
    }
  });
  if (readout.outputNoiseAmperes) {
    tiles.forEach((tile, t) => {
      outputOffset[t] = stride;
      stride += tile.channelGain.length;
    });
  }
  return { stride, readOffset, outputOffset };
}
