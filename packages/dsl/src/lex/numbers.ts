/**
 * SPICE engineering numbers: a decimal number, an optional exponent, then letters. The letters are
 * either a time unit (`min`, `h`, `d`/`day`, `w`/`week`, `y`/`year`, plurals too: the value is in
 * seconds) or an optional scale suffix (case-insensitive) followed by a unit, so `10kohm`, `1uS`,
 * `100n` and `2h` mean 10e3, 1e-6, 100e-9 and 7200:
 *
 *   T 1e12   G 1e9   MEG 1e6   K 1e3   M 1e-3 (milli!)   MIL 25.4e-6   U 1e-6   N 1e-9   P 1e-12   F 1e-15
 *
 * Whether the unit fits the quantity is checked where the quantity is known (`unitLettersProblem`).
 */

/** The scale suffixes, lower case, with their power of ten (`mil` is handled apart). */
const POWER_OF_SUFFIX: Readonly<Record<string, number>> = { t: 12, g: 9, meg: 6, k: 3, m: -3, u: -6, n: -9, p: -12, f: -15 };

/** Inches per mil, in metres: 1 mil = 25.4e-6 m. */
const MIL = 25.4e-6;

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Seconds per time unit word, lower case. A year is a Julian year, 365.25 days. */
export const SECONDS_PER_TIME_UNIT: Readonly<Record<string, number>> = {
  min: MINUTE,
  h: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  y: 365.25 * DAY,
  year: 365.25 * DAY,
  years: 365.25 * DAY,
};

export interface EngineeringNumber {
  /** The value (NaN if `text` is not a number; Infinity if it overflows). */
  readonly value: number;
  /** The scale suffix applied, lower case (`k`, `meg`, `m`, `mil`...), or `` for none. */
  readonly suffix: string;
  /** True when the suffix is a capital `M` (milli in SPICE, but often meant as mega). */
  readonly capitalM: boolean;
  /** Letters after the suffix (a unit such as `ohm`), or the time unit word (`h`, `day`...). */
  readonly unit: string;
  /** True when the letters are a time unit word: `value` is then in seconds. */
  readonly timeUnit: boolean;
}

const NUMBER_PATTERN = /^((?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?([A-Za-z_]*)$/;

/** Parses an unsigned engineering number such as `1.5k`, `2MEG`, `1e-6`, `10kohm`. */
export function parseEngineeringNumber(text: string): EngineeringNumber {
  const match = NUMBER_PATTERN.exec(text);
  if (!match) return { value: Number.NaN, suffix: '', capitalM: false, unit: '', timeUnit: false };
  const [, mantissa, exponentText, letters] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const secondsPerUnit = timeUnitSeconds(letters);
  if (secondsPerUnit !== undefined) {
    return { value: Number(`${mantissa}e${exponent}`) * secondsPerUnit, suffix: '', capitalM: false, unit: letters, timeUnit: true };
  }
  const { suffix, rest } = splitSuffix(letters);
  if (suffix === 'mil') return { value: Number(`${mantissa}e${exponent}`) * MIL, suffix, capitalM: false, unit: rest, timeUnit: false };
  const power = suffix === '' ? 0 : POWER_OF_SUFFIX[suffix];
  // Build the decimal string so that 1.5u is exactly the double nearest to 1.5e-6.
  const value = Number(`${mantissa}e${exponent + power}`);
  return { value, suffix, capitalM: suffix === 'm' && letters[0] === 'M', unit: rest, timeUnit: false };
}

/** Seconds per `letters` if they are a time unit word (any case), else undefined. */
export function timeUnitSeconds(letters: string): number | undefined {
  const lower = letters.toLowerCase();
  return Object.hasOwn(SECONDS_PER_TIME_UNIT, lower) ? SECONDS_PER_TIME_UNIT[lower] : undefined;
}

function splitSuffix(letters: string): { suffix: string; rest: string } {
  const lower = letters.toLowerCase();
  if (lower.startsWith('meg')) return { suffix: 'meg', rest: letters.slice(3) };
  if (lower.startsWith('mil')) return { suffix: 'mil', rest: letters.slice(3) };
  const first = lower[0];
  if (first !== undefined && Object.hasOwn(POWER_OF_SUFFIX, first)) return { suffix: first, rest: letters.slice(1) };
  return { suffix: '', rest: letters };
}

/**
 * Prints a number so that it parses back to exactly the same value: the shortest round-trip decimal,
 * in exponent form when that is shorter.
 */
export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '0';
  return String(value).replace('e+', 'e');
}
