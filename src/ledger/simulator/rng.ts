/**
 * The simulator's only source of randomness: a seeded PRNG (sfc32), so a seed and a scenario always give the same
 * events. Never Math.random (house style §2.9). Independent streams come from `fork(label)`: heartbeats, arrivals
 * and job contents each draw from their own stream, so adding a call to one generator does not shift every other.
 */

/** A seeded stream of random numbers and the distributions the generators need. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
  /** Integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One item, by weight (weights need not sum to 1). */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** Log-normal with the given median and log-space sigma: long-tailed durations and token counts. */
  logNormal(median: number, sigma: number): number;
  /** Exponential with the given mean: waiting times of a Poisson process. */
  exponential(mean: number): number;
  /** `length` lowercase hex digits (trace and span ids). */
  hex(length: number): string;
  /** An independent stream derived from this one's seed and `label`. */
  fork(label: string): Random;
}

/** cyrb53-style 32-bit hash of a string and a seed: derives stream seeds from labels. */
export function hashSeed(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0;
}

const HEX = '0123456789abcdef';

/** A stream seeded with `seed` (any 32-bit integer). */
export function createRandom(seed: number): Random {
  // sfc32 state, warmed up so that nearby seeds diverge at once
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) {
    next();
  }
  let spareNormal: number | undefined;
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    // Box-Muller; 1 - next() is in (0, 1], so the log is finite
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const random: Random = {
    next,
    between: (lo, hi) => lo + next() * (hi - lo),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(items) {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let r = next() * total;
      for (const [item, weight] of items) {
        r -= weight;
        if (r < 0) {
          return item;
        }
      }
      return items[items.length - 1]![0];
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    exponential: (mean) => -mean * Math.log(1 - next()),
    hex(length) {
      let out = '';
      for (let i = 0; i < length; i++) {
        out += HEX[Math.floor(next() * 16)];
      }
      return out;
    },
    fork: (label) => createRandom(hashSeed(label, seed)),
  };
  return random;
}
