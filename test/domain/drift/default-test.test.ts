import { describe, it, expect } from 'vitest';
import { chooseTest, isDrift, type ColumnKind, type DriftTestName } from '../../../src/domain/drift/default-test.js';

describe('chooseTest: the default-test table', () => {
  it.each<[number, ColumnKind, number, DriftTestName]>([
    // reference ≤ 1000: hypothesis tests
    [1000, 'numeric', 6, 'ks'],
    [10, 'numeric', 500, 'ks'],
    [1000, 'numeric', 5, 'chisquare'],
    [1000, 'numeric', 3, 'chisquare'],
    [1000, 'numeric', 2, 'z'],
    [1000, 'numeric', 1, 'z'],
    [1000, 'categorical', 3, 'chisquare'],
    [1000, 'categorical', 40, 'chisquare'],
    [1000, 'categorical', 2, 'z'],
    [1, 'categorical', 1, 'z'],
    // reference > 1000: distances
    [1001, 'numeric', 6, 'wasserstein'],
    [1_000_000, 'numeric', 1_000_000, 'wasserstein'],
    [1001, 'numeric', 5, 'jensenshannon'],
    [1001, 'numeric', 2, 'jensenshannon'],
    [1001, 'categorical', 2, 'jensenshannon'],
    [5000, 'categorical', 300, 'jensenshannon'],
  ])('%i reference values, %s, %i distinct → %s', (nReference, kind, nUnique, test) => {
    expect(chooseTest({ kind, nReference, nUnique })).toBe(test);
  });
});

describe('isDrift', () => {
  it('p-value tests drift strictly below the threshold', () => {
    expect(isDrift('ks', 0.049, 0.05)).toBe(true);
    expect(isDrift('ks', 0.05, 0.05)).toBe(false);
    expect(isDrift('chisquare', 0.2, 0.05)).toBe(false);
    expect(isDrift('z', 0, 0.05)).toBe(true);
  });

  it('distances drift at or above the threshold', () => {
    expect(isDrift('wasserstein', 0.1, 0.1)).toBe(true);
    expect(isDrift('jensenshannon', 0.099, 0.1)).toBe(false);
    expect(isDrift('psi', 0.3, 0.25)).toBe(true);
  });
});
