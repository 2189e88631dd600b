import { equalWidthEdges, histogramCounts } from './binning.js';
import { runs, type Category, type Frequencies } from './values.js';

/**
 * The compact reference-vs-current histogram an alert draws: counts, not proportions, so the
 * chart can show sample sizes too. Numeric columns with many values get shared equal-width bins
 * over both samples; categorical columns, and numeric ones with few distinct values, get their
 * most frequent categories by name and the rest summed as "other".
 */
export type DriftHistogram =
  | { type: 'bins'; edges: number[]; reference: number[]; current: number[] }
  | {
      type: 'categories';
      /** Category labels (String(value)), most frequent over both samples first. */
      categories: string[];
      reference: number[];
      current: number[];
      other: { reference: number; current: number };
    };

/** Numeric chart from the sorted, non-empty samples. */
export function numericHistogram(
  reference: Float64Array,
  current: Float64Array,
  nUnique: number,
  bins: number,
  topCategories: number,
): DriftHistogram {
  if (nUnique <= topCategories) {
    // Few values: one bar per value reads better than mostly empty bins. Kept in value order.
    const ref = runs(reference);
    const cur = runs(current);
    const values = [...new Set([...ref.keys(), ...cur.keys()])].sort((a, b) => a - b);
    return {
      type: 'categories',
      categories: values.map(String),
      reference: values.map((v) => ref.get(v) ?? 0),
      current: values.map((v) => cur.get(v) ?? 0),
      other: { reference: 0, current: 0 },
    };
  }
  const min = Math.min(reference[0]!, current[0]!);
  const max = Math.max(reference[reference.length - 1]!, current[current.length - 1]!);
  const edges = equalWidthEdges(min, max, bins);
  return {
    type: 'bins',
    edges: Array.from(edges),
    reference: Array.from(histogramCounts(reference, edges)),
    current: Array.from(histogramCounts(current, edges)),
  };
}

/** Categorical chart: the `topCategories` most frequent over both samples, the rest as other. */
export function categoryHistogram(f: Frequencies, topCategories: number): DriftHistogram {
  const order = f.categories.map((_, i) => i);
  // Stable sort: equally frequent categories keep their order of appearance.
  order.sort((a, b) => f.reference[b]! + f.current[b]! - (f.reference[a]! + f.current[a]!));
  const top = order.slice(0, topCategories);
  const rest = order.slice(topCategories);
  const label = (c: Category): string => String(c);
  return {
    type: 'categories',
    categories: top.map((i) => label(f.categories[i]!)),
    reference: top.map((i) => f.reference[i]!),
    current: top.map((i) => f.current[i]!),
    other: {
      reference: rest.reduce((s, i) => s + f.reference[i]!, 0),
      current: rest.reduce((s, i) => s + f.current[i]!, 0),
    },
  };
}
