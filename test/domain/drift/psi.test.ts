import { describe, it, expect } from 'vitest';
import { binNumeric, histogramCounts, linspace, sturgesEdges } from '../../../src/domain/drift/binning.js';
import { jensenShannon } from '../../../src/domain/drift/jensen-shannon.js';
import { psi, psiOfProportions } from '../../../src/domain/drift/psi.js';
import { sortedCopy } from '../../../src/domain/drift/sort.js';
import { expectAbsolute, expectRelative, fixtures, sample } from './fixtures.js';

describe('PSI', () => {
  it('reproduces the worked example p = (0.2, 0.5, 0.3), q = (0.1, 0.6, 0.3) → 0.0875', () => {
    const value = psiOfProportions([0.2, 0.5, 0.3], [0.1, 0.6, 0.3]);
    expectAbsolute(value, 0.0875, 5e-5);
    expectRelative(value, 0.1 * Math.log(2) + 0.1 * Math.log(6 / 5), 1e-15);
    expect(psi([0.2, 0.5, 0.3], [0.1, 0.6, 0.3])).toBe(value);
  });

  it('is 0 for identical proportions and symmetric', () => {
    expect(psi([0.25, 0.75], [0.25, 0.75])).toBe(0);
    expectRelative(psi([0.2, 0.8], [0.4, 0.6]), psi([0.4, 0.6], [0.2, 0.8]), 1e-15);
  });

  it('replaces empty bins with 0.0001, or min/10⁶ when the smallest share is already that small', () => {
    expectRelative(psi([0.5, 0.5], [1, 0]), (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001), 1e-15);
    const tiny = 0.00005;
    const p = [1 - tiny, tiny, tiny / 1e6];
    const q = [1 - tiny, tiny / 2, tiny / 2];
    const expected = p.reduce((s, pi, i) => s + (pi - q[i]!) * Math.log(pi / q[i]!), 0);
    expectRelative(psi([1 - tiny, tiny, 0], q), expected, 1e-12);
    expect(psiOfProportions([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  for (const c of fixtures.psi) {
    it(`matches Evidently’s psi and jensenshannon on binned data: ${c.name}`, () => {
      const b = binNumeric(sortedCopy(sample(c.reference)), sortedCopy(sample(c.current)));
      expectRelative(psi(b.reference, b.current), c.psi, 1e-9, 'psi');
      expectRelative(jensenShannon(b.reference, b.current), c.jensenshannon, 1e-9, 'js');
    });
  }
});

describe('binning as NumPy does it', () => {
  it('linspace ends exactly at stop', () => {
    expect(Array.from(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0.1, 0.7, 7)[6]).toBe(0.7);
  });

  it('Sturges: ⌈range / (range / (log₂ n + 1))⌉ bins, a constant sample widened by ½ each side', () => {
    expect(sturgesEdges(0, 10, 1024).length).toBe(12); // log₂ 1024 + 1 = 11 bins
    expect(Array.from(sturgesEdges(3, 3, 50))).toEqual([2.5, 3.5]);
  });

  it('counts [e_k, e_k+1) with the last bin closed, like np.histogram', () => {
    const sorted = Float64Array.from([0, 1, 1, 2, 3, 4, 4]);
    expect(Array.from(histogramCounts(sorted, Float64Array.from([0, 1, 2, 4])))).toEqual([1, 2, 4]);
    expect(Array.from(histogramCounts(sorted, Float64Array.from([1, 2, 3])))).toEqual([2, 2]);
  });
});
