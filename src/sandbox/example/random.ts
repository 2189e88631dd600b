/**
 * Seeded pseudo-random numbers, so every "Load example" makes the same project: the same metrics,
 * the same commits, the same drifted batch.
 */
export type Random = () => number;

/** mulberry32: small, fast and good enough for example data. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller. */
export function normal(rand: Random, mean: number, sd: number): number {
  const u = Math.max(rand(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Uniform in [-half, half]. */
export function jitter(rand: Random, half: number): number {
  return (rand() * 2 - 1) * half;
}

/** One of `values`, drawn with the given weights. */
export function pick<T>(rand: Random, values: readonly T[], weights: readonly number[]): T {
  let r = rand() * weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) {
    r -= w;
    if (r <= 0) return values[i]!;
  }
  return values[values.length - 1]!;
}

/** A short git sha. */
export function sha(rand: Random): string {
  return Array.from({ length: 7 }, () => Math.floor(rand() * 16).toString(16)).join('');
}

export const round = (n: number, digits: number): number => Number(n.toFixed(digits));
