import { describe, it, expect } from 'vitest';
import { chiSquareTest } from '../../../src/domain/drift/chi-square.js';
import { alignCounts } from '../../../src/domain/drift/values.js';
import { expectRelative, fixtures } from './fixtures.js';

const counts = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

describe('chiSquareTest (Evidently’s chi_stat_test) against scipy.stats.chisquare', () => {
  for (const c of fixtures.chisquare) {
    it(`${JSON.stringify(c.reference)} → ${JSON.stringify(c.current)}`, () => {
      const r = chiSquareTest(alignCounts(counts(c.reference), counts(c.current)));
      expectRelative(r.statistic, c.statistic, 1e-9, 'statistic');
      expectRelative(r.pValue, c.pvalue, 1e-9, 'p');
      expect(r.df).toBe(Object.keys({ ...c.reference, ...c.current }).length - 1);
    });
  }

  it('scales expected counts to the current size: same proportions give statistic 0, p = 1', () => {
    const r = chiSquareTest(alignCounts(counts({ a: 10, b: 30 }), counts({ a: 100, b: 300 })));
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('reads a category unseen in the reference as drift (infinite statistic, p = 0)', () => {
    const r = chiSquareTest(alignCounts(counts({ a: 10, b: 30 }), counts({ a: 10, b: 28, c: 2 })));
    expect(r.statistic).toBe(Infinity);
    expect(r.pValue).toBe(0);
  });

  it('has nothing to test with a single category (p = 1)', () => {
    expect(chiSquareTest(alignCounts(counts({ a: 5 }), counts({ a: 9 }))).pValue).toBe(1);
  });

  it('refuses an empty sample', () => {
    expect(() => chiSquareTest(alignCounts(counts({}), counts({ a: 1 })))).toThrow(RangeError);
  });
});
