import { binNumeric, proportionsOf, type Proportions } from './binning.js';
import { categoryHistogram, numericHistogram, type DriftHistogram } from './chart.js';
import { chiSquareTest } from './chi-square.js';
import { DRIFT_TESTS, chooseTest, isDrift, type ColumnKind, type DriftTestName, type ScoreKind } from './default-test.js';
import { jensenShannon } from './jensen-shannon.js';
import { ksTwoSampleSorted } from './ks.js';
import { psi } from './psi.js';
import { ColumnOptions, DriftSettings, type ColumnOptionsInput, type DriftSettingsInput } from './settings.js';
import { sortedCopy } from './sort.js';
import {
  alignCounts,
  categoryCounts,
  distinctCount,
  finiteNumbers,
  looksNumeric,
  runs,
  type ColumnValues,
  type Frequencies,
  type MissingCounts,
} from './values.js';
import { normedWassersteinSorted } from './wasserstein.js';
import { zTest } from './z-test.js';

export interface ColumnInput {
  reference: ColumnValues;
  current: ColumnValues;
}

interface ColumnResultBase {
  kind: ColumnKind;
  /** Values that entered the statistics (non-missing). */
  nReference: number;
  nCurrent: number;
  /** Values left out: null/undefined, NaN, ±Infinity. */
  missing: { reference: MissingCounts; current: MissingCounts };
}

export interface EvaluatedColumn extends ColumnResultBase {
  evaluable: true;
  test: DriftTestName;
  /** The test's p-value or distance (see `scoreKind`). */
  score: number;
  scoreKind: ScoreKind;
  /** The p-value tests' statistic: KS D, chi-square, z. Null for distances. */
  statistic: number | null;
  threshold: number;
  drifted: boolean;
  /** Population Stability Index, reported for every column whatever its test (psi.ts). */
  psi: number;
  /** Distinct non-missing values over reference and current together. */
  nUnique: number;
  histogram: DriftHistogram;
}

export type NotEvaluableReason = 'no_reference_values' | 'no_current_values' | 'not_numeric' | 'test_needs_numbers';

/** A column the statistics cannot be computed on; reported, never thrown, as batches vary. */
export interface NotEvaluableColumn extends ColumnResultBase {
  evaluable: false;
  reason: NotEvaluableReason;
  message: string;
  drifted: false;
}

export type ColumnDriftResult = EvaluatedColumn | NotEvaluableColumn;

/**
 * Drift of one column between a reference sample and a current batch: the test of the default
 * table (default-test.ts) unless overridden, its verdict, PSI, and a histogram for the chart.
 * The kind is inferred (numbers only → numeric) unless given. Options are validated (a ZodError
 * names a bad one).
 */
export function evaluateColumn(reference: ColumnValues, current: ColumnValues, options?: ColumnOptionsInput): ColumnDriftResult {
  const opts = ColumnOptions.parse(options ?? {});
  const numeric = looksNumeric(reference) && looksNumeric(current);
  const kind = opts.kind ?? (numeric ? 'numeric' : 'categorical');
  if (kind === 'numeric' && !numeric) {
    const missing = { reference: categoryCounts(reference).missing, current: categoryCounts(current).missing };
    return notEvaluable(kind, 0, 0, missing, 'not_numeric', 'The column is set as numeric but holds values that are not numbers.');
  }
  return kind === 'numeric' ? evaluateNumeric(reference, current, opts) : evaluateCategorical(reference, current, opts);
}

function evaluateNumeric(referenceValues: ColumnValues, currentValues: ColumnValues, opts: ColumnOptions): ColumnDriftResult {
  const ref = finiteNumbers(referenceValues);
  const cur = finiteNumbers(currentValues);
  const missing = { reference: ref.missing, current: cur.missing };
  const empty = emptiness('numeric', ref.values.length, cur.values.length, missing);
  if (empty) return empty;

  const reference = sortedCopy(ref.values);
  const current = sortedCopy(cur.values);
  const nUnique = distinctCount(reference, current);
  const test = opts.test ?? chooseTest({ kind: 'numeric', nReference: reference.length, nUnique });
  // Computed at most once: PSI always needs the bins, Jensen–Shannon may too.
  let binned: Proportions | undefined;
  const bins = (): Proportions => (binned ??= binNumeric(reference, current));
  const counts = (): Frequencies => alignCounts(runs(reference), runs(current));

  let score: number;
  let statistic: number | null = null;
  switch (test) {
    case 'ks': {
      const r = ksTwoSampleSorted(reference, current);
      [score, statistic] = [r.pValue, r.statistic];
      break;
    }
    case 'wasserstein':
      score = normedWassersteinSorted(reference, current);
      break;
    case 'chisquare': {
      const r = chiSquareTest(counts());
      [score, statistic] = [r.pValue, r.statistic];
      break;
    }
    case 'z': {
      const r = zTest(counts());
      [score, statistic] = [r.pValue, r.statistic];
      break;
    }
    case 'jensenshannon':
      score = jensenShannon(bins().reference, bins().current);
      break;
    case 'psi':
      score = psi(bins().reference, bins().current);
      break;
  }
  return verdict('numeric', test, score, statistic, opts, {
    nReference: reference.length,
    nCurrent: current.length,
    missing,
    psi: psi(bins().reference, bins().current),
    nUnique,
    histogram: numericHistogram(reference, current, nUnique, opts.histogramBins, opts.topCategories),
  });
}

function evaluateCategorical(referenceValues: ColumnValues, currentValues: ColumnValues, opts: ColumnOptions): ColumnDriftResult {
  const ref = categoryCounts(referenceValues);
  const cur = categoryCounts(currentValues);
  const missing = { reference: ref.missing, current: cur.missing };
  const empty = emptiness('categorical', ref.n, cur.n, missing);
  if (empty) return empty;

  const f = alignCounts(ref.counts, cur.counts);
  const nUnique = f.categories.length;
  const test = opts.test ?? chooseTest({ kind: 'categorical', nReference: ref.n, nUnique });
  if (DRIFT_TESTS[test].numericOnly) {
    return notEvaluable('categorical', ref.n, cur.n, missing, 'test_needs_numbers', `${DRIFT_TESTS[test].label} needs a numeric column.`);
  }
  const proportions = proportionsOf(f);
  let score: number;
  let statistic: number | null = null;
  if (test === 'chisquare' || test === 'z') {
    const r = test === 'chisquare' ? chiSquareTest(f) : zTest(f);
    [score, statistic] = [r.pValue, r.statistic];
  } else if (test === 'jensenshannon') {
    score = jensenShannon(proportions.reference, proportions.current);
  } else {
    score = psi(proportions.reference, proportions.current);
  }
  return verdict('categorical', test, score, statistic, opts, {
    nReference: ref.n,
    nCurrent: cur.n,
    missing,
    psi: psi(proportions.reference, proportions.current),
    nUnique,
    histogram: categoryHistogram(f, opts.topCategories),
  });
}

function verdict(
  kind: ColumnKind,
  test: DriftTestName,
  score: number,
  statistic: number | null,
  opts: ColumnOptions,
  rest: Pick<EvaluatedColumn, 'nReference' | 'nCurrent' | 'missing' | 'psi' | 'nUnique' | 'histogram'>,
): EvaluatedColumn {
  const scoreKind = DRIFT_TESTS[test].score;
  const threshold = opts.threshold ?? (scoreKind === 'p_value' ? opts.pValueThreshold : opts.distanceThreshold);
  return { evaluable: true, kind, test, score, scoreKind, statistic, threshold, drifted: isDrift(test, score, threshold), ...rest };
}

function emptiness(kind: ColumnKind, nReference: number, nCurrent: number, missing: ColumnResultBase['missing']): NotEvaluableColumn | null {
  if (nReference === 0) return notEvaluable(kind, nReference, nCurrent, missing, 'no_reference_values', 'The reference has no usable values (all missing or empty).');
  if (nCurrent === 0) return notEvaluable(kind, nReference, nCurrent, missing, 'no_current_values', 'The current batch has no usable values (all missing or empty).');
  return null;
}

function notEvaluable(
  kind: ColumnKind,
  nReference: number,
  nCurrent: number,
  missing: ColumnResultBase['missing'],
  reason: NotEvaluableReason,
  message: string,
): NotEvaluableColumn {
  return { evaluable: false, kind, nReference, nCurrent, missing, reason, message, drifted: false };
}

/** The key of `DriftSettings.columns` whose overrides apply to every column without its own. */
export const ALL_COLUMNS = '*';

export interface DatasetDriftResult {
  columns: ({ name: string } & ColumnDriftResult)[];
  nColumns: number;
  /** Columns whose statistics could be computed; the share is of these. */
  nEvaluated: number;
  nDrifted: number;
  /** nDrifted / nEvaluated; 0 when nothing could be evaluated. */
  share: number;
  /** The share at or above which the dataset drifts. */
  driftShare: number;
  datasetDrift: boolean;
}

/**
 * Drift of every column, and of the dataset: it drifts when the share of drifted columns reaches
 * `driftShare` (default 0.5), as in Evidently. The share is taken over the columns that could be
 * evaluated, so a column missing from a batch neither dilutes nor inflates it; with none
 * evaluated there is no dataset drift. Settings are validated (ZodError) before any work. Overrides
 * under `columns['*']` apply to every column that has none of its own (they do not merge).
 */
export function evaluateDataset(columns: Readonly<Record<string, ColumnInput>>, settings?: DriftSettingsInput): DatasetDriftResult {
  const s = DriftSettings.parse(settings ?? {});
  const results = Object.entries(columns).map(([name, column]) => {
    // A column's own overrides, else those set for every column (`*`), else none.
    const override = s.columns[name] ?? s.columns[ALL_COLUMNS] ?? {};
    const options: ColumnOptions = {
      pValueThreshold: s.pValueThreshold,
      distanceThreshold: s.distanceThreshold,
      histogramBins: s.histogramBins,
      topCategories: s.topCategories,
      ...override,
    };
    return { name, ...evaluateColumn(column.reference, column.current, options) };
  });
  const nEvaluated = results.filter((r) => r.evaluable).length;
  const nDrifted = results.filter((r) => r.drifted).length;
  const share = nEvaluated === 0 ? 0 : nDrifted / nEvaluated;
  return {
    columns: results,
    nColumns: results.length,
    nEvaluated,
    nDrifted,
    share,
    driftShare: s.driftShare,
    datasetDrift: nEvaluated > 0 && share >= s.driftShare,
  };
}
