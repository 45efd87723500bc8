import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Every random number in xbar comes from one of these, created from a seed
 * and a stream path, never from `Math.random`.
 *
 * Streams are derived from (seed, ...path): the stream for Monte-Carlo trial 7's programming step is
 * `createRng(seed, 'trial', 7, 'program')`, whichever worker runs that trial, so results do not depend
 * on how trials are split over workers or threads.
 *
 * The generator is seedrandom's xor4096 (Brent's xorgens, period 2^4096 - 1), far faster than
 * seedrandom's default ARC4. Uniform doubles carry 53 random bits; normals come from the Box-Muller
 * transform, both values of each pair used.
 */
export interface Rng {
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal draw, N(0, 1). */
  normal(): number;
  /** Fills `out[offset .. offset + length)` with uniform doubles in [0, 1). */
  fillUniform(out: Float64Array, offset?: number, length?: number): void;
  /** Fills `out[offset .. offset + length)` with standard normal draws. */
  fillNormal(out: Float64Array, offset?: number, length?: number): void;
}

/** One component of a stream path: a name such as 'program' or an index such as a trial number. */
export type StreamKey = string | number;

const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const TWO_POW_26 = 67108864;
const TWO_PI = 2 * Math.PI;

class Xor4096Stream implements Rng {
  private readonly next32: () => number;
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seedText: string) {
    const generator = seedrandom.xor4096(seedText);
    this.next32 = () => generator.int32();
  }

  uniform(): number {
    const high = this.next32() >>> 5; // 27 bits
    const low = this.next32() >>> 6; // 26 bits
    return (high * TWO_POW_26 + low) * TWO_POW_MINUS_53;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    // Box-Muller: 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = TWO_PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }

  fillUniform(out: Float64Array, offset = 0, length = out.length - offset): void {
    const end = offset + length;
    for (let i = offset; i < end; i++) out[i] = this.uniform();
  }

  fillNormal(out: Float64Array, offset = 0, length = out.length - offset): void {
    const end = offset + length;
    let i = offset;
    if (this.hasSpare && i < end) {
      out[i++] = this.spareNormal;
      this.hasSpare = false;
    }
    for (; i + 1 < end; i += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const angle = TWO_PI * this.uniform();
      out[i] = radius * Math.cos(angle);
      out[i + 1] = radius * Math.sin(angle);
    }
    if (i < end) out[i] = this.normal();
  }
}

/**
 * Creates the random stream for `seed` and the stream path `path`. The same arguments always give
 * the same sequence; different paths give independent-looking sequences.
 */
export function createRng(seed: number | string, ...path: StreamKey[]): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
  }
  return new Xor4096Stream(['xbar', String(seed), ...path.map(String)].join('\u001f'));
}
