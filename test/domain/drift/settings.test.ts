import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ColumnOptions, DriftSettings } from '../../../src/domain/drift/settings.js';

describe('DriftSettings', () => {
  it('fills every default from {}', () => {
    expect(DriftSettings.parse({})).toEqual({
      driftShare: 0.5,
      pValueThreshold: 0.05,
      distanceThreshold: 0.1,
      histogramBins: 20,
      topCategories: 10,
      columns: {},
    });
  });

  it('takes per-column tests and thresholds', () => {
    const s = DriftSettings.parse({ driftShare: 0.3, columns: { age: { test: 'psi', threshold: 0.25 }, plan: { kind: 'categorical' } } });
    expect(s.columns.age).toEqual({ test: 'psi', threshold: 0.25 });
    expect(s.columns.plan).toEqual({ kind: 'categorical' });
  });

  it.each([
    [{ driftShare: 0 }, 'driftShare'],
    [{ driftShare: 1.5 }, 'driftShare'],
    [{ pValueThreshold: 1 }, 'pValueThreshold'],
    [{ distanceThreshold: -0.1 }, 'distanceThreshold'],
    [{ histogramBins: 2.5 }, 'histogramBins'],
    [{ columns: { a: { test: 'anderson' } } }, 'columns.a.test'],
    [{ columns: { a: { test: 'ks', threshold: 5 } } }, 'columns.a.threshold'],
    [{ columns: { a: { threshold: 2 } } }, 'columns.a.threshold'],
    [{ columns: { a: { tset: 'ks' } } }, 'columns.a'],
    [{ share: 0.5 }, ''],
  ])('rejects %j, naming %s', (input, path) => {
    const r = DriftSettings.safeParse(input);
    expect(r.success).toBe(false);
    expect((r.error as z.ZodError).issues[0]!.path.join('.')).toBe(path);
  });

  it('reads a threshold above 1 as a distance when the test is one', () => {
    expect(DriftSettings.parse({ columns: { a: { test: 'wasserstein', threshold: 2 } } }).columns.a?.threshold).toBe(2);
  });
});

describe('ColumnOptions', () => {
  it('is flat: the column’s overrides beside the shared defaults', () => {
    expect(ColumnOptions.parse({ test: 'ks', threshold: 0.01 })).toMatchObject({ test: 'ks', threshold: 0.01, pValueThreshold: 0.05 });
    expect(ColumnOptions.safeParse({ test: 'ks', threshold: 1 }).success).toBe(false);
  });
});
