/**
 * Turning a column as it arrives (JSON arrays with nulls, or typed arrays) into what the tests
 * consume: finite numbers, or category counts, with everything left out counted rather than
 * thrown on. A batch with a few nulls is normal production data, not an error.
 */

/** A value a category can take. Missing values are null or undefined. */
export type Category = string | number | boolean;
export type RawValue = Category | null | undefined;
export type ColumnValues = Float64Array | readonly RawValue[];

/** Values left out of the statistics, by kind. */
export interface MissingCounts {
  /** null and undefined. */
  null: number;
  nan: number;
  /** +Infinity and −Infinity. */
  infinite: number;
}

export function noneMissing(): MissingCounts {
  return { null: 0, nan: 0, infinite: 0 };
}

export function totalMissing(m: MissingCounts): number {
  return m.null + m.nan + m.infinite;
}

function countMissing(value: unknown, missing: MissingCounts): boolean {
  if (value === null || value === undefined) {
    missing.null++;
    return true;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    if (Number.isNaN(value)) missing.nan++;
    else missing.infinite++;
    return true;
  }
  return false;
}

/** True when every present value is a number: such a column is numeric unless told otherwise. */
export function looksNumeric(values: ColumnValues): boolean {
  if (values instanceof Float64Array) return true;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') return false;
  }
  return true;
}

/**
 * The finite numbers of a numeric column, in input order, and what was left out. A value of
 * another type (a string in a numeric column) is a caller error, not missing data.
 */
export function finiteNumbers(values: ColumnValues): { values: Float64Array; missing: MissingCounts } {
  const missing = noneMissing();
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (countMissing(v, missing)) continue;
    if (typeof v !== 'number') throw new TypeError(`Numeric column holds a ${typeof v} at row ${i}.`);
    out[k++] = v;
  }
  return { values: k === out.length ? out : out.slice(0, k), missing };
}

/** Category counts of a column; NaN and ±Infinity count as missing there too. */
export function categoryCounts(values: ColumnValues): { counts: Map<Category, number>; n: number; missing: MissingCounts } {
  const missing = noneMissing();
  const counts = new Map<Category, number>();
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (countMissing(v, missing)) continue;
    const key = v as Category;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    n++;
  }
  return { counts, n, missing };
}

/**
 * Reference and current counts over the union of their categories, aligned by index: reference
 * categories first in order of first appearance, then those only seen in the current batch.
 */
export interface Frequencies {
  categories: Category[];
  reference: Float64Array;
  current: Float64Array;
  nReference: number;
  nCurrent: number;
}

export function alignCounts(reference: Map<Category, number>, current: Map<Category, number>): Frequencies {
  const categories = [...reference.keys()];
  for (const key of current.keys()) if (!reference.has(key)) categories.push(key);
  const ref = new Float64Array(categories.length);
  const cur = new Float64Array(categories.length);
  let nReference = 0;
  let nCurrent = 0;
  categories.forEach((key, i) => {
    ref[i] = reference.get(key) ?? 0;
    cur[i] = current.get(key) ?? 0;
    nReference += ref[i]!;
    nCurrent += cur[i]!;
  });
  return { categories, reference: ref, current: cur, nReference, nCurrent };
}

/** Distinct values of a sorted sample with their counts (run-length encoding). */
export function runs(sorted: Float64Array): Map<number, number> {
  const counts = new Map<number, number>();
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    counts.set(v, j - i);
    i = j;
  }
  return counts;
}

/** Distinct values of a sorted sample, counting no further than `cap` + 1 (enough to compare with cap). */
export function distinctUpTo(sorted: Float64Array, cap: number): number {
  let count = 0;
  for (let i = 0; i < sorted.length && count <= cap; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  }
  return count;
}

/** Number of distinct values over two sorted samples together (one merge pass). */
export function distinctCount(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i]! <= v) i++;
    while (j < b.length && b[j]! <= v) j++;
    count++;
  }
  return count;
}
