import { alignCounts, distinctUpTo, runs, type Frequencies } from './values.js';

/**
 * Histograms and the binning PSI and Jensen–Shannon use on numeric columns.
 *
 * The binning follows Evidently's `get_binned_data` (stattests/utils.py) so scores agree with
 * Evidently's reports: a numeric column whose reference has more than 20 distinct values is cut
 * into Sturges equal-width bins over reference and current together
 * (`np.histogram_bin_edges(pooled, bins='sturges')`); any other column is compared value by
 * value, over the union of the values seen in either sample.
 */

/** Above this many distinct reference values a numeric column is binned, not compared per value. */
export const MAX_VALUES_COMPARED_AS_CATEGORIES = 20;

/** `np.linspace(start, stop, num)` computed as NumPy does: start + i·step, last edge exactly stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? ((i / div) * delta) + start : i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** NumPy widens a zero-width range to [v − ½, v + ½] so there is something to cut. */
function outerEdges(min: number, max: number): [number, number] {
  return min === max ? [min - 0.5, max + 0.5] : [min, max];
}

/**
 * `np.histogram_bin_edges(pooled, bins='sturges')` from the pooled sample's extremes and size:
 * width = range / (log₂ size + 1), bins = ⌈range / width⌉.
 */
export function sturgesEdges(min: number, max: number, size: number): Float64Array {
  const [first, last] = outerEdges(min, max);
  const width = (max - min) / (Math.log2(size) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** Equal-width edges over [min, max] as `np.histogram(values, bins)` would choose them. */
export function equalWidthEdges(min: number, max: number, bins: number): Float64Array {
  const [first, last] = outerEdges(min, max);
  return linspace(first, last, bins + 1);
}

/**
 * Counts of a sorted sample per bin, as `np.histogram` with explicit edges: bin k holds
 * edges[k] ≤ x < edges[k+1], and the last bin also holds x = its right edge. Values outside the
 * edges are not counted.
 */
export function histogramCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let lower = lowerBound(sorted, edges[0]!, 0);
  for (let k = 0; k < bins; k++) {
    const upper = k === bins - 1 ? upperBound(sorted, edges[k + 1]!, lower) : lowerBound(sorted, edges[k + 1]!, lower);
    counts[k] = upper - lower;
    lower = upper;
  }
  return counts;
}

/** First index ≥ from whose value is ≥ x. */
function lowerBound(sorted: Float64Array, x: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index ≥ from whose value is > x. */
function upperBound(sorted: Float64Array, x: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Proportions of reference and current over the same bins or categories. */
export interface Proportions {
  reference: Float64Array;
  current: Float64Array;
}

/**
 * Evidently's `get_binned_data` for a numeric column, from its two sorted non-empty samples:
 * Sturges bins over both when the reference has more than 20 distinct values, else per value.
 * Proportions are of each sample's own size.
 */
export function binNumeric(reference: Float64Array, current: Float64Array): Proportions {
  if (distinctUpTo(reference, MAX_VALUES_COMPARED_AS_CATEGORIES) > MAX_VALUES_COMPARED_AS_CATEGORIES) {
    const min = Math.min(reference[0]!, current[0]!);
    const max = Math.max(reference[reference.length - 1]!, current[current.length - 1]!);
    const edges = sturgesEdges(min, max, reference.length + current.length);
    return {
      reference: scale(histogramCounts(reference, edges), reference.length),
      current: scale(histogramCounts(current, edges), current.length),
    };
  }
  return proportionsOf(alignCounts(runs(reference), runs(current)));
}

/** Per-category proportions of each sample. */
export function proportionsOf(f: Frequencies): Proportions {
  return { reference: scale(f.reference, f.nReference), current: scale(f.current, f.nCurrent) };
}

function scale(counts: Float64Array, n: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / n;
  return out;
}
