import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * The SciPy reference values of test/fixtures/drift/scipy-fixtures.json (written by
 * generate.py there), and the replay of its large-sample recipes.
 */

export interface Recipe {
  seed: number;
  n: number;
  kind: 'uniform' | 'irwinhall' | 'levels';
  loc: number;
  scale: number;
  k?: number;
}
export type Sample = number[] | { recipe: Recipe };

interface Fixtures {
  meta: { scipy: string; numpy: string };
  ks: { name: string; method: 'exact' | 'asymptotic'; statistic: number; pvalue: number; x: Sample; y: Sample }[];
  kstwo_sf: [number, number, number][];
  ks_exact_prob: { m: number; n: number; h: number; p: number }[];
  chi2_sf: [number, number, number][];
  norm_sf: [number, number][];
  gammaln: [number, number][];
  chisquare: { reference: Record<string, number>; current: Record<string, number>; statistic: number; pvalue: number }[];
  wasserstein: { name: string; u: Sample; v: Sample; distance: number; normed: number }[];
  jensenshannon: { p: number[]; q: number[]; distance: number }[];
  ztest: { reference: [number, number]; current: [number, number]; statistic: number; pvalue: number }[];
  psi: { name: string; reference: Sample; current: Sample; psi: number; jensenshannon: number }[];
  auc: { labels: (0 | 1)[]; scores: number[]; auc: number }[];
  regression: { actual: number[]; predicted: number[]; mae: number; rmse: number }[];
}

export const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/drift/scipy-fixtures.json', import.meta.url), 'utf8'),
) as Fixtures;

/**
 * generate.py's `lcg_sample`, operation for operation: a 32-bit LCG and only + − × ÷ and floor,
 * which IEEE-754 rounds identically in both languages.
 */
export function lcgSample(r: Recipe): Float64Array {
  let state = r.seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const out = new Float64Array(r.n);
  for (let i = 0; i < r.n; i++) {
    if (r.kind === 'uniform') {
      out[i] = r.loc + r.scale * next();
    } else if (r.kind === 'irwinhall') {
      const u1 = next();
      const u2 = next();
      const u3 = next();
      const u4 = next();
      out[i] = r.loc + r.scale * (u1 + u2 + u3 + u4 - 2);
    } else {
      out[i] = r.loc + r.scale * Math.floor(next() * r.k!);
    }
  }
  return out;
}

export function sample(s: Sample): Float64Array {
  return Array.isArray(s) ? Float64Array.from(s) : lcgSample(s.recipe);
}

/** |actual − expected| ≤ rel·|expected| (exact equality when expected is 0). */
export function expectRelative(actual: number, expected: number, rel = 1e-9, label = ''): void {
  const ok = expected === 0 ? actual === 0 : Math.abs(actual - expected) <= rel * Math.abs(expected);
  expect(ok, `${label} ${actual} vs ${expected} (relative ${Math.abs(actual / expected - 1)})`).toBe(true);
}

export function expectAbsolute(actual: number, expected: number, abs: number, label = ''): void {
  expect(Math.abs(actual - expected) <= abs, `${label} ${actual} vs ${expected}`).toBe(true);
}
