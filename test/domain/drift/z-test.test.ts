import { describe, it, expect } from 'vitest';
import { alignCounts } from '../../../src/domain/drift/values.js';
import { zTest } from '../../../src/domain/drift/z-test.js';
import { expectRelative, fixtures } from './fixtures.js';

const freq = ([a1, b1]: [number, number], [a2, b2]: [number, number]) =>
  alignCounts(
    new Map([['a', a1], ['b', b1]].filter(([, n]) => (n as number) > 0) as [string, number][]),
    new Map([['a', a2], ['b', b2]].filter(([, n]) => (n as number) > 0) as [string, number][]),
  );

describe('zTest (Evidently’s proportions_diff_z_stat_ind, two-sided) against SciPy', () => {
  for (const c of fixtures.ztest) {
    it(`${c.reference} vs ${c.current}`, () => {
      const r = zTest(freq(c.reference, c.current));
      // The sign of z depends on which category is counted; the p-value does not.
      expectRelative(Math.abs(r.statistic), Math.abs(c.statistic), 1e-9, 'z');
      expectRelative(r.pValue, c.pvalue, 1e-9, 'p');
    });
  }

  it('has nothing to compare when both samples hold one identical value (p = 1)', () => {
    expect(zTest(freq([12, 0], [30, 0]))).toEqual({ statistic: 0, pValue: 1 });
  });
});
