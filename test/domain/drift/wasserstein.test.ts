import { describe, it, expect } from 'vitest';
import { normedWasserstein, populationStd, wasserstein } from '../../../src/domain/drift/wasserstein.js';
import { expectRelative, fixtures, sample } from './fixtures.js';

describe('wasserstein against scipy.stats.wasserstein_distance', () => {
  for (const c of fixtures.wasserstein) {
    it(c.name, () => {
      const u = sample(c.u);
      const v = sample(c.v);
      expectRelative(wasserstein(u, v), c.distance, 1e-9, 'W');
      expectRelative(normedWasserstein(u, v), c.normed, 1e-9, 'normed');
    });
  }

  it('is 0 between a sample and a permutation of itself, and symmetric', () => {
    const a = Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(wasserstein(a, a.slice().reverse())).toBe(0);
    const b = Float64Array.from([2, 7, 1, 8]);
    expect(wasserstein(a, b)).toBe(wasserstein(b, a));
  });

  it('floors the reference std at 0.001 (constant reference)', () => {
    const ref = new Float64Array(10).fill(1);
    const cur = new Float64Array(10).fill(1.0005);
    expect(populationStd(ref)).toBe(0);
    expectRelative(normedWasserstein(ref, cur), 0.0005 / 0.001, 1e-9);
  });

  it('refuses an empty sample', () => {
    expect(() => wasserstein(new Float64Array(0), Float64Array.from([1]))).toThrow(RangeError);
  });
});
