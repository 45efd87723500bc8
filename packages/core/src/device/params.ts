/**
 * Parameter declarations of device models. A model declares every parameter it accepts, with its
 * unit, default, allowed range and a one-line doc, so that the netlist language and the CLI can
 * validate and document parameters without knowing the model.
 */

/** The declaration of one numeric device parameter. */
export interface ParamSpec {
  /** Lower-case identifier used in netlists, e.g. `gmax`. */
  readonly name: string;
  /** SI unit symbol (`S`, `ohm`, `s`, `V`, `A`), or `1` for a dimensionless number. */
  readonly unit: string;
  /** Value used when the parameter is not given. */
  readonly default: number;
  /** Smallest allowed value (inclusive). */
  readonly min: number;
  /** Largest allowed value (inclusive). */
  readonly max: number;
  /** One-line description. */
  readonly doc: string;
  /** Literature source of the default (citation), when there is one. */
  readonly source?: string;
  /** True if only whole numbers are allowed (counts, bits, levels). */
  readonly integer?: boolean;
}

/** Resolved parameter values of a device instance, by parameter name. */
export type ParamValues = Readonly<Record<string, number>>;

/**
 * A parameter value that a model refuses. The message names the model, the parameter, the value,
 * the unit and the allowed range; `parameter` lets callers (the netlist checker) point at the source.
 */
export class DeviceParameterError extends Error {
  override readonly name = 'DeviceParameterError';
  constructor(
    message: string,
    /** The model whose parameter was refused. */
    readonly model: string,
    /** The refused parameter, or undefined if the problem involves several parameters. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** Formats an allowed range with its unit, e.g. `[1e-9, 0.01] S`. */
export function describeRange(spec: ParamSpec): string {
  const unit = spec.unit === '1' ? '' : ` ${spec.unit}`;
  const kind = spec.integer ? 'integer in ' : '';
  return `${kind}[${spec.min}, ${spec.max}]${unit}`;
}

/**
 * Validates user-given values against a model's declarations and fills in defaults. Unknown names,
 * non-finite values, non-integers where integers are required and values outside the range are
 * refused with a `DeviceParameterError`.
 */
export function resolveParams(
  model: string,
  specs: readonly ParamSpec[],
  given: Readonly<Record<string, number>> = {},
): ParamValues {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name.toLowerCase())) {
      const known = specs.map((spec) => spec.name).join(', ');
      throw new DeviceParameterError(
        `device model '${model}' has no parameter '${name}' (its parameters: ${known})`,
        model,
        name,
      );
    }
  }
  const lowerGiven = new Map(Object.entries(given).map(([k, v]) => [k.toLowerCase(), v]));
  const resolved: Record<string, number> = {};
  for (const spec of specs) {
    const value = lowerGiven.has(spec.name) ? lowerGiven.get(spec.name)! : spec.default;
    checkValue(model, spec, value);
    resolved[spec.name] = value;
  }
  return Object.freeze(resolved);
}

function checkValue(model: string, spec: ParamSpec, value: number): void {
  const unit = spec.unit === '1' ? '' : ` ${spec.unit}`;
  const where = `parameter '${spec.name}' of device model '${model}'`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DeviceParameterError(
      `${where} must be a finite number${unit ? ` in${unit}` : ''}, got ${String(value)}; allowed: ${describeRange(spec)}`,
      model,
      spec.name,
    );
  }
  if (spec.integer && !Number.isInteger(value)) {
    throw new DeviceParameterError(
      `${where} must be a whole number, got ${value}; allowed: ${describeRange(spec)}`,
      model,
      spec.name,
    );
  }
  if (value < spec.min || value > spec.max) {
    throw new DeviceParameterError(
      `${where} is ${value}${unit}, outside the allowed range ${describeRange(spec)} (${spec.doc})`,
      model,
      spec.name,
    );
  }
}

/** Refuses a combination of parameters (for checks that involve several, such as gmin < gmax). */
export function requireRelation(model: string, condition: boolean, message: string, parameter?: string): void {
  if (!condition) throw new DeviceParameterError(`device model '${model}': ${message}`, model, parameter);
}
