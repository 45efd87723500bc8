/**
 * What every semantic check needs: the diagnostics, the limits, the device registry, the source host,
 * the definitions collected in the first pass and the resolved parameters. Also turns values into
 * numbers (literal, `{expr}` or parameter name), names into references and strings into data paths.
 */
import type { DeviceRegistry } from '@xbar/core';
import type { Card, Span, Value } from '../ast.js';
import type { DiagnosticBag } from '../diagnostics.js';
import type { SourceHost } from '../host/source-host.js';
import { parseEngineeringNumber } from '../lex/numbers.js';
import type { Limits } from '../limits.js';
import { didYouMean } from '../suggest.js';
import { CONSTANTS, evaluate } from './expressions.js';
import { isBareMilliTime, unitLettersProblem } from './unit-letters.js';

/** Kinds of named things a netlist defines. */
export type DefinitionKind = 'param' | 'model' | 'array' | 'weights' | 'inputs' | 'labels' | 'network';

export const DEFINITION_KINDS: readonly DefinitionKind[] = ['param', 'model', 'array', 'weights', 'inputs', 'labels', 'network'];

/** How each kind is defined, for hints. */
export const DEFINING_CARD: Readonly<Record<DefinitionKind, string>> = {
  param: '.param NAME=VALUE',
  model: '.model NAME TYPE (k=v ...)',
  array: '.array NAME rows=R cols=C model=M',
  weights: '.weights NAME [[...]]',
  inputs: '.inputs NAME [[...]]',
  labels: '.labels NAME [...]',
  network: '.network NAME ... .endnetwork',
};

/** How each kind is called in messages. */
export const KIND_NOUN: Readonly<Record<DefinitionKind, string>> = {
  param: 'parameter',
  model: 'model',
  array: 'array',
  weights: 'weights',
  inputs: 'inputs',
  labels: 'labels',
  network: 'network',
};

/** Where a name is defined. */
export interface DefinitionSite {
  readonly name: string;
  readonly span: Span;
  readonly card: Card;
}

/** What a netlist may read besides what it names relative to itself. */
export interface AccessPolicy {
  /** Allow `.include` and data paths outside the top netlist's folder (`..`). Default false. */
  readonly allowOutsideRoot: boolean;
  /** Allow absolute paths. Default false. */
  readonly allowAbsolutePaths: boolean;
}

/** The unit a number is for: drives the milli (`M`) warning. */
export interface UnitContext {
  /** SI unit (`S`, `ohm`, `s`, `V`, `A`) or `1`; undefined when unknown (a `.param`). */
  readonly unit?: string;
}

export class SemanticContext {
  /** Resolved parameters by lower-case name. */
  readonly params = new Map<string, number>();
  /** Parameters whose definition failed (references to them are not reported again). */
  readonly brokenParams = new Set<string>();
  readonly definitions: Record<DefinitionKind, Map<string, DefinitionSite>>;
  /** Names defined on cards with syntax errors, by kind. */
  readonly broken: Record<DefinitionKind, Set<string>>;

  constructor(
    readonly bag: DiagnosticBag,
    readonly limits: Limits,
    readonly registry: DeviceRegistry,
    readonly host: SourceHost,
    readonly policy: AccessPolicy,
    /** Folder of the top netlist: what relative paths may reach. */
    readonly rootFolder: string,
  ) {
    this.definitions = Object.fromEntries(DEFINITION_KINDS.map((kind) => [kind, new Map()])) as Record<DefinitionKind, Map<string, DefinitionSite>>;
    this.broken = Object.fromEntries(DEFINITION_KINDS.map((kind) => [kind, new Set()])) as Record<DefinitionKind, Set<string>>;
  }

  /** The value of a parameter or constant, or undefined after reporting an unknown name. */
  lookupParam(name: string, span: Span): number | undefined {
    const key = name.toLowerCase();
    const value = this.params.get(key);
    if (value !== undefined) return value;
    if (this.brokenParams.has(key) || this.broken.param.has(key)) return undefined;
    if (Object.hasOwn(CONSTANTS, key) && !this.definitions.param.has(key)) return CONSTANTS[key];
    if (this.definitions.param.has(key)) return undefined; // defined, failed: already reported
    const other = this.kindsDefining(key).filter((kind) => kind !== 'param');
    const hint =
      other.length > 0
        ? `'${name}' is defined by .${other[0]}, not by .param`
        : (didYouMean(name, [...[...this.definitions.param.values()].map((d) => d.name), ...Object.keys(CONSTANTS)]) ??
          `define it with ${DEFINING_CARD.param}`);
    this.bag.error('E201', span, `unknown parameter '${name}'`, hint);
    return undefined;
  }

  /** Kinds under which `name` (lower case) is defined. */
  kindsDefining(key: string): DefinitionKind[] {
    return DEFINITION_KINDS.filter((kind) => this.definitions[kind].has(key));
  }

  /** A number from a literal, `{expr}` or parameter name; undefined after a diagnostic. */
  number(value: Value, context: UnitContext = {}): number | undefined {
    let result: number | undefined;
    switch (value.kind) {
      case 'number': {
        const problem = unitLettersProblem(value.text, context.unit);
        if (problem) {
          this.bag.error('E510', value.span, problem.message, problem.hint);
          return undefined;
        }
        result = value.value;
        this.checkMilli(value.text, value.span, context);
        break;
      }
      case 'expr':
        result = evaluate(value.expr, (name, span) => this.lookupParam(name, span), this.bag);
        break;
      case 'word':
        result = this.lookupParam(value.name, value.span);
        break;
      default:
        this.bag.error('E509', value.span, `expected a number, found ${describeValue(value)}`);
        return undefined;
    }
    if (result !== undefined && !Number.isFinite(result)) {
      this.bag.error('E205', value.span, `value is not a finite number (${result})`);
      return undefined;
    }
    return result;
  }

  /** SPICE reads `M` as milli: warn where that is probably not what was meant. */
  private checkMilli(text: string, span: Span, context: UnitContext): void {
    if (isBareMilliTime(text, context.unit)) {
      const mantissa = text.replace(/[A-Za-z_]+$/, '');
      this.bag.warning('W203', span, `'${text}' means ${mantissa} millisecond${mantissa === '1' ? '' : 's'} (SPICE's m is milli), not minutes`, `write ${mantissa}ms for milliseconds, ${mantissa}min for minutes`);
      return;
    }
    const parsed = parseEngineeringNumber(text.replace(/^[+-]/, ''));
    if (!parsed.capitalM) return;
    const unit = context.unit;
    if (unit !== undefined && unit !== 'ohm' && unit !== '1') return;
    const mantissa = text.replace(/[A-Za-z_]+$/, '');
    this.bag.warning(
      'W202',
      span,
      `'${text}' means ${mantissa} milli (${formatScaled(parsed.value)}), not mega: SPICE reads M as milli`,
      `write ${mantissa}MEG for mega, or ${mantissa}m to keep milli`,
    );
  }

  /**
   * The name a value refers to, as written (names are case-insensitive: look definitions up by its
   * lower case), if it names a definition of `kind`; undefined after a diagnostic (unknown name with a
   * suggestion, or silently for names on broken cards).
   */
  reference(kind: DefinitionKind, value: Value): string | undefined {
    if (value.kind !== 'word') {
      this.bag.error('E509', value.span, `expected the name of ${KIND_NOUN[kind]}, found ${describeValue(value)}`);
      return undefined;
    }
    const key = value.name.toLowerCase();
    if (this.definitions[kind].has(key)) return value.name;
    if (this.broken[kind].has(key)) return undefined;
    const defined = [...this.definitions[kind].values()].map((d) => d.name);
    const other = this.kindsDefining(key);
    let hint: string | undefined;
    if (other.length > 0) hint = `'${value.name}' is defined by .${other[0]}, not by .${kind}`;
    else if (defined.length === 0) hint = `nothing is defined by .${kind}; write ${DEFINING_CARD[kind]}`;
    else hint = didYouMean(value.name, defined) ?? `defined: ${defined.join(', ')}`;
    this.bag.error('E505', value.span, `unknown ${KIND_NOUN[kind]} '${value.name}'`, hint);
    return undefined;
  }

  /**
   * A data file path (`.npy`, `.onnx`) named in `fromFile`: resolved relative to it, refused if
   * absolute or outside the netlist's folder (unless allowed), reported if missing.
   */
  dataPath(value: Value, fromFile: string): string | undefined {
    if (value.kind !== 'string') {
      this.bag.error('E509', value.span, `expected a quoted file path, found ${describeValue(value)}`, 'write paths in quotes: npy="data/w1.npy"');
      return undefined;
    }
    const path = this.checkedPath(value.value, value.span, fromFile, 'data file');
    if (path === undefined) return undefined;
    if (this.host.sizeOf(path) === undefined) {
      this.bag.error('E301', value.span, `cannot find data file '${value.value}' (looked for '${path}')`);
      return undefined;
    }
    return path;
  }

  /** Resolves `name` written in `fromFile` under the access policy; undefined after a diagnostic. */
  checkedPath(name: string, span: Span, fromFile: string, what: string): string | undefined {
    if (name.trim() === '') {
      this.bag.error('E305', span, `empty ${what} path`);
      return undefined;
    }
    if (name.length > this.limits.maxPathLength) {
      this.bag.error('E305', span, `${what} path of ${name.length} characters, longer than the limit of ${this.limits.maxPathLength}`);
      return undefined;
    }
    if (this.host.isAbsolute(name) && !this.policy.allowAbsolutePaths) {
      this.bag.error('E303', span, `absolute ${what} path '${name}' refused`, "write the path relative to the netlist's folder");
      return undefined;
    }
    const path = this.host.resolve(fromFile, name);
    if (!this.policy.allowOutsideRoot && !this.host.isInside(this.rootFolder, path)) {
      this.bag.error(
        'E303',
        span,
        `${what} '${name}' is outside the netlist's folder`,
        'a netlist may only read files in its own folder and below it',
      );
      return undefined;
    }
    return path;
  }
}

/** `a string "x"`, `a matrix`, ... for messages. */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case 'number':
      return `the number ${value.text}`;
    case 'string':
      return `the string "${value.value}"`;
    case 'word':
      return `the name '${value.name}'`;
    case 'expr':
      return 'an expression';
    case 'matrix':
    case 'numbers':
      return 'a matrix';
    case 'list':
      return 'a list';
  }
}

function formatScaled(value: number): string {
  return Number(value.toPrecision(6)).toString();
}
