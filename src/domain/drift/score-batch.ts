import type { SuccessMetric } from '../metrics/success-metric.js';
import { countNulls, LABEL_COLUMN, PREDICTION_COLUMN } from './columns.js';
import { evaluateDataset, type ColumnInput, type DatasetDriftResult } from './evaluate.js';
import { performanceChecks } from './performance-checks.js';
import type { PreparedColumn } from './prepare.js';
import type { PerformanceCheck } from './report.js';
import type { DriftSettingsInput } from './settings.js';
import type { MissingCounts } from './values.js';

export interface BatchScore {
  drift: DatasetDriftResult;
  performance: PerformanceCheck[];
  performanceAlert: boolean;
}

/**
 * A batch judged against its reference: drift of every feature, and of the predictions and labels
 * when both samples have them (as Evidently's dataset drift counts target and prediction columns
 * too), with the project's settings; and the brief's success metrics recomputed from labels.
 */
export function scoreBatch(reference: readonly PreparedColumn[], current: readonly PreparedColumn[], settings: DriftSettingsInput, targets: readonly SuccessMetric[]): BatchScore {
  const ref = new Map(reference.map((c) => [c.name, c.column]));
  const inputs: Record<string, ColumnInput> = {};
  for (const c of current) {
    const r = ref.get(c.name);
    if (r) inputs[c.name] = { reference: r.values, current: c.column.values };
  }
  const drift = evaluateDataset(inputs, settings);
  for (const result of drift.columns) {
    const input = inputs[result.name]!;
    splitNulls(result.missing.reference, input.reference);
    splitNulls(result.missing.current, input.current);
  }
  const byName = new Map(current.map((c) => [c.name, c.column]));
  const performance = performanceChecks(targets, byName.get(LABEL_COLUMN), byName.get(PREDICTION_COLUMN));
  return { drift, performance, performanceAlert: performance.some((p) => p.met === false) };
}

/** The statistics count every NaN of a numeric array as NaN; the null marker says which were nulls. */
function splitNulls(missing: MissingCounts, values: ColumnInput['reference']): void {
  if (!(values instanceof Float64Array)) return;
  const nulls = countNulls(values);
  missing.null += nulls;
  missing.nan -= nulls;
}
