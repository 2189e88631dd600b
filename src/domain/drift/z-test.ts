import { normalSf } from './special-functions.js';
import type { Frequencies } from './values.js';

export interface ZTestResult {
  /** z of the difference in proportions, reference minus current. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Two-proportion z-test, Evidently's `z_stat_test` (`proportions_diff_z_stat_ind`): for a
 * binary column, with p₁ and p₂ the share of one category in reference and current,
 *
 *   P = (p₁n₁ + p₂n₂) / (n₁ + n₂),   z = (p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂)),   p = 2·Pr(Z > |z|).
 *
 * The share is of the first category (first seen in the reference); with two categories the
 * choice does not matter, as it only flips the sign of z. (With more than two, the others are
 * lumped together, as in Evidently.) When both samples hold a single, identical value there is
 * nothing to compare and p = 1.
 *
 * Evidently writes the tail as 2·(1 − Φ(|z|)), which rounds to 0 below about 1e-16; we use the
 * normal survival function directly, the same value where both are representable.
 */
export function zTest(f: Frequencies): ZTestResult {
  const n1 = f.nReference;
  const n2 = f.nCurrent;
  if (n1 === 0 || n2 === 0) throw new RangeError('Z-test needs values in both samples.');
  const p1 = f.reference[0]! / n1;
  const p2 = f.current[0]! / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
