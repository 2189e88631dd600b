/**
 * Which test a column gets unless the project says otherwise, and how its score reads.
 * This is Evidently's default (`stattests/registry.py`, `_get_default_stattest`):
 *
 * | reference values | column                          | test                          | drift when |
 * | ---------------- | ------------------------------- | ----------------------------- | ---------- |
 * | ≤ 1000           | numeric, > 5 distinct           | two-sample Kolmogorov–Smirnov | p < 0.05   |
 * | ≤ 1000           | numeric 3–5, or categorical > 2 | chi-square                    | p < 0.05   |
 * | ≤ 1000           | ≤ 2 distinct                    | z-test for proportions        | p < 0.05   |
 * | > 1000           | numeric, > 5 distinct           | Wasserstein / std(reference)  | ≥ 0.1      |
 * | > 1000           | numeric ≤ 5, or categorical     | Jensen–Shannon (base 2)       | ≥ 0.1      |
 *
 * "Reference values" and "distinct" count non-missing values only; distinct values are counted
 * over reference and current together (a value new in the current batch counts).
 */

export const DRIFT_TEST_NAMES = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
export type DriftTestName = (typeof DRIFT_TEST_NAMES)[number];

export type ColumnKind = 'numeric' | 'categorical';

/** p-value tests flag drift below the threshold, distances at or above it. */
export type ScoreKind = 'p_value' | 'distance';

export interface DriftTestInfo {
  label: string;
  score: ScoreKind;
  defaultThreshold: number;
  /** KS and Wasserstein need an order on the values, so numbers. */
  numericOnly: boolean;
}

export const DRIFT_TESTS: Record<DriftTestName, DriftTestInfo> = {
  ks: { label: 'Kolmogorov–Smirnov p-value', score: 'p_value', defaultThreshold: 0.05, numericOnly: true },
  chisquare: { label: 'chi-square p-value', score: 'p_value', defaultThreshold: 0.05, numericOnly: false },
  z: { label: 'Z-test p-value', score: 'p_value', defaultThreshold: 0.05, numericOnly: false },
  wasserstein: { label: 'Wasserstein distance (normed)', score: 'distance', defaultThreshold: 0.1, numericOnly: true },
  jensenshannon: { label: 'Jensen–Shannon distance', score: 'distance', defaultThreshold: 0.1, numericOnly: false },
  psi: { label: 'PSI', score: 'distance', defaultThreshold: 0.1, numericOnly: false },
};

/** Up to this many reference values a column gets a hypothesis test, above it a distance. */
export const SMALL_REFERENCE_MAX = 1000;

export interface ColumnShape {
  kind: ColumnKind;
  /** Non-missing reference values. */
  nReference: number;
  /** Distinct non-missing values over reference and current together. */
  nUnique: number;
}

export function chooseTest(column: ColumnShape): DriftTestName {
  const { kind, nReference, nUnique } = column;
  if (nReference <= SMALL_REFERENCE_MAX) {
    if (kind === 'numeric' && nUnique > 5) return 'ks';
    return nUnique > 2 ? 'chisquare' : 'z';
  }
  return kind === 'numeric' && nUnique > 5 ? 'wasserstein' : 'jensenshannon';
}

export function isDrift(test: DriftTestName, score: number, threshold: number): boolean {
  return DRIFT_TESTS[test].score === 'p_value' ? score < threshold : score >= threshold;
}
