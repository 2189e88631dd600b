import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { evaluateColumn, evaluateDataset, type ColumnDriftResult, type EvaluatedColumn } from '../../../src/domain/drift/evaluate.js';
import { ksTwoSample } from '../../../src/domain/drift/ks.js';
import { normedWasserstein } from '../../../src/domain/drift/wasserstein.js';
import { lcgSample } from './fixtures.js';

const bell = (seed: number, n: number, loc = 0): number[] => Array.from(lcgSample({ seed, n, kind: 'irwinhall', loc, scale: 1 }));
const repeat = <T,>(values: T[], n: number): T[] => Array.from({ length: n }, (_, i) => values[i % values.length]!);

function evaluated(r: ColumnDriftResult): EvaluatedColumn {
  if (!r.evaluable) throw new Error(`not evaluable: ${r.message}`);
  return r;
}

describe('evaluateColumn: the default test and its verdict', () => {
  it('small numeric reference → KS p-value, drift below 0.05', () => {
    const ref = bell(1, 500);
    const cur = bell(2, 400, 0.3);
    const r = evaluated(evaluateColumn(ref, cur));
    expect(r).toMatchObject({ kind: 'numeric', test: 'ks', scoreKind: 'p_value', threshold: 0.05, nReference: 500, nCurrent: 400 });
    const ks = ksTwoSample(Float64Array.from(ref), Float64Array.from(cur));
    expect(r.score).toBe(ks.pValue);
    expect(r.statistic).toBe(ks.statistic);
    expect(r.drifted).toBe(ks.pValue < 0.05);
    expect(r.drifted).toBe(true);
  });

  it('large numeric reference → normed Wasserstein, drift from 0.1', () => {
    const ref = bell(3, 5000);
    const same = evaluated(evaluateColumn(ref, bell(4, 3000)));
    expect(same).toMatchObject({ test: 'wasserstein', scoreKind: 'distance', threshold: 0.1, drifted: false, statistic: null });
    const shifted = evaluated(evaluateColumn(Float64Array.from(ref), Float64Array.from(bell(5, 3000, 0.2))));
    expect(shifted.score).toBe(normedWasserstein(Float64Array.from(ref), Float64Array.from(bell(5, 3000, 0.2))));
    expect(shifted.drifted).toBe(true);
  });

  it('numeric with 3–5 values → chi-square; with 2 → z-test; over 1000 rows → Jensen–Shannon', () => {
    expect(evaluated(evaluateColumn(repeat([1, 2, 3], 300), repeat([1, 2, 3, 3], 200))).test).toBe('chisquare');
    expect(evaluated(evaluateColumn(repeat([0, 1], 300), repeat([0, 1, 1], 300))).test).toBe('z');
    const js = evaluated(evaluateColumn(repeat([0, 1, 2], 3000), repeat([0, 1, 2], 3000)));
    expect(js).toMatchObject({ test: 'jensenshannon', score: 0, drifted: false });
  });

  it('categorical: chi-square above two categories, z-test at two, Jensen–Shannon over 1000 rows', () => {
    const chi = evaluated(evaluateColumn(repeat(['a', 'b', 'c'], 300), repeat(['a', 'a', 'b', 'c'], 300)));
    expect(chi).toMatchObject({ kind: 'categorical', test: 'chisquare', drifted: true });
    expect(evaluated(evaluateColumn(repeat([true, false], 100), repeat([true, false], 80))).test).toBe('z');
    const js = evaluated(evaluateColumn(repeat(['x', 'y'], 2000), repeat(['x', 'x', 'x', 'y'], 1000)));
    expect(js).toMatchObject({ test: 'jensenshannon', drifted: true });
  });

  it('counts a value new in the current batch among the distinct values', () => {
    // Two values in the reference, a third only in the current batch: chi-square, not z.
    const r = evaluated(evaluateColumn(repeat(['a', 'b'], 100), repeat(['a', 'b', 'c'], 90)));
    expect(r).toMatchObject({ nUnique: 3, test: 'chisquare', score: 0, drifted: true });
  });

  it('reports PSI whatever the test', () => {
    const r = evaluated(evaluateColumn(repeat(['a', 'b', 'c'], 300), repeat(['a', 'b', 'c'], 30)));
    expect(r.psi).toBe(0);
    expect(evaluated(evaluateColumn(bell(6, 800), bell(7, 800, 1))).psi).toBeGreaterThan(0.25);
  });
});

describe('evaluateColumn: missing values', () => {
  it('counts null, undefined, NaN and ±Infinity and leaves them out of the statistic', () => {
    const ref = bell(8, 300);
    const cur = bell(9, 200, 0.1);
    const dirtyRef = [null, ...ref, Number.NaN, undefined, Infinity];
    const dirtyCur = [-Infinity, ...cur, Number.NaN, Number.NaN];
    const clean = evaluated(evaluateColumn(ref, cur));
    const dirty = evaluated(evaluateColumn(dirtyRef, dirtyCur));
    expect(dirty.missing).toEqual({ reference: { null: 2, nan: 1, infinite: 1 }, current: { null: 0, nan: 2, infinite: 1 } });
    expect(dirty).toMatchObject({ nReference: 300, nCurrent: 200, test: clean.test, score: clean.score, psi: clean.psi });
  });

  it('takes NaN in typed arrays as missing too', () => {
    const ref = Float64Array.from([1, 2, Number.NaN, 3, 4, 5, 6, 7]);
    const r = evaluated(evaluateColumn(ref, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8])));
    expect(r.missing.reference.nan).toBe(1);
    expect(r.nReference).toBe(7);
  });

  it('treats NaN and ±Infinity as missing in categorical columns', () => {
    const r = evaluated(evaluateColumn(['a', 'b', Number.NaN, 'c', null], ['a', Infinity, 'b', 'c']));
    expect(r.missing).toEqual({ reference: { null: 1, nan: 1, infinite: 0 }, current: { null: 0, nan: 0, infinite: 1 } });
    expect(r.nUnique).toBe(3);
  });

  it.each([
    ['an all-missing reference', [null, Number.NaN, undefined], [1, 2, 3], 'no_reference_values'],
    ['an empty reference', [], [1, 2, 3], 'no_reference_values'],
    ['an all-missing current batch', [1, 2, 3], [Number.NaN, Infinity], 'no_current_values'],
    ['an empty current batch', ['a', 'b'], [], 'no_current_values'],
    ['both empty', [], [], 'no_reference_values'],
  ] as const)('reports %s as not evaluable instead of throwing', (_, ref, cur, reason) => {
    const r = evaluateColumn([...ref], [...cur]);
    expect(r).toMatchObject({ evaluable: false, reason, drifted: false });
    expect(r.evaluable ? '' : r.message).toMatch(/no usable values/);
  });
});

describe('evaluateColumn: all-equal values', () => {
  it('one value in both samples is no drift, by any test', () => {
    const ref = new Array(50).fill(7);
    const cur = new Array(30).fill(7);
    expect(evaluated(evaluateColumn(ref, cur))).toMatchObject({ test: 'z', score: 1, drifted: false, nUnique: 1 });
    expect(evaluated(evaluateColumn(ref, cur, { test: 'ks' }))).toMatchObject({ score: 1, statistic: 0, drifted: false });
    expect(evaluated(evaluateColumn(ref, cur, { test: 'wasserstein' }))).toMatchObject({ score: 0, drifted: false });
    expect(evaluated(evaluateColumn(ref, cur, { test: 'chisquare' }))).toMatchObject({ score: 1, drifted: false });
    expect(evaluated(evaluateColumn(new Array(2000).fill(7), cur))).toMatchObject({ test: 'jensenshannon', score: 0, psi: 0 });
  });

  it('a constant reference and a different constant is drift', () => {
    const r = evaluated(evaluateColumn(new Array(2000).fill(1), new Array(500).fill(2)));
    expect(r).toMatchObject({ test: 'jensenshannon', score: 1, drifted: true });
    const w = evaluated(evaluateColumn(new Array(2000).fill(1), new Array(500).fill(2), { test: 'wasserstein' }));
    expect(w.score).toBe(1 / 0.001); // W = 1, std floored at 0.001
  });
});

describe('evaluateColumn: options', () => {
  it('overrides the test and its threshold', () => {
    const ref = bell(10, 500);
    const cur = bell(11, 500, 0.15);
    const ks = evaluated(evaluateColumn(ref, cur));
    const strict = evaluated(evaluateColumn(ref, cur, { threshold: ks.score / 2 }));
    expect(strict).toMatchObject({ test: 'ks', threshold: ks.score / 2, drifted: false });
    const psi = evaluated(evaluateColumn(ref, cur, { test: 'psi', threshold: 0.01 }));
    expect(psi).toMatchObject({ test: 'psi', scoreKind: 'distance', score: psi.psi, drifted: psi.psi >= 0.01 });
  });

  it('reads numbers as categories when told the column is categorical', () => {
    expect(evaluated(evaluateColumn(repeat([1, 2, 3, 4, 5, 6, 7], 70), repeat([1, 2, 3, 4, 5, 6, 7], 70), { kind: 'categorical' })).test).toBe('chisquare');
  });

  it('refuses KS on a categorical column and numbers that are not numbers, as results', () => {
    expect(evaluateColumn(['a', 'b'], ['a'], { test: 'ks' })).toMatchObject({ evaluable: false, reason: 'test_needs_numbers' });
    expect(evaluateColumn(['1', 2], [3, 4], { kind: 'numeric' })).toMatchObject({ evaluable: false, reason: 'not_numeric' });
  });

  it('validates its options (ZodError)', () => {
    expect(() => evaluateColumn([1], [1], { test: 'ks', threshold: 3 })).toThrow(z.ZodError);
    expect(() => evaluateColumn([1], [1], { histogramBins: 0 })).toThrow(z.ZodError);
  });
});

describe('evaluateColumn: the chart histogram', () => {
  it('numeric: shared equal-width bins over both samples, counts per sample', () => {
    const r = evaluated(evaluateColumn(bell(12, 900), bell(13, 700, 0.5)));
    if (r.histogram.type !== 'bins') throw new Error('expected bins');
    expect(r.histogram.edges).toHaveLength(21);
    expect(r.histogram.reference.reduce((a, b) => a + b)).toBe(900);
    expect(r.histogram.current.reduce((a, b) => a + b)).toBe(700);
    expect(r.histogram.edges[0]).toBe(Math.min(...bell(12, 900), ...bell(13, 700, 0.5)));
  });

  it('numeric with few values: one bar per value, in value order', () => {
    const r = evaluated(evaluateColumn([3, 1, 1, 2], [2, 2, 5]));
    expect(r.histogram).toEqual({ type: 'categories', categories: ['1', '2', '3', '5'], reference: [2, 1, 1, 0], current: [0, 2, 0, 1], other: { reference: 0, current: 0 } });
  });

  it('categorical: the most frequent categories, the rest as other', () => {
    const ref = [...repeat(['a'], 50), ...repeat(['b'], 30), ...repeat(['c'], 5), 'd'];
    const cur = [...repeat(['b'], 40), ...repeat(['e'], 20), 'c'];
    const r = evaluated(evaluateColumn(ref, cur, { topCategories: 2 }));
    expect(r.histogram).toEqual({ type: 'categories', categories: ['b', 'a'], reference: [30, 50], current: [40, 0], other: { reference: 6, current: 21 } });
  });
});

describe('evaluateDataset', () => {
  const ref = bell(20, 500);
  const columns = {
    stable: { reference: ref, current: bell(21, 400) },
    shifted: { reference: ref, current: bell(22, 400, 0.5) },
    plan: { reference: repeat(['free', 'pro'], 400), current: repeat(['free', 'pro', 'pro', 'pro'], 400) },
    gone: { reference: ref, current: [null, null] },
  };

  it('drifts when at least half of the evaluated columns drift', () => {
    const r = evaluateDataset(columns);
    expect(r.columns.map((c) => [c.name, c.evaluable, c.drifted])).toEqual([
      ['stable', true, false],
      ['shifted', true, true],
      ['plan', true, true],
      ['gone', false, false],
    ]);
    expect(r).toMatchObject({ nColumns: 4, nEvaluated: 3, nDrifted: 2, driftShare: 0.5, datasetDrift: true });
    expect(r.share).toBeCloseTo(2 / 3, 15);
  });

  it('applies per-column overrides and the share from the settings', () => {
    const r = evaluateDataset(columns, { driftShare: 0.9, columns: { plan: { test: 'jensenshannon', threshold: 0.9 } } });
    expect(r.columns.find((c) => c.name === 'plan')).toMatchObject({ test: 'jensenshannon', threshold: 0.9, drifted: false });
    expect(r).toMatchObject({ nDrifted: 1, datasetDrift: false });
  });

  it('applies global thresholds to columns without their own', () => {
    const r = evaluateDataset({ a: columns.stable }, { pValueThreshold: 0.999999 });
    expect(r.columns[0]).toMatchObject({ test: 'ks', threshold: 0.999999 });
  });

  it('has no dataset drift when nothing could be evaluated', () => {
    expect(evaluateDataset({ gone: columns.gone })).toMatchObject({ nEvaluated: 0, share: 0, datasetDrift: false });
    expect(evaluateDataset({})).toMatchObject({ nColumns: 0, datasetDrift: false });
  });

  it('validates the settings before any work', () => {
    expect(() => evaluateDataset(columns, { driftShare: 2 })).toThrow(z.ZodError);
  });
});
