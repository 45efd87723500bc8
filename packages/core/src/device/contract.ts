import type { Rng } from '../random/rng.js';
import type { Amperes, Seconds, Siemens, Volts } from '../units.js';
import type { ParamSpec, ParamValues } from './params.js';

/**
 * The conductances a device can be programmed to: a continuous range, or discrete levels.
 * Targets outside [minSiemens, maxSiemens] are clipped by `program`.
 */
export interface ConductanceStates {
  /** Lowest programmable conductance, in siemens. */
  readonly minSiemens: Siemens;
  /** Highest programmable conductance, in siemens. */
  readonly maxSiemens: Siemens;
  /**
   * The discrete programmable levels in siemens, ascending, or undefined for a continuous device.
   * A target is programmed to the nearest level (before programming error).
   */
  readonly levels?: Float64Array;
}

/**
 * Exact first and second moments of what a device's sampler produces for one cell: program the
 * target once, read it at time t. These drive the analytical MSE engine, so they must be the moments
 * of the sampler itself, not of an approximation of it (the conformance suite checks this).
 */
export interface ConductanceMoments {
  /** E[G_read], in siemens. */
  readonly mean: Siemens;
  /** Var[G_read] over programming and reading, in siemens squared. */
  readonly variance: number;
  /**
   * The part of the variance drawn fresh at every read: E[Var(G_read | programmed cell)], in S^2.
   * `variance - readVariance` is fixed once the cell is programmed (Var of E[G_read | cell]).
   */
  readonly readVariance: number;
}

/** Whatever a device keeps per programmed cell (conductance, drift exponent...). Opaque to core. */
export interface ProgrammedCells {
  /** Number of cells. */
  readonly count: number;
}

/**
 * Optional fast path: the read of a programmed cell is exactly Gaussian, independent across cells and
 * across reads, with the given conditional mean and variance. Engines then draw the read noise of a
 * whole column sum at once instead of per cell (exact in distribution).
 */
export interface GaussianRead<State extends ProgrammedCells> {
  /** E[G_read | cell] at time t after programming, in siemens, into `out`. */
  mean(state: State, timeSeconds: Seconds, out: Float64Array): void;
  /** Var[G_read | cell] at time t after programming, in S^2, into `out`. */
  variance(state: State, timeSeconds: Seconds, out: Float64Array): void;
}

/**
 * A device model with resolved parameters: a sampler of programming and reading, and the analytic
 * moments of that sampler. Cells are independent of one another.
 */
export interface DeviceInstance<State extends ProgrammedCells = ProgrammedCells> {
  /** Registry name of the model, e.g. `rram`. */
  readonly modelName: string;
  /** Resolved parameter values (defaults filled in). */
  readonly params: ParamValues;
  /** What the cell can be programmed to. */
  readonly states: ConductanceStates;
  /**
   * Programs one cell per target conductance (siemens): clip to the range, snap to the nearest
   * level, add programming error, apply stuck-at faults. Draws all randomness from `rng`.
   */
  program(targetsSiemens: Float64Array, rng: Rng): State;
  /**
   * Reads every cell at `timeSeconds` after programming (drift, then read noise drawn fresh at
   * every call), writing conductances in siemens into `out` (length `state.count`).
   */
  read(state: State, timeSeconds: Seconds, rng: Rng, out: Float64Array): void;
  /** Present when reads are exactly Gaussian given the programmed cell (see `GaussianRead`). */
  readonly gaussianRead?: GaussianRead<State>;
  /**
   * E[G_read | cell] at `timeSeconds` after programming, in siemens, into `out`: the part of a read
   * fixed at programming (drift included), without the fresh read noise. Lets engines switch
   * programming error and read noise on separately (error-source attribution, `deviceWithSources`).
   * Devices with `gaussianRead` need not give it (its `mean` is this). Optional for other devices.
   */
  readMean?(state: State, timeSeconds: Seconds, out: Float64Array): void;
  /**
   * Cov(E[G_read(t1) | cell], E[G_read(t2) | cell]) of one cell aimed at `targetSiemens`, in S^2: how
   * the part fixed at programming covaries between two read times (a spread of drift rates
   * decorrelates them). Used for the randomness of drift compensation, which reads the array at a
   * reference time and at the read time. Absent: engines take sqrt(V(t1) V(t2)) (the programmed part
   * only scaled by time), with V = variance - readVariance.
   */
  programmedCovariance?(targetSiemens: Siemens, t1Seconds: Seconds, t2Seconds: Seconds): number;
  /** Exact moments of `read(program(target), t)` for one cell. */
  moments(targetSiemens: Siemens, timeSeconds: Seconds): ConductanceMoments;
  /**
   * Cell current for a cell of (low-bias) conductance `conductanceSiemens` under `voltage` volts,
   * for nonlinear cells. Absent means ohmic: I = G V.
   */
  current?(conductanceSiemens: Siemens, voltage: Volts): Amperes;
}

/** A named parameter set from the literature for a model. */
export interface DevicePreset {
  /** Lower-case preset name, unique within the model, e.g. `aihwkit`. */
  readonly name: string;
  /** One-line description. */
  readonly doc: string;
  /** Citation of the source of the values. */
  readonly source: string;
  /** Parameter values that differ from the model defaults. */
  readonly values: Readonly<Record<string, number>>;
}

/** A device plugin: a named model that declares its parameters and creates instances. */
export interface DeviceModel {
  /** Lower-case registry name, e.g. `rram`; the TYPE of a `.model` card. */
  readonly name: string;
  /** One-line description. */
  readonly summary: string;
  /** Every parameter the model accepts. */
  readonly params: readonly ParamSpec[];
  /** Named parameter sets from the literature. */
  readonly presets: readonly DevicePreset[];
  /**
   * Creates an instance. `values` are validated against `params` (unknown names and out-of-range
   * values throw `DeviceParameterError`); missing ones take their defaults.
   */
  create(values?: Readonly<Record<string, number>>): DeviceInstance;
}
