import { describe, it, expect } from 'vitest';
import { chiSquareSf, erfc, gammaP, gammaQ, logGamma, normalSf } from '../../../src/domain/drift/special-functions.js';
import { expectAbsolute, expectRelative, fixtures } from './fixtures.js';

describe('special functions against SciPy', () => {
  it(`chiSquareSf matches chi2.sf on ${fixtures.chi2_sf.length} (x, df) pairs, tails included`, () => {
    for (const [x, df, p] of fixtures.chi2_sf) expectRelative(chiSquareSf(x, df), p, 1e-9, `x=${x} df=${df}`);
  });

  it(`normalSf matches norm.sf from z = −10 to 37`, () => {
    for (const [z, p] of fixtures.norm_sf) expectRelative(normalSf(z), p, 1e-9, `z=${z}`);
  });

  it('logGamma matches gammaln', () => {
    for (const [x, v] of fixtures.gammaln) expectAbsolute(logGamma(x), v, 1e-12 * Math.max(1, Math.abs(v)), `x=${x}`);
  });
});

describe('incomplete gamma and friends', () => {
  it('P + Q = 1 on both sides of the series / continued-fraction switch', () => {
    for (const [a, x] of [[0.5, 0.2], [3, 3.9], [3, 4.1], [50, 49], [50, 52], [1000, 1010]] as const) {
      expectAbsolute(gammaP(a, x) + gammaQ(a, x), 1, 1e-14, `a=${a} x=${x}`);
    }
  });

  it('has the closed forms Q(1, x) = e^−x and erfc(0) = 1, erfc(−x) = 2 − erfc(x)', () => {
    expectRelative(gammaQ(1, 2.5), Math.exp(-2.5), 1e-14);
    expect(erfc(0)).toBe(1);
    expectRelative(erfc(-0.7), 2 - erfc(0.7), 1e-15);
  });

  it('answers the edges instead of throwing', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Infinity, 3)).toBe(0);
    expect(chiSquareSf(1, 0)).toBeNaN();
    expect(normalSf(Infinity)).toBe(0);
    expect(normalSf(-Infinity)).toBe(1);
    expect(normalSf(Number.NaN)).toBeNaN();
    expect(logGamma(-1)).toBeNaN();
  });
});
