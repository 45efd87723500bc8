import type { DeviceInstance } from '../device/contract.js';
import type { Ohms, Seconds, Volts, Amperes } from '../units.js';

/**
 * How signed weights become conductances.
 * - `differential`: each weight on a pair of cells, w ~ G+ - G-, subtracted in analog before the ADC.
 * - `offset`: one cell per weight around a mid-range reference, w ~ G - G_ref; each tile has one
 *   reference column (all cells at G_ref) subtracted in analog from every column.
 * - `nary`: the magnitude of each weight quantized to an integer of `cellsPerWeight` base-`statesPerCell`
 *   digits, digit i on a differential pair of cells with significance statesPerCell^i; every digit
 *   column is digitized separately and the digits are combined digitally.
 */
export type MappingScheme = 'differential' | 'offset' | 'nary';

/** Weight-to-conductance mapping. */
export interface MappingConfig {
  readonly scheme: MappingScheme;
  /** Whether the weight scale w_max (mapped to the full conductance window) is per layer or per output column. */
  readonly scale: 'layer' | 'column';
  /**
   * Clip weights to +-(clipFraction x max|W|) before mapping (1 = no clipping). Clipping a few
   * outliers lets the rest use more of the conductance window.
   */
  readonly clipFraction: number;
  /** States per cell for `nary` (N). */
  readonly statesPerCell: number;
  /** Cells (digits) per weight for `nary` (k). */
  readonly cellsPerWeight: number;
}

export const DEFAULT_MAPPING: MappingConfig = {
  scheme: 'differential',
  scale: 'layer',
  clipFraction: 1,
  statesPerCell: 4,
  cellsPerWeight: 1,
};

/** Input digital-to-analog conversion. */
export interface DacConfig {
  /** Resolution in bits; 0 = no quantization (ideal DAC). */
  readonly bits: number;
  /**
   * `calibrated`: `inputRange` is set from a calibration batch, to the largest |input| the layer
   * sees there times `calibrationMargin` (HardwareNetwork.calibrate); `fixed`: `inputRange` as given.
   */
  readonly range: 'fixed' | 'calibrated';
  /** Input magnitude mapped to the full read voltage; larger inputs are clipped. */
  readonly inputRange: number;
  /** Headroom factor on the calibrated input range (>= 1). */
  readonly calibrationMargin: number;
  /** Read voltage applied for an input of +inputRange, in volts. */
  readonly readVoltage: Volts;
  /**
   * Bit-serial inputs: the quantized input magnitude is applied one bit per phase (voltage 0 or
   * readVoltage), positive and negative inputs in separate phases; each phase is digitized by the
   * ADC and the phases are combined digitally with weights 2^b.
   */
  readonly bitSerial: boolean;
  /** Std of Gaussian noise added to each applied input, relative to inputRange (aihwkit inp_noise). */
  readonly noiseRelative: number;
  /**
   * false: inputs beyond +-inputRange pass unclipped (only with bits = 0: the DAC is then the identity,
   * as when error-source attribution switches the DAC off). Default true.
   */
  readonly clip?: boolean;
}

export const DEFAULT_DAC: DacConfig = { bits: 0, range: 'calibrated', inputRange: 1, calibrationMargin: 1, readVoltage: 0.2, bitSerial: false, noiseRelative: 0 };

/** Output analog-to-digital conversion, one per channel (column or column pair), per tile. */
export interface AdcConfig {
  /** Resolution in bits; 0 = no quantization (ideal ADC). */
  readonly bits: number;
  /**
   * Full-scale range: `fixed` is +-rangeAmperes; `calibrated` sets each tile's range to the largest
   * |current| seen on a calibration batch (times `calibrationMargin`).
   */
  readonly range: 'fixed' | 'calibrated';
  /** Full scale +-current for `fixed`, in amperes. */
  readonly rangeAmperes: Amperes;
  /** Headroom factor applied to the calibrated range (>= 1). */
  readonly calibrationMargin: number;
  /** Std of Gaussian noise added to each analog output before conversion, relative to full scale (aihwkit out_noise). */
  readonly noiseRelative: number;
}

export const DEFAULT_ADC: AdcConfig = { bits: 0, range: 'calibrated', rangeAmperes: 1e-3, calibrationMargin: 1, noiseRelative: 0 };

/** Wire and periphery resistances of the array (used by the circuit solver). */
export interface WireConfig {
  /** Resistance of one row wire segment between neighbouring cells, in ohms. */
  readonly rowSegmentOhms: Ohms;
  /** Resistance of one column wire segment between neighbouring cells, in ohms. */
  readonly columnSegmentOhms: Ohms;
  /** Series resistance of each row driver, in ohms. */
  readonly sourceOhms: Ohms;
  /** Input resistance of each column's sense amplifier (0 = virtual ground), in ohms. */
  readonly senseOhms: Ohms;
}

/** A physical array (tile) and everything around it. */
export interface CrossbarConfig {
  /** Rows (input lines) per tile. */
  readonly rows: number;
  /** Columns (output lines) per tile, including reference columns. */
  readonly cols: number;
  /** The programmed device. */
  readonly device: DeviceInstance;
  readonly mapping: MappingConfig;
  readonly dac: DacConfig;
  readonly adc: AdcConfig;
  /** Time between programming and reading, in seconds. */
  readonly readTimeSeconds: Seconds;
  /** Scale outputs by a calibration read to undo the average conductance drift (aihwkit's global drift compensation). */
  readonly driftCompensation: boolean;
  /** Reference read time of drift compensation, in seconds after programming (default 20 s). */
  readonly driftReferenceSeconds?: Seconds;
  /** Wire resistances; absent = ideal wires. */
  readonly wires?: WireConfig;
}

/** What `crossbarConfig` needs: the device, and any settings that differ from the defaults. */
export interface CrossbarOptions {
  readonly device: DeviceInstance;
  readonly rows?: number;
  readonly cols?: number;
  readonly mapping?: Partial<MappingConfig>;
  readonly dac?: Partial<DacConfig>;
  readonly adc?: Partial<AdcConfig>;
  readonly readTimeSeconds?: Seconds;
  readonly driftCompensation?: boolean;
  readonly driftReferenceSeconds?: Seconds;
  readonly wires?: WireConfig;
}

/**
 * A full CrossbarConfig from the given settings and the defaults: 128 x 128 arrays, differential
 * mapping with a per-layer scale, ideal DAC with a calibrated range and ideal ADC, read 1 s after
 * programming, no drift compensation. A DAC `inputRange` given without `range` is a fixed range.
 */
export function crossbarConfig(options: CrossbarOptions): CrossbarConfig {
  const fixedDacRange = options.dac?.inputRange !== undefined && options.dac.range === undefined;
  return {
    rows: options.rows ?? 128,
    cols: options.cols ?? 128,
    device: options.device,
    mapping: { ...DEFAULT_MAPPING, ...options.mapping },
    dac: { ...DEFAULT_DAC, ...(fixedDacRange ? { range: 'fixed' } : {}), ...options.dac },
    adc: { ...DEFAULT_ADC, ...options.adc },
    readTimeSeconds: options.readTimeSeconds ?? 1,
    driftCompensation: options.driftCompensation ?? false,
    driftReferenceSeconds: options.driftReferenceSeconds,
    wires: options.wires,
  };
}
