/**
 * The letters after a number, checked against the quantity it gives. SPICE ignores whatever follows
 * the scale suffix; xbar accepts there only a unit of the quantity (`100uS`, `10kohm`, `0.2V`, `1ms`)
 * or, for times, a time unit word (`1h`, `2days`), and refuses anything else, since it can only be a
 * mistake (`readtime=1hour` would otherwise read as 1 s).
 */
import { parseEngineeringNumber, SECONDS_PER_TIME_UNIT } from '../lex/numbers.js';

/** Unit words a number may carry after its scale suffix, per quantity unit; lower case. */
const UNIT_WORDS: Readonly<Record<string, readonly string[]>> = {
  S: ['s', 'siemens', 'mho'],
  ohm: ['ohm', 'ohms'],
  V: ['v', 'volt', 'volts'],
  A: ['a', 'amp', 'amps', 'ampere', 'amperes'],
  s: ['s', 'sec'],
};

const EXAMPLE: Readonly<Record<string, string>> = { S: '100uS', ohm: '10kohm', V: '200mV', A: '1mA' };

const QUANTITY_NOUN: Readonly<Record<string, string>> = { S: 'siemens', ohm: 'ohms', V: 'volts', A: 'amperes', s: 'seconds' };

/** Every unit word, for numbers whose quantity is unknown (`.param` values, expressions, matrices). */
const ANY_UNIT_WORD = new Set(Object.values(UNIT_WORDS).flat());

const SCALE_SUFFIXES = 'T, G, MEG, K, M (milli), U, N, P, F';
const TIME_WORDS = 'min, h, d/day, w/week, y/year';

export interface LettersProblem {
  readonly message: string;
  readonly hint: string;
}

/**
 * Why the letters of `text` (an unsigned or signed number as written) do not fit a quantity in
 * `unit` (`S`, `ohm`, `V`, `A`, `s`, `1`, or a plugin's own unit), or undefined if they do.
 * `unit` undefined: the quantity is unknown, and any unit word of the language is accepted.
 */
export function unitLettersProblem(text: string, unit: string | undefined): LettersProblem | undefined {
  const parsed = parseEngineeringNumber(text.replace(/^[+-]/, ''));
  if (Number.isNaN(parsed.value)) return undefined;
  if (parsed.timeUnit) {
    if (unit === undefined || unit === 's') return undefined;
    return {
      message: `'${text}' is a time (${parsed.unit} = ${SECONDS_PER_TIME_UNIT[parsed.unit.toLowerCase()]} s), but this value is in ${describeUnit(unit)}`,
      hint: allowedFor(unit),
    };
  }
  if (parsed.suffix === 'mil' && unit !== undefined) {
    return { message: `'${text}': mil (25.4e-6, a length) is not a scale for a value in ${describeUnit(unit)}`, hint: allowedFor(unit) };
  }
  const word = parsed.unit.toLowerCase();
  if (word === '') return undefined;
  if (unit === undefined ? ANY_UNIT_WORD.has(word) : wordsOf(unit).includes(word)) return undefined;
  return {
    message: `unknown unit '${parsed.unit}' after the number '${text}'${unit === undefined ? '' : ` (a value in ${describeUnit(unit)})`}`,
    hint: unit === undefined ? `after a number write a scale suffix (${SCALE_SUFFIXES}) and a unit (${[...ANY_UNIT_WORD].join(', ')}) or a time unit (${TIME_WORDS})` : allowedFor(unit),
  };
}

/** True when `text` reads as milli-seconds although a minute may be meant: `1m`, `5M` for a time. */
export function isBareMilliTime(text: string, unit: string | undefined): boolean {
  if (unit !== 's') return false;
  const parsed = parseEngineeringNumber(text.replace(/^[+-]/, ''));
  return parsed.suffix === 'm' && parsed.unit === '' && !parsed.timeUnit;
}

function wordsOf(unit: string): readonly string[] {
  if (Object.hasOwn(UNIT_WORDS, unit)) return UNIT_WORDS[unit];
  return /^[A-Za-z]+$/.test(unit) ? [unit.toLowerCase()] : [];
}

function describeUnit(unit: string): string {
  if (unit === '1' || unit === '') return 'no unit (a plain number)';
  return Object.hasOwn(QUANTITY_NOUN, unit) ? `${QUANTITY_NOUN[unit]} (${unit})` : unit;
}

function allowedFor(unit: string): string {
  const words = wordsOf(unit);
  const scale = `a scale suffix (${SCALE_SUFFIXES})`;
  if (unit === 's') return `allowed after a time: ${scale} with or without s (10us, 1ms, 1meg), or a time unit: ${TIME_WORDS} (1h, 2days)`;
  if (words.length === 0) return `allowed: ${scale}, and no unit`;
  const example = Object.hasOwn(EXAMPLE, unit) ? EXAMPLE[unit] : `1k${words[0]}`;
  return `allowed: ${scale}, then ${words.join(' or ')} (e.g. ${example})`;
}
