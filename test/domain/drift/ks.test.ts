import { describe, it, expect } from 'vitest';
import { kolmogorovSf } from '../../../src/domain/drift/kolmogorov.js';
import { probOutsideBand, probOutsideSquare } from '../../../src/domain/drift/ks-exact.js';
import { ksTwoSample } from '../../../src/domain/drift/ks.js';
import { expectAbsolute, fixtures, sample } from './fixtures.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('ksTwoSample: SciPy’s own test vectors (TestKSTwoSamples)', () => {
  it('x = [0.99, 1.99], y = [1, 2, 3] → D = 2/3, p = 0.6', () => {
    const r = ksTwoSample(f64([0.99, 1.99]), f64([1, 2, 3]));
    expectAbsolute(r.statistic, 2 / 3, 1e-12);
    expectAbsolute(r.pValue, 0.6, 1e-12);
    expect(r.method).toBe('exact');
  });

  it('x = [1.01, 2.01], y = [1, 2, 3, 4] → D = 0.5, p = 14/15', () => {
    const r = ksTwoSample(f64([1.01, 2.01]), f64([1, 2, 3, 4]));
    expectAbsolute(r.statistic, 0.5, 1e-12);
    expectAbsolute(r.pValue, 14 / 15, 1e-12);
  });

  it('linspace(1, 100, 100) vs linspace(1, 100, 110) + 20.1 → D = 232/1100, p = 0.015739183865607353', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const y = Float64Array.from({ length: 110 }, (_, i) => i * (99 / 109) + 1 + 20.1);
    const r = ksTwoSample(x, y);
    expectAbsolute(r.statistic, 232 / 1100, 1e-12);
    expectAbsolute(r.pValue, 0.015739183865607353, 1e-12);
  });
});

describe('ksTwoSample against SciPy ks_2samp (auto)', () => {
  for (const c of fixtures.ks) {
    it(`${c.name}`, () => {
      const r = ksTwoSample(sample(c.x), sample(c.y));
      expectAbsolute(r.statistic, c.statistic, 1e-6, 'D');
      expectAbsolute(r.pValue, c.pvalue, 1e-6, 'p');
      expect(r.method).toBe(c.method);
    });
  }

  it('is symmetric in its samples and leaves the inputs unsorted', () => {
    const a = f64([3, 1, 2, 2, 9]);
    const b = f64([2, 5, 4]);
    const ab = ksTwoSample(a, b);
    const ba = ksTwoSample(b, a);
    expect(ab).toEqual(ba);
    expect(Array.from(a)).toEqual([3, 1, 2, 2, 9]);
  });

  it('refuses an empty sample, as SciPy does', () => {
    expect(() => ksTwoSample(f64([]), f64([1]))).toThrow(RangeError);
  });

  it('can be forced to the asymptotic distribution', () => {
    const r = ksTwoSample(f64([0.99, 1.99]), f64([1, 2, 3]), 'asymptotic');
    expect(r.method).toBe('asymptotic');
    // kstwo.sf(2/3, round(1.2)) = kstwo.sf(2/3, 1) = 1 − (2·(2/3) − 1) = 2/3.
    expectAbsolute(r.pValue, 2 / 3, 1e-12);
  });
});

describe('kolmogorovSf against SciPy kstwo.sf', () => {
  it(`agrees on ${fixtures.kstwo_sf.length} (n, x) pairs across every method region`, () => {
    // Tighter than the 1e-6 KS p-values need: within 1e-9 relative, tails included.
    for (const [n, x, p] of fixtures.kstwo_sf) {
      const got = kolmogorovSf(n, x);
      const ok = Math.abs(got - p) <= 1e-13 || Math.abs(got - p) <= 1e-9 * p;
      expect(ok, `n=${n} x=${x}: ${got} vs ${p}`).toBe(true);
    }
  });

  it('is 1 at and below 1/(2n) and 0 from 1', () => {
    expect(kolmogorovSf(10, 0.05)).toBe(1);
    expect(kolmogorovSf(10, 1)).toBe(0);
  });
});

describe('exact two-sample probabilities against SciPy', () => {
  it(`agree on ${fixtures.ks_exact_prob.length} (m, n, h) triples`, () => {
    for (const { m, n, h, p } of fixtures.ks_exact_prob) {
      const g = gcd(m, n);
      const got = m === n ? probOutsideSquare(n, h) : probOutsideBand(m, n, g, h);
      expectAbsolute(got, p, 1e-12, `m=${m} n=${n} h=${h}`);
    }
  });
});

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
