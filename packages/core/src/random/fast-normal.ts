import { createRng, type StreamKey } from './rng.js';

/**
 * Fast seeded float32 standard normals for bulk noise (Monte-Carlo read noise: tens of millions of
 * draws per trial), several times the rate of `createRng(...).fillNormal`.
 *
 * Generator: xoshiro128** 1.0 (Blackman and Vigna), 128 bits of state, period 2^128 - 1, seeded from
 * four uniforms of `createRng(seed, ...path, 'fast-normal')` scaled to uint32 (an all-zero state, of
 * probability 2^-128, becomes s0 = 1), so streams are derived from (seed, ...path) exactly as
 * `createRng`'s are.
 *
 * Normals: the Marsaglia-Tsang ziggurat ("The ziggurat method for generating random variables",
 * Journal of Statistical Software 5(8), 2000) with 256 layers of equal area V, R = 3.6541528853610088
 * the start of the tail. Layer 0 is the base (the rectangle [0, R] x [0, f(R)] plus the tail beyond
 * R); layer i >= 1 is the rectangle [0, x[i]] x [f(x[i]), f(x[i+1])], f(x) = exp(-x^2/2), with
 * x[1] = R > x[2] > ... > x[256] = 0. One 32-bit word per draw on the fast path (98.5 % of draws):
 * bits 0-7 choose the layer i, bit 8 the sign, bits 9-31 (m = r >>> 9) the uniform u = (m + 0.5) 2^-23 in (0, 1),
 * and z = u x[i] is accepted when u < x[i+1] / x[i]. Otherwise layer 0 draws from the tail
 * (Marsaglia's exponential rejection) and layer i >= 1 tests the wedge with a fresh uniform; both
 * use fresh 32-bit uniforms (r + 0.5) 2^-32, and a rejected wedge draws everything anew.
 *
 * Precision: the fast path gives multiples of x[i] 2^-23 (spacing at most x[0] 2^-23 = 4.7e-7), the
 * tail starts at R with 32-bit uniforms; each draw is computed in double and rounded to float32 on
 * storing. This is not the sequence of `createRng`'s normals, and not meant to be: the two cannot be
 * mixed to reproduce each other's bits.
 */

/** A seeded stream of float32 standard normals for bulk noise (xoshiro128** + 256-layer ziggurat). */
export interface FastNormalStream {
  /** Fills out[offset .. offset+length) with N(0,1) draws rounded to float32. */
  fill(out: Float32Array, offset?: number, length?: number): void;
}

/** Number of ziggurat layers: the low 8 bits of a word choose one. */
const LAYERS = 256;
/** Start of the tail, x[1]. */
const R = 3.6541528853610088;
/** Area of every layer (the base layer: rectangle plus tail). */
const V = 0.00492867323399;
const TWO_POW_23 = 8388608;
const TWO_POW_MINUS_23 = 1 / TWO_POW_23;
const TWO_POW_MINUS_32 = 1 / 4294967296;
const TWO_POW_32 = 4294967296;

/** The ziggurat's layer edges and densities; exposed for tests only (see `zigguratTables`). */
interface ZigguratTables {
  /** x[0] = V / f(R), x[1] = R, x[i] the right edge of layer i, x[256] = 0 (257 entries). */
  readonly x: Float64Array;
  /** f[i] = exp(-x[i]^2 / 2), the bottom of layer i >= 1 (f[256] = 1, the top of layer 255). */
  readonly f: Float64Array;
}

function buildTables(): ZigguratTables {
  const x = new Float64Array(LAYERS + 1);
  const f = new Float64Array(LAYERS + 1);
  const density = (t: number): number => Math.exp(-0.5 * t * t);
  x[0] = V / density(R);
  x[1] = R;
  // layer i - 1 has area x[i-1] (f(x[i]) - f(x[i-1])) = V
  for (let i = 2; i < LAYERS; i++) x[i] = Math.sqrt(-2 * Math.log(V / x[i - 1] + density(x[i - 1])));
  x[LAYERS] = 0;
  for (let i = 0; i <= LAYERS; i++) f[i] = density(x[i]);
  return { x, f };
}

const TABLES = buildTables();
const X = TABLES.x;
const F = TABLES.f;

/**
 * The fast path's table, one array so that the hot loop reads one: FAST[r & 511] = +-x[i] 2^-23 (bit 8
 * the sign) and FAST[512 + i] = 2^23 x[i+1] / x[i], so that with m = (r >>> 9) + 0.5 the draw
 * z = m FAST[r & 511] is accepted when m < FAST[512 + i], which is u < x[i+1] / x[i] exactly (never for
 * the top layer, x[256] = 0: it always goes to the wedge test).
 */
const FAST = new Float64Array(3 * LAYERS);
for (let i = 0; i < LAYERS; i++) {
  FAST[i] = X[i] * TWO_POW_MINUS_23;
  FAST[LAYERS + i] = -X[i] * TWO_POW_MINUS_23;
  FAST[2 * LAYERS + i] = (X[i + 1] / X[i]) * TWO_POW_23;
}

/**
 * The ziggurat tables (copies). Internal: exported for the tests of the table construction, not part
 * of the package's API (`index.ts` does not re-export it).
 */
export function zigguratTables(): ZigguratTables {
  return { x: X.slice(), f: F.slice() };
}

/** One xoshiro128** step on `s` (four int32 words): returns the next output word as an int32. */
function nextWord(s: Int32Array): number {
  const s1 = s[1];
  const a = Math.imul(s1, 5);
  const result = Math.imul((a << 7) | (a >>> 25), 9);
  const t = s1 << 9;
  s[2] ^= s[0];
  s[3] ^= s1;
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >>> 21);
  return result;
}

/** A uniform in (0, 1) from one fresh 32-bit word. */
function uniform(s: Int32Array): number {
  return ((nextWord(s) >>> 0) + 0.5) * TWO_POW_MINUS_32;
}

class XoshiroZigguratStream implements FastNormalStream {
  /** xoshiro128** state s0..s3 as int32 words, never all zero. */
  private readonly state = new Int32Array(4);

  constructor(seed: number | string, path: StreamKey[]) {
    const seeder = createRng(seed, ...path, 'fast-normal');
    for (let k = 0; k < 4; k++) this.state[k] = Math.floor(seeder.uniform() * TWO_POW_32);
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) this.state[0] = 1;
  }

  fill(out: Float32Array, offset = 0, length = out.length - offset): void {
    const inside = Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0;
    if (!inside || offset + length > out.length) {
      throw new RangeError(`fill range [${offset}, ${offset} + ${length}) is not inside an array of ${out.length}`);
    }
    const state = this.state;
    const fast = FAST;
    let s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    const end = offset + length;
    let k = offset;
    for (;;) {
      // the fast path in a loop of its own: with the slow path's call inside it, it ran 1.5x as long
      let r = 0;
      for (; k < end; k++) {
        // one xoshiro128** step, as nextWord but on locals
        const a = Math.imul(s1, 5);
        r = Math.imul((a << 7) | (a >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const m = (r >>> 9) + 0.5;
        if (m >= fast[512 + (r & 255)]) break;
        out[k] = m * fast[r & 511];
      }
      // one write-back for the slow path and the end, so that V8 has seen it run before it optimizes
      state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
      if (k === end) return;
      out[k++] = slowDraw(state, r);
      s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3];
    }
  }
}

/**
 * The rest of the ziggurat for a word `r` that missed the fast path (1.5 % of draws): the tail for
 * layer 0, the wedge test otherwise, and on rejection whole new draws from `s` until one is accepted.
 */
function slowDraw(s: Int32Array, r: number): number {
  for (;;) {
    const i = r & 255;
    const m = (r >>> 9) + 0.5;
    const z = m * FAST[r & 511];
    if (m < FAST[512 + i]) return z;
    if (i === 0) {
      // Marsaglia's tail: R + xx with xx ~ Exp(R) accepted with probability exp(-xx^2 / 2)
      let xx: number, yy: number;
      do {
        xx = -Math.log(uniform(s)) / R;
        yy = -Math.log(uniform(s));
      } while (2 * yy < xx * xx);
      return r & 256 ? -(R + xx) : R + xx;
    }
    // wedge: y uniform between the bottom f[i] and the top f[i+1] of layer i, accepted under the curve
    if (F[i] + uniform(s) * (F[i + 1] - F[i]) < Math.exp(-0.5 * z * z)) return z;
    r = nextWord(s);
  }
}

/** The stream for (seed, ...path), same derivation rule as createRng: same arguments, same bits. */
export function createFastNormalStream(seed: number | string, ...path: StreamKey[]): FastNormalStream {
  return new XoshiroZigguratStream(seed, path);
}
