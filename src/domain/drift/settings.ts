import { z } from 'zod';
import { DRIFT_TEST_NAMES, DRIFT_TESTS, type DriftTestName as TestName } from './default-test.js';

/**
 * A project's drift settings, validated where they enter (API body, stored JSON). Every field has
 * the default of the table in default-test.ts, so `{}` is a valid, complete configuration.
 * Invalid input throws a ZodError, which the HTTP layer already answers as a 400 naming the field.
 */

export const DriftTestName = z.enum(DRIFT_TEST_NAMES);

const pValue = z.number().gt(0).lt(1);
const distance = z.number().gt(0).finite();

/** Overrides for one column. */
const columnOverrides = {
  /** Treat the column as numeric or categorical; inferred from the values when absent. */
  kind: z.enum(['numeric', 'categorical']).optional(),
  test: DriftTestName.optional(),
  /** In the scale of the column's test: a p-value below which, or a distance from which, it drifts. */
  threshold: distance.optional(),
};

/** Defaults shared by a single column's evaluation and a whole dataset's. */
const sharedDefaults = {
  /** p-value threshold of KS, chi-square and z-test columns without their own. */
  pValueThreshold: pValue.default(0.05),
  /** Distance threshold of Wasserstein, Jensen–Shannon and PSI columns without their own. */
  distanceThreshold: distance.default(0.1),
  /** Equal-width bins of a numeric column's chart. */
  histogramBins: z.int().min(1).max(200).default(20),
  /** Categories drawn by name in a chart; the rest are summed as "other". */
  topCategories: z.int().min(1).max(100).default(10),
};

/**
 * A p-value threshold must be below 1. Without a test the default test may read a p-value, so
 * the threshold must then make sense as both: strictly between 0 and 1.
 */
function checkThreshold(s: { test?: TestName | undefined; threshold?: number | undefined }, ctx: z.RefinementCtx): void {
  if (s.threshold === undefined || s.threshold < 1) return;
  if (s.test !== undefined && DRIFT_TESTS[s.test].score === 'distance') return;
  ctx.addIssue({
    code: 'custom',
    path: ['threshold'],
    message: s.test
      ? `${s.test} reads a p-value; its threshold must be between 0 and 1.`
      : 'Without a test, the threshold must be between 0 and 1 (it may be read as a p-value).',
  });
}

export const ColumnDriftSettings = z.strictObject(columnOverrides).superRefine(checkThreshold);

export const DriftSettings = z.strictObject({
  /** The dataset drifts when at least this share of evaluated columns drift. */
  driftShare: z.number().gt(0).max(1).default(0.5),
  ...sharedDefaults,
  /** Per-column overrides, by column name. */
  columns: z.record(z.string().min(1), ColumnDriftSettings).default({}),
});

/** Options of a single column's evaluation: its overrides and the shared defaults, flat. */
export const ColumnOptions = z.strictObject({ ...columnOverrides, ...sharedDefaults }).superRefine(checkThreshold);

export type DriftSettingsInput = z.input<typeof DriftSettings>;
export type DriftSettings = z.output<typeof DriftSettings>;
export type ColumnDriftSettings = z.output<typeof ColumnDriftSettings>;
export type ColumnOptionsInput = z.input<typeof ColumnOptions>;
export type ColumnOptions = z.output<typeof ColumnOptions>;
