import { sortedCopy } from './sort.js';

/**
 * First Wasserstein (earth mover's) distance between two 1-D samples, as
 * `scipy.stats.wasserstein_distance(u, v)`: ∫ |F_u(x) − F_v(x)| dx, which for empirical CDFs is a
 * sum over the gaps between consecutive pooled values. Inputs finite and non-empty.
 */
export function wasserstein(u: Float64Array, v: Float64Array): number {
  return wassersteinSorted(sortedCopy(u), sortedCopy(v));
}

/**
 * As {@link wasserstein} for samples sorted ascending: one merge pass, no pooled array. The sum
 * is compensated (Neumaier) so a million gaps add up to the exactly-rounded total, where SciPy's
 * pairwise sum is already within a few ulps of it.
 */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  if (nu === 0 || nv === 0) throw new RangeError('Wasserstein distance needs at least one value in each sample.');
  let i = 0;
  let j = 0;
  let sum = 0;
  let compensation = 0;
  // Both CDFs are right-continuous steps; between pooled values x_k and x_{k+1} they are
  // constant at (values ≤ x_k)/n, so each gap contributes |F_u − F_v| · (x_{k+1} − x_k).
  let x = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    while (i < nu && u[i]! <= x) i++;
    while (j < nv && v[j]! <= x) j++;
    if (i === nu && j === nv) break;
    const next = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    const term = Math.abs(i / nu - j / nv) * (next - x);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    x = next;
  }
  return sum + compensation;
}

/** Population standard deviation (NumPy's `np.std`, ddof = 0), two-pass with compensated sums. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = compensatedSum(values) / n;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    const term = d * d;
    const t = sum + term;
    compensation += sum >= term ? sum - t + term : term - t + sum;
    sum = t;
  }
  return Math.sqrt((sum + compensation) / n);
}

function compensatedSum(values: Float64Array): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const term = values[i]!;
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/**
 * Evidently's normed Wasserstein distance (`wasserstein_distance_norm`): W divided by the
 * reference's population standard deviation, floored at 0.001 so a constant reference does not
 * divide by zero.
 */
export const WASSERSTEIN_STD_FLOOR = 0.001;

export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  return normedWassersteinSorted(sortedCopy(reference), sortedCopy(current));
}

export function normedWassersteinSorted(reference: Float64Array, current: Float64Array): number {
  return wassersteinSorted(reference, current) / Math.max(populationStd(reference), WASSERSTEIN_STD_FLOOR);
}
