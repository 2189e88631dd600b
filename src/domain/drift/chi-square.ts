import { chiSquareSf } from './special-functions.js';
import type { Frequencies } from './values.js';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom: categories in the union minus one. */
  df: number;
}

/**
 * Chi-square goodness of fit of the current batch against the reference, Evidently's
 * `chi_stat_test`:
 *
 *   categories  = union of the non-missing values of reference and current
 *   observed_c  = count of c in current
 *   expected_c  = count of c in reference · (n_current / n_reference)
 *   statistic   = Σ_c (observed_c − expected_c)² / expected_c,   df = #categories − 1
 *   p-value     = Pr(χ²_df ≥ statistic)   (= scipy.stats.chisquare(observed, expected))
 *
 * n counts non-missing values only. Expected and observed both sum to n_current, so this is the
 * one-sample test of "current follows the reference proportions", not a 2×k contingency test.
 *
 * Edge cases, as SciPy gives them: a category absent from the reference but present now has
 * expected 0 and makes the statistic infinite (p = 0: a new category is drift). With a single
 * category there are no degrees of freedom; SciPy answers NaN, we answer p = 1 (nothing to test).
 */
export function chiSquareTest(f: Frequencies): ChiSquareResult {
  if (f.nReference === 0 || f.nCurrent === 0) throw new RangeError('Chi-square test needs values in both samples.');
  const k = f.categories.length;
  const df = k - 1;
  const ratio = f.nCurrent / f.nReference;
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const expected = f.reference[i]! * ratio;
    const diff = f.current[i]! - expected;
    statistic += expected === 0 ? (diff === 0 ? 0 : Infinity) : (diff * diff) / expected;
  }
  if (df === 0) return { statistic, pValue: 1, df };
  return { statistic, pValue: statistic === Infinity ? 0 : chiSquareSf(statistic, df), df };
}
