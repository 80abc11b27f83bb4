/**
 * Seeded pseudo-random numbers: the only source of randomness in deep-faker.
 *
 * `Rng` is sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit state), seeded through
 * splitmix32 so that nearby seeds give unrelated streams. It is fast in JavaScript because it only
 * uses 32-bit integer operations. Streams are split by *label*: `Rng.derive(seed, 'session', 42)`
 * always gives the same stream, whatever else the simulation did before, which is what keeps
 * unrelated data stable when a flow or a sink is added.
 *
 * @example
 * const rng = Rng.derive(42, 'session', 7);
 * rng.int(1, 6); // a die roll, the same on every run with seed 42
 */

import { formatUuid } from './uuid';

// ---------------------------------------------------------------------------------------------
// hashing
// ---------------------------------------------------------------------------------------------

/** Mixes a 32-bit integer (murmur3 finaliser). */
const mix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** The hash of a seed alone, before any label. */
const seedHash = (seed: number): number => mix32((seed | 0) ^ 0x9e3779b9) ^ mix32(Math.floor(seed / 4294967296) | 0);

/** Extends a hash with one label. */
const withLabel = (h: number, label: number | string): number => {
  if (typeof label === 'number') return mix32(h ^ mix32((label | 0) + 0x632be59b)) ^ mix32(Math.floor(label / 4294967296) | 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return mix32(h ^ label.length);
};

/** Hashes a seed and a list of labels (numbers or strings) to one 32-bit seed. */
export const deriveSeed = (seed: number, ...labels: ReadonlyArray<number | string>): number => {
  let h = seedHash(seed);
  for (let i = 0; i < labels.length; i++) h = withLabel(h, labels[i]);
  return h >>> 0;
};

/**
 * `deriveSeed(seed, ...labels, n)` for many `n`: the labels are hashed once. The engine derives
 * one stream per session this way.
 *
 * @example
 * const sessionSeed = seedFamily(42, 'session');
 * sessionSeed(7) === deriveSeed(42, 'session', 7); // true
 */
export const seedFamily = (seed: number, ...labels: ReadonlyArray<number | string>): ((n: number) => number) => {
  let h = seedHash(seed);
  for (let i = 0; i < labels.length; i++) h = withLabel(h, labels[i]);
  const prefix = h;
  return (n) => withLabel(prefix, n) >>> 0;
};

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** A seeded random source (sfc32). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the generator from a 32-bit integer (other numbers are hashed first). */
  constructor(seed: number) {
    this.a = this.b = this.c = this.d = 0;
    this.reseed(seed);
  }

  /**
   * Restarts the stream in place, exactly as `new Rng(seed)` would start (the engine reuses one
   * `Rng` per session slot rather than allocating one per session).
   */
  reseed(seed: number): this {
    let s = Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff ? seed : deriveSeed(seed);
    // splitmix32 steps, written out (no closure per Rng: one is made per session slot).
    s = (s + 0x9e3779b9) | 0;
    this.a = mix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.b = mix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.c = mix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.d = mix32(s);
    for (let i = 0; i < 12; i++) this.nextU32();
    return this;
  }

  /** A stream derived from a seed and labels: `Rng.derive(seed, 'session', n)`. */
  static derive(seed: number, ...labels: ReadonlyArray<number | string>): Rng {
    return new Rng(deriveSeed(seed, ...labels));
  }

  /** The next unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A float in [0, 1) with 53 bits of resolution (for wide ranges). */
  next53(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    const lo = Math.ceil(min);
    const span = Math.floor(max) - lo + 1;
    if (!(span > 0)) throw new RangeError(`Rng.int: empty range [${min}, ${max}]`);
    return lo + Math.floor((span <= 4294967296 ? this.next() : this.next53()) * span);
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next53() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.next() < p);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: ReadonlyArray<T>): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[Math.floor(this.next() * items.length)];
  }

  /** An index chosen with probability proportional to `weights[i]` (weights >= 0, sum > 0). */
  weighted(weights: ReadonlyArray<number>): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('Rng.weighted: weights must sum to more than 0');
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return 0;
  }

  /** A standard normal draw (Box-Muller) scaled to mean and standard deviation. */
  gaussian(mean = 0, stddev = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A random RFC 4122 version-4 UUID drawn from this stream. Bits: 32 of the first draw, then
   * 16 + 12 of the second (version nibble 4 between), 2 variant bits + 30 of the third, 32 of the
   * fourth.
   */
  uuid(): string {
    const a = this.nextU32();
    const b = this.nextU32();
    const c = this.nextU32();
    const d = this.nextU32();
    return formatUuid(a, (b & 0xffff0000) | 0x4000 | (b & 0xfff), ((8 | ((c >>> 28) & 3)) << 28) | (c & 0xfffffff), d);
  }

  /** A child stream: `rng.fork('x')` does not advance `rng` and is stable per label. */
  fork(...labels: ReadonlyArray<number | string>): Rng {
    return new Rng(deriveSeed(this.a ^ mix32(this.b) ^ mix32(this.c + 1), ...labels));
  }
}
