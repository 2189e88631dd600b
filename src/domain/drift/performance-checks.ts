import { compareToTarget, type SuccessMetric } from '../metrics/success-metric.js';
import type { TypedColumn } from './columns.js';
import { classificationMetrics, regressionMetrics, rocAuc, type BinaryValue } from './performance.js';
import type { PerformanceCheck } from './report.js';

/**
 * The brief's success metrics that a batch's labels and predictions can recompute, compared with
 * their targets. A metric is recognised by its name, case-insensitively, under its usual aliases;
 * others (latency, cost…) are not about model quality on this data and are left out.
 */
export type ComputableMetric = 'accuracy' | 'precision' | 'recall' | 'f1' | 'auc' | 'mae' | 'rmse';

const ALIASES: Record<string, ComputableMetric> = {
  accuracy: 'accuracy', acc: 'accuracy',
  precision: 'precision', ppv: 'precision',
  recall: 'recall', sensitivity: 'recall', tpr: 'recall', true_positive_rate: 'recall',
  f1: 'f1', f1_score: 'f1', f_score: 'f1',
  auc: 'auc', roc_auc: 'auc', auroc: 'auc', roc_auc_score: 'auc', auc_roc: 'auc',
  mae: 'mae', mean_absolute_error: 'mae',
  rmse: 'rmse', root_mean_squared_error: 'rmse',
};

export function computableMetric(name: string): ComputableMetric | undefined {
  return Object.hasOwn(ALIASES, name.toLowerCase()) ? ALIASES[name.toLowerCase()] : undefined;
}

/** Classification wants 0/1 per row; NaN marks a missing value (the metrics skip it). */
type Binary = Float64Array;
const asBinaryValues = (b: Binary) => b as unknown as ArrayLike<BinaryValue | null>;

const TRUE_TEXT = new Set(['1', 'true']);
const FALSE_TEXT = new Set(['0', 'false']);

/** 0/1 per row when every present value is 0/1 (or its text, or true/false); null otherwise. */
function binary(column: TypedColumn): Binary | null {
  const out = new Float64Array(column.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = column.values[i];
    if (column.kind === 'numeric') {
      const n = v as number;
      if (Number.isNaN(n) || !Number.isFinite(n)) out[i] = NaN;
      else if (n === 0 || n === 1) out[i] = n;
      else return null;
    } else if (v === null) out[i] = NaN;
    else {
      const t = (v as string).trim().toLowerCase();
      if (TRUE_TEXT.has(t)) out[i] = 1;
      else if (FALSE_TEXT.has(t)) out[i] = 0;
      else return null;
    }
  }
  return out;
}

/** Predicted classes: 0/1 as sent, or scores in [0, 1] cut at 0.5. */
function predictedClasses(predictions: TypedColumn): Binary | null {
  const classes = binary(predictions);
  if (classes || predictions.kind !== 'numeric') return classes;
  const out = new Float64Array(predictions.values.length);
  for (let i = 0; i < out.length; i++) {
    const s = predictions.values[i]!;
    if (!Number.isFinite(s)) out[i] = NaN;
    else if (s < 0 || s > 1) return null;
    else out[i] = s >= 0.5 ? 1 : 0;
  }
  return out;
}

export function performanceChecks(targets: readonly SuccessMetric[], labels: TypedColumn | undefined, predictions: TypedColumn | undefined): PerformanceCheck[] {
  if (!labels || !predictions) return [];
  const wanted = targets.map((t) => ({ target: t, metric: computableMetric(t.name) })).filter((t): t is { target: SuccessMetric; metric: ComputableMetric } => t.metric !== undefined);
  if (wanted.length === 0) return [];

  // Each family computed once, only if asked for.
  let classification: ReturnType<typeof classificationMetrics> | null | undefined;
  let regression: ReturnType<typeof regressionMetrics> | null | undefined;
  const classify = () => {
    if (classification !== undefined) return classification;
    const y = binary(labels);
    const p = predictedClasses(predictions);
    return (classification = y && p ? classificationMetrics(asBinaryValues(y), asBinaryValues(p)) : null);
  };
  const regress = () => {
    if (regression !== undefined) return regression;
    const ok = labels.kind === 'numeric' && predictions.kind === 'numeric';
    return (regression = ok ? regressionMetrics(labels.values as Float64Array, predictions.values as Float64Array) : null);
  };
  const auc = () => {
    const y = binary(labels);
    const scores = predictions.kind === 'numeric' ? (predictions.values as Float64Array) : binary(predictions);
    return y && scores ? rocAuc(asBinaryValues(y), scores) : null;
  };

  return wanted.map(({ target, metric }) => {
    let value: number | null;
    switch (metric) {
      case 'accuracy':
      case 'precision':
      case 'recall':
      case 'f1':
        value = classify()?.[metric] ?? null;
        break;
      case 'auc':
        value = auc();
        break;
      case 'mae':
      case 'rmse':
        value = regress()?.[metric] ?? null;
        break;
    }
    const met = value === null || !Number.isFinite(value) ? null : compareToTarget(target, value).met;
    return { metric: target.name, direction: target.direction, target: target.target, value, met };
  });
}
