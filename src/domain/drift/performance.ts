import { sortedCopy } from './sort.js';

/**
 * Model quality recomputed from a batch's predictions and labels, to compare with the project's
 * success metrics. A row with a missing label or prediction (null, undefined, NaN, ±Infinity) is
 * skipped and counted; a metric that is undefined on the batch (precision with no predicted
 * positive, AUC with one class) is null rather than a made-up 0.
 */

/** A binary label or prediction; the positive class is 1 / true. */
export type BinaryValue = 0 | 1 | boolean;
type Maybe<T> = T | null | undefined;

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Rows left out because the label or the prediction was missing. */
  skipped: number;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));
}

function isPositive(v: unknown, what: string, row: number): boolean {
  if (v === 1 || v === true) return true;
  if (v === 0 || v === false) return false;
  throw new RangeError(`${what} at row ${row} is ${String(v)}; binary metrics take 0/1 or true/false.`);
}

function checkLengths(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new RangeError(`Labels and predictions differ in length (${a.length} vs ${b.length}).`);
}

export function confusion(labels: ArrayLike<Maybe<BinaryValue>>, predictions: ArrayLike<Maybe<BinaryValue>>): Confusion {
  checkLengths(labels, predictions);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0, skipped: 0 };
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = predictions[i];
    if (isMissing(y) || isMissing(p)) {
      c.skipped++;
      continue;
    }
    const actual = isPositive(y, 'Label', i);
    const predicted = isPositive(p, 'Prediction', i);
    if (actual) {
      if (predicted) c.tp++;
      else c.fn++;
    } else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

export interface ClassificationMetrics {
  /** Rows used. */
  n: number;
  skipped: number;
  accuracy: number | null;
  /** tp / (tp + fp); null with no predicted positive. */
  precision: number | null;
  /** tp / (tp + fn); null with no actual positive. */
  recall: number | null;
  /** 2tp / (2tp + fp + fn), the harmonic mean of the two; null when every row is a true negative. */
  f1: number | null;
}

export function classificationMetrics(
  labels: ArrayLike<Maybe<BinaryValue>>,
  predictions: ArrayLike<Maybe<BinaryValue>>,
): ClassificationMetrics {
  const { tp, fp, tn, fn, skipped } = confusion(labels, predictions);
  const n = tp + fp + tn + fn;
  const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
  return {
    n,
    skipped,
    accuracy: ratio(tp + tn, n),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

/**
 * Area under the ROC curve from scores (higher = more likely positive), by the rank statistic:
 * AUC = U / (n₊ n₋), U = Σ over positive–negative pairs of [s₊ > s₋] + ½[s₊ = s₋] — the
 * Mann–Whitney U of the positives, ties counted half (average ranks). Both classes' scores are
 * sorted and merged, so there is no n₊ × n₋ loop. Null when a class is absent.
 */
export function rocAuc(labels: ArrayLike<Maybe<BinaryValue>>, scores: ArrayLike<Maybe<number>>): number | null {
  checkLengths(labels, scores);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const s = scores[i];
    if (isMissing(y) || isMissing(s)) continue;
    (isPositive(y, 'Label', i) ? pos : neg).push(s as number);
  }
  if (pos.length === 0 || neg.length === 0) return null;
  const p = sortedCopy(Float64Array.from(pos));
  const q = sortedCopy(Float64Array.from(neg));
  let u = 0;
  let j = 0; // negatives with a score below the current positive score
  let i = 0;
  while (i < p.length) {
    const s = p[i]!;
    let run = i;
    while (run < p.length && p[run] === s) run++;
    while (j < q.length && q[j]! < s) j++;
    let equal = 0;
    while (j + equal < q.length && q[j + equal] === s) equal++;
    u += (run - i) * (j + equal / 2);
    i = run;
  }
  return u / (p.length * q.length);
}

export interface RegressionMetrics {
  n: number;
  skipped: number;
  /** Mean absolute error; null with no usable row. */
  mae: number | null;
  /** Root mean squared error; null with no usable row. */
  rmse: number | null;
}

export function regressionMetrics(actual: ArrayLike<Maybe<number>>, predicted: ArrayLike<Maybe<number>>): RegressionMetrics {
  checkLengths(actual, predicted);
  let n = 0;
  let skipped = 0;
  let absSum = 0;
  let sqSum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (isMissing(a) || isMissing(p)) {
      skipped++;
      continue;
    }
    const e = (a as number) - (p as number);
    absSum += Math.abs(e);
    sqSum += e * e;
    n++;
  }
  return { n, skipped, mae: n === 0 ? null : absSum / n, rmse: n === 0 ? null : Math.sqrt(sqSum / n) };
}
