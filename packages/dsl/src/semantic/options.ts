/**
 * Declarative `key=value` options: each card lists the keys it accepts with their kind, unit,
 * default and range (the same tables document the language). `readOptions` checks the items of a
 * card against such a table and reports unknown keys (with a suggestion), duplicates, missing
 * required keys, wrong kinds, out-of-range numbers (with the range and unit) and unknown names.
 */
import type { Item, Span, Value } from '../ast.js';
import { didYouMean } from '../suggest.js';
import { type DefinitionKind, type SemanticContext, describeValue } from './context.js';

interface BaseSpec {
  /** Lower-case key. */
  readonly name: string;
  /** One line, for docs and hints. */
  readonly doc: string;
  readonly required?: boolean;
}

export interface NumberSpec extends BaseSpec {
  readonly kind: 'number';
  /** SI unit symbol or `1`; `param` when it is that of a parameter (unknown: any unit word is accepted). */
  readonly unit: string;
  readonly default?: number;
  readonly min: number;
  readonly max: number;
  /** True if `min` itself is not allowed. */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
  /** Words accepted instead of a number (lower case), e.g. `calibrated` for `dac_range`; read with `text`. */
  readonly words?: readonly string[];
}

export interface EnumSpec extends BaseSpec {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default?: string;
}

/** Words of a fixed set: one word, or a list `(a b c)`; read with `list` (lower case, in the order written). */
export interface EnumListSpec extends BaseSpec {
  readonly kind: 'enums';
  readonly values: readonly string[];
}

/** 0/1, yes/no, true/false, on/off. */
export interface FlagSpec extends BaseSpec {
  readonly kind: 'flag';
  readonly default: boolean;
}

/** The name of a definition. */
export interface RefSpec extends BaseSpec {
  readonly kind: 'ref';
  readonly target: DefinitionKind;
}

/** A list of names: `(a b c)`. */
export interface RefListSpec extends BaseSpec {
  readonly kind: 'refs';
  readonly target: DefinitionKind;
}

/** A quoted path to a data file, relative to the netlist. */
export interface PathSpec extends BaseSpec {
  readonly kind: 'path';
}

/** A quoted string or a word. */
export interface TextSpec extends BaseSpec {
  readonly kind: 'text';
}

export type OptionSpec = NumberSpec | EnumSpec | EnumListSpec | FlagSpec | RefSpec | RefListSpec | PathSpec | TextSpec;

/** The allowed range of a number spec with its unit, e.g. `[1, 65536]` or `(0, 10] V`. */
export function describeNumberRange(spec: NumberSpec): string {
  const unit = spec.unit === '1' || spec.unit === PARAM_UNIT ? '' : ` ${spec.unit}`;
  return `${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}]${unit}`;
}

/** A value as written, with its SI value when the text differs: `-1u (-1e-6 S)`, `20`. */
function describeWritten(value: Value, number: number, unit: string): string {
  const si = `${Number(number.toPrecision(6))}${unit}`;
  if (value.kind === 'number') return value.text === String(number) ? si : `${value.text} (${si.trim()})`;
  return si;
}

/** The unit of a number spec whose quantity is that of a `.param` (`.optimize from=`, `to=`). */
export const PARAM_UNIT = 'param';

type Parsed = number | boolean | string | readonly string[];

/** The checked options of one card. Getters return the given value or the spec's default. */
export class OptionValues {
  constructor(
    private readonly values: ReadonlyMap<string, Parsed>,
    private readonly spans: ReadonlyMap<string, Span>,
    private readonly specs: ReadonlyMap<string, OptionSpec>,
  ) {}

  /** True if the key was written (and valid). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** True if the key was written, valid or not. */
  written(name: string): boolean {
    return this.spans.has(name);
  }

  span(name: string): Span | undefined {
    return this.spans.get(name);
  }

  number(name: string): number | undefined {
    const value = this.values.get(name);
    if (typeof value === 'number') return value;
    const spec = this.specs.get(name);
    return spec?.kind === 'number' && !this.written(name) ? spec.default : undefined;
  }

  text(name: string): string | undefined {
    const value = this.values.get(name);
    if (typeof value === 'string') return value;
    const spec = this.specs.get(name);
    if (spec?.kind === 'enum' && !this.written(name)) return spec.default;
    return spec?.kind === 'number' && spec.words !== undefined && !this.written(name) ? spec.words[0] : undefined;
  }

  flag(name: string): boolean {
    const value = this.values.get(name);
    if (typeof value === 'boolean') return value;
    const spec = this.specs.get(name);
    return spec?.kind === 'flag' ? spec.default : false;
  }

  list(name: string): readonly string[] | undefined {
    const value = this.values.get(name);
    return Array.isArray(value) ? (value as readonly string[]) : undefined;
  }
}

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'false', 'off']);

/**
 * Checks named items against `specs`. `where` names the card in messages (e.g. `.array 'xb'`);
 * `fromFile` is the file of the card (data paths are relative to it); `cardSpan` is where missing
 * required keys are reported.
 */
export function readOptions(
  ctx: SemanticContext,
  items: readonly Item[],
  specs: readonly OptionSpec[],
  where: string,
  cardSpan: Span,
): OptionValues {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values = new Map<string, Parsed>();
  const spans = new Map<string, Span>();
  for (const item of items) {
    if (item.key === undefined) {
      ctx.bag.error('E507', item.span, `unexpected ${describeValue(item.value)} in ${where}`, 'options are written name=value');
      continue;
    }
    const key = item.key.toLowerCase();
    const keySpan = item.keySpan ?? item.span;
    const spec = byName.get(key);
    if (!spec) {
      const hint = didYouMean(item.key, byName.keys()) ?? `${where} accepts: ${[...byName.keys()].join(', ')}`;
      ctx.bag.error('E501', keySpan, `unknown option '${item.key}' for ${where}`, hint);
      continue;
    }
    if (spans.has(key)) {
      ctx.bag.error('E508', keySpan, `option '${key}' is given twice`);
      continue;
    }
    spans.set(key, item.span);
    const parsed = parseOption(ctx, spec, item.value, key, cardSpan.file);
    if (parsed !== undefined) values.set(key, parsed);
  }
  for (const spec of specs) {
    if (spec.required && !spans.has(spec.name)) {
      ctx.bag.error('E502', cardSpan, `${where} needs ${spec.name}=...`, `${spec.name}: ${spec.doc}`);
    }
  }
  return new OptionValues(values, spans, byName);
}

function parseOption(ctx: SemanticContext, spec: OptionSpec, value: Value, key: string, file: string): Parsed | undefined {
  switch (spec.kind) {
    case 'number': {
      if (spec.words !== undefined && value.kind === 'word') {
        const word = value.name.toLowerCase();
        if (spec.words.includes(word)) return word;
        if (!ctx.definitions.param.has(word)) {
          const allowed = `a number in ${describeNumberRange(spec)} or ${spec.words.join(', ')}`;
          ctx.bag.error('E504', value.span, `'${value.name}' is not a valid ${key}; allowed: ${allowed}`, didYouMean(value.name, spec.words) ?? `allowed: ${allowed}`);
          return undefined;
        }
      }
      const number = ctx.number(value, spec.unit === PARAM_UNIT ? {} : { unit: spec.unit });
      if (number === undefined) return undefined;
      return checkNumber(ctx, spec, number, value) ? number : undefined;
    }
    case 'enum':
      return parseEnumWord(ctx, spec.values, value, key);
    case 'enums': {
      const elements = value.kind === 'list' ? value.items : [{ value, span: value.span }];
      const words: string[] = [];
      for (const element of elements) {
        if ('key' in element && element.key !== undefined) {
          ctx.bag.error('E509', element.span, `expected one of ${spec.values.join(', ')} in '${key}', found '${element.key}='`);
          continue;
        }
        const word = parseEnumWord(ctx, spec.values, element.value, key);
        if (word !== undefined) words.push(word);
      }
      return words.length === elements.length && words.length > 0 ? words : undefined;
    }
    case 'flag': {
      const word = value.kind === 'number' ? String(value.value) : wordOf(value)?.toLowerCase();
      if (word !== undefined && TRUE_WORDS.has(word)) return true;
      if (word !== undefined && FALSE_WORDS.has(word)) return false;
      ctx.bag.error('E504', value.span, `'${key}' is a yes/no option; found ${describeValue(value)}`, 'write 1 or 0 (or yes/no, true/false, on/off)');
      return undefined;
    }
    case 'ref':
      return ctx.reference(spec.target, value);
    case 'refs': {
      const elements = value.kind === 'list' ? value.items : [{ value, span: value.span }];
      const names: string[] = [];
      for (const element of elements) {
        if ('key' in element && element.key !== undefined) {
          ctx.bag.error('E509', element.span, `expected the name of a ${spec.target} in '${key}'`);
          continue;
        }
        const name = ctx.reference(spec.target, element.value);
        if (name !== undefined) names.push(name);
      }
      return names.length === elements.length ? names : undefined;
    }
    case 'path':
      return ctx.dataPath(value, file);
    case 'text': {
      const text = value.kind === 'string' ? value.value : wordOf(value);
      if (text === undefined) ctx.bag.error('E509', value.span, `expected a string for '${key}', found ${describeValue(value)}`);
      return text;
    }
  }
}

/** One word of `values` (lower case), or undefined after reporting what is wrong. */
function parseEnumWord(ctx: SemanticContext, values: readonly string[], value: Value, key: string): string | undefined {
  const word = wordOf(value);
  if (word === undefined) {
    ctx.bag.error('E509', value.span, `expected one of ${values.join(', ')} for '${key}', found ${describeValue(value)}`);
    return undefined;
  }
  const lower = word.toLowerCase();
  if (!values.includes(lower)) {
    const hint = didYouMean(word, values) ?? `allowed: ${values.join(', ')}`;
    ctx.bag.error('E504', value.span, `'${word}' is not a valid ${key}; allowed: ${values.join(', ')}`, hint);
    return undefined;
  }
  return lower;
}

function wordOf(value: Value): string | undefined {
  if (value.kind === 'word') return value.name;
  if (value.kind === 'string') return value.value;
  return undefined;
}

/** Range and integer checks with the unit in the message; a hint when `M` (milli) is the likely cause. */
export function checkNumber(ctx: SemanticContext, spec: NumberSpec, number: number, value: Value): boolean {
  const unit = spec.unit === '1' || spec.unit === PARAM_UNIT ? '' : ` ${spec.unit}`;
  const milliHint = value.kind === 'number' && /\d[mM](?![eE][gG]|[iI][lL])/.test(value.text) ? ` (in SPICE, ${value.text} is milli; mega is MEG)` : '';
  if (spec.integer && !Number.isInteger(number)) {
    ctx.bag.error('E503', value.span, `${spec.name} must be a whole number, got ${number}${milliHint}`, `allowed: whole numbers in ${describeNumberRange(spec)}`);
    return false;
  }
  if (!inRange(spec, number)) {
    const whole = spec.integer ? ' (whole numbers)' : '';
    const suffix = value.kind === 'number' ? suggestedSuffix(spec, value.text, number) : undefined;
    ctx.bag.error(
      'E503',
      value.span,
      `${spec.name}=${describeWritten(value, number, unit)} is outside the allowed range ${describeNumberRange(spec)}${whole}${milliHint}`,
      suffix ? `did you mean ${suffix}? (${spec.doc})` : spec.doc,
    );
    return false;
  }
  return true;
}

function inRange(spec: NumberSpec, number: number): boolean {
  const belowMin = spec.minExclusive ? number <= spec.min : number < spec.min;
  return !belowMin && number <= spec.max;
}

/** Scale suffixes to suggest for a plain number out of range, with their factors. */
const SUGGESTED_SUFFIXES: readonly [string, number][] = [
  ['f', 1e-15],
  ['p', 1e-12],
  ['n', 1e-9],
  ['u', 1e-6],
  ['m', 1e-3],
  ['k', 1e3],
  ['meg', 1e6],
  ['g', 1e9],
];

/**
 * For a quantity with a unit written as a plain number out of range (`gmax=100` siemens), the same
 * digits with the scale suffix that brings it in range, nearest (in decades) to the default, or to
 * the middle of the range: `100u`. Undefined when the number has letters, or no suffix fits.
 */
function suggestedSuffix(spec: NumberSpec, text: string, number: number): string | undefined {
  if (spec.unit === '1' || spec.unit === PARAM_UNIT || spec.integer || /[A-Za-z]/.test(text) || number === 0) return undefined;
  const low = Math.max(spec.min, Number.MIN_VALUE);
  const target = spec.default !== undefined && spec.default !== 0 ? Math.abs(spec.default) : Math.sqrt(low * Math.max(spec.max, low));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [suffix, factor] of SUGGESTED_SUFFIXES) {
    const scaled = number * factor;
    if (!inRange(spec, scaled)) continue;
    const distance = Math.abs(Math.log10(Math.abs(scaled) / target));
    if (distance < bestDistance) {
      best = `${text}${suffix}`;
      bestDistance = distance;
    }
  }
  return best;
}
