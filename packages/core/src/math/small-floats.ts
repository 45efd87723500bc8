/**
 * The 16-bit floating-point formats of ONNX models: IEEE half precision (float16: 5 exponent bits,
 * 10 mantissa bits) and bfloat16 (float32's 8 exponent bits, 7 mantissa bits). Values are held as
 * float64 numbers; these read them from their bits, and round numbers to float16.
 */

/** A binary floating-point format of one sign bit, `exponentBits` and `mantissaBits`, IEEE-style (subnormals, infinities, NaN). */
interface SmallFloat {
  readonly exponentBits: number;
  readonly mantissaBits: number;
}

const FLOAT16: SmallFloat = { exponentBits: 5, mantissaBits: 10 };
const BFLOAT16: SmallFloat = { exponentBits: 8, mantissaBits: 7 };

/** The exponent bias: the largest exponent, and 1 - bias the smallest normal one. */
function bias(format: SmallFloat): number {
  return 2 ** (format.exponentBits - 1) - 1;
}

/** The value of bits (sign, exponent, mantissa from the high bit down) in `format`. */
function fromBits(bits: number, format: SmallFloat): number {
  const { exponentBits, mantissaBits } = format;
  const sign = (bits >>> (exponentBits + mantissaBits)) & 1 ? -1 : 1;
  const exponent = (bits >>> mantissaBits) & (2 ** exponentBits - 1);
  const fraction = bits & (2 ** mantissaBits - 1);
  const shift = bias(format) + mantissaBits;
  if (exponent === 0) return sign * fraction * 2 ** (1 - shift);
  if (exponent === 2 ** exponentBits - 1) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (2 ** mantissaBits + fraction) * 2 ** (exponent - shift);
}

/** The value of float16 bits (the low 16 bits of `bits`). */
export function float16FromBits(bits: number): number {
  return fromBits(bits & 0xffff, FLOAT16);
}

/** The value of bfloat16 bits (the low 16 bits of `bits`): the high half of a float32. */
export function bfloat16FromBits(bits: number): number {
  return fromBits(bits & 0xffff, BFLOAT16);
}

/** v rounded to the nearest value of `format`, ties to even; beyond its largest finite value by half a unit or more, infinity. */
function roundTo(v: number, format: SmallFloat): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const minExponent = 1 - bias(format);
  const magnitude = Math.abs(v);
  let exponent = Math.max(Math.floor(Math.log2(magnitude)), minExponent);
  // log2 may miss by one next to a power of two
  if (exponent > minExponent && 2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const unit = 2 ** (exponent - format.mantissaBits);
  const units = magnitude / unit;
  const below = Math.floor(units);
  const rest = units - below;
  const rounded = rest > 0.5 || (rest === 0.5 && below % 2 === 1) ? below + 1 : below;
  const largest = (2 - 2 ** -format.mantissaBits) * 2 ** bias(format);
  return Math.sign(v) * (rounded * unit > largest ? Infinity : rounded * unit);
}

/** v rounded to float16 (ties to even, overflow to infinity), as ONNX's Cast to FLOAT16. */
export function roundToFloat16(v: number): number {
  return roundTo(v, FLOAT16);
}
