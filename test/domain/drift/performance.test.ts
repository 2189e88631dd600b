import { describe, it, expect } from 'vitest';
import { classificationMetrics, confusion, regressionMetrics, rocAuc } from '../../../src/domain/drift/performance.js';
import { expectRelative, fixtures } from './fixtures.js';

describe('classificationMetrics (positive class = 1 / true)', () => {
  it('computes accuracy, precision, recall and F1 from the confusion counts', () => {
    const labels = [1, 1, 1, 0, 0, 0, 0, 1] as const;
    const preds = [1, 0, 1, 0, 1, 0, 0, 1] as const;
    expect(confusion(labels, preds)).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1, skipped: 0 });
    expect(classificationMetrics(labels, preds)).toEqual({ n: 8, skipped: 0, accuracy: 6 / 8, precision: 3 / 4, recall: 3 / 4, f1: 6 / 8 });
  });

  it('takes booleans and skips rows with a missing label or prediction', () => {
    const r = classificationMetrics([true, false, null, true, undefined], [true, true, true, false, false]);
    expect(r).toEqual({ n: 3, skipped: 2, accuracy: 1 / 3, precision: 1 / 2, recall: 1 / 2, f1: 1 / 2 });
  });

  it('answers null for a metric the batch leaves undefined', () => {
    expect(classificationMetrics([0, 0], [0, 0])).toEqual({ n: 2, skipped: 0, accuracy: 1, precision: null, recall: null, f1: null });
    expect(classificationMetrics([1, 1], [0, 0])).toMatchObject({ precision: null, recall: 0, f1: 0 });
    expect(classificationMetrics([], [])).toMatchObject({ n: 0, accuracy: null });
  });

  it('refuses labels that are not binary and arrays of different lengths', () => {
    expect(() => confusion([2 as 1], [1])).toThrow(/0\/1 or true\/false/);
    expect(() => confusion([1, 0], [1])).toThrow(/differ in length/);
  });
});

describe('rocAuc', () => {
  for (const [i, c] of fixtures.auc.entries()) {
    it(`matches Mann–Whitney U / (n₊n₋) from SciPy, tied scores (case ${i + 1}, n = ${c.labels.length})`, () => {
      expectRelative(rocAuc(c.labels, c.scores)!, c.auc, 1e-12);
    });
  }

  it('is 1 for a perfect ranking, 0 for a reversed one, ½ when every score ties', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('skips missing scores and is null with one class', () => {
    expect(rocAuc([1, 0, 1], [0.9, Number.NaN, 0.2])).toBeNull();
    expect(rocAuc([1, 0, 0], [0.9, null, 0.2])).toBe(1);
  });
});

describe('regressionMetrics', () => {
  for (const [i, c] of fixtures.regression.entries()) {
    it(`matches NumPy’s MAE and RMSE (case ${i + 1})`, () => {
      const r = regressionMetrics(c.actual, c.predicted);
      expectRelative(r.mae!, c.mae, 1e-9, 'mae');
      expectRelative(r.rmse!, c.rmse, 1e-9, 'rmse');
    });
  }

  it('skips non-finite pairs; null with nothing left', () => {
    expect(regressionMetrics([1, Number.NaN, 3, null], [2, 2, 1, 0])).toEqual({ n: 2, skipped: 2, mae: 1.5, rmse: Math.sqrt(2.5) });
    expect(regressionMetrics([null], [1])).toEqual({ n: 0, skipped: 1, mae: null, rmse: null });
  });
});
