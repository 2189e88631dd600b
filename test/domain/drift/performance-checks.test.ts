import { describe, expect, it } from 'vitest';
import { computableMetric, performanceChecks } from '../../../src/domain/drift/performance-checks.js';
import type { TypedColumn } from '../../../src/domain/drift/columns.js';

const numeric = (values: number[]): TypedColumn => ({ kind: 'numeric', values: Float64Array.from(values) });
const text = (values: (string | null)[]): TypedColumn => ({ kind: 'categorical', values });

describe('performanceChecks: the brief\'s success metrics recomputed from labels', () => {
  it('recognises the usual names, case-insensitively, and leaves the others out', () => {
    expect(['AUC', 'roc_auc', 'F1', 'Recall', 'accuracy', 'rmse', 'MAE'].map(computableMetric)).toEqual(['auc', 'auc', 'f1', 'recall', 'accuracy', 'rmse', 'mae']);
    expect(computableMetric('latency_ms')).toBeUndefined();
    expect(computableMetric('constructor')).toBeUndefined();
  });

  it('classification from 0/1 predictions or scores cut at 0.5; AUC from the scores; a miss is met: false', () => {
    const labels = numeric([1, 1, 0, 0, 1, NaN]);
    const scores = numeric([0.9, 0.4, 0.3, 0.6, 0.8, 0.5]);
    const checks = performanceChecks(
      [
        { name: 'accuracy', direction: 'maximize', target: 0.9 },
        { name: 'auc', direction: 'maximize', target: 0.5 },
        { name: 'latency_ms', direction: 'minimize', target: 100 },
      ],
      labels,
      scores,
    );
    expect(checks).toEqual([
      { metric: 'accuracy', direction: 'maximize', target: 0.9, value: 3 / 5, met: false },
      { metric: 'auc', direction: 'maximize', target: 0.5, value: 5 / 6, met: true },
    ]);
  });

  it('reads labels given as text (true/false) and regression metrics from numbers', () => {
    const [recall] = performanceChecks([{ name: 'recall', direction: 'maximize', target: 0.5 }], text(['true', 'false', 'TRUE', null]), numeric([1, 0, 0, 1]));
    expect(recall).toMatchObject({ value: 0.5, met: true });
    const [rmse] = performanceChecks([{ name: 'rmse', direction: 'minimize', target: 1 }], numeric([1, 2, 3]), numeric([1, 2, 6]));
    expect(rmse).toMatchObject({ value: Math.sqrt(3), met: false });
  });

  it('gives null, not a made-up number, when the batch cannot: one class only, labels that are not binary', () => {
    const [auc] = performanceChecks([{ name: 'auc', direction: 'maximize', target: 0.7 }], numeric([1, 1]), numeric([0.2, 0.9]));
    expect(auc).toMatchObject({ value: null, met: null });
    const [acc] = performanceChecks([{ name: 'accuracy', direction: 'maximize', target: 0.7 }], numeric([3, 1]), numeric([1, 1]));
    expect(acc).toMatchObject({ value: null, met: null });
    expect(performanceChecks([{ name: 'accuracy', direction: 'maximize', target: 0.7 }], undefined, numeric([1]))).toEqual([]);
  });
});
