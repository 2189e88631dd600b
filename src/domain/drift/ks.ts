import { kolmogorovSf } from './kolmogorov.js';
import { probOutsideBand, probOutsideSquare } from './ks-exact.js';
import { sortedCopy } from './sort.js';

export type KsMethod = 'auto' | 'exact' | 'asymptotic';

export interface KsResult {
  /** D = sup |F_ref − F_cur| over the pooled values. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** SciPy's `auto`: exact when both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching `scipy.stats.ks_2samp` (SciPy 1.10).
 * Inputs must be finite and non-empty (see values.ts for cleaning); they are not modified.
 */
export function ksTwoSample(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): KsResult {
  return ksTwoSampleSorted(sortedCopy(a), sortedCopy(b), method);
}

/** As {@link ksTwoSample}, for samples already sorted ascending (saves the sort). */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('KS test needs at least one value in each sample.');
  let d = ksStatisticSorted(a, b);

  let useExact = method === 'exact' || (method === 'auto' && Math.max(n1, n2) <= KS_EXACT_MAX_N);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  // As SciPy's explicit 'exact': fall back when lcm(n1, n2) is too large to index the lattice.
  if (useExact && n1 / g >= 2147483647 / (n2 / g)) useExact = false;
  if (useExact) {
    // D is a multiple of 1/lcm; round away the floating-point noise of i/n1 − j/n2 first.
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
    // Like SciPy, an exact computation that went numerically wrong falls back to asymptotic.
  }
  const big = Math.max(n1, n2);
  const small = Math.min(n1, n2);
  const en = (big * small) / (big + small);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymptotic' };
}

/**
 * D over the pooled sorted values in one merge pass. At each distinct value v both empirical
 * CDFs count every value ≤ v (SciPy's `searchsorted(side='right')`), so ties between or within
 * samples are handled exactly; the difference is formed as i/n1 − j/n2, as SciPy forms it.
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 && j < n2) {
    const av = a[i]!;
    const bv = b[j]!;
    const v = av <= bv ? av : bv;
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    else if (diff < minDiff) minDiff = diff;
  }
  // Once one sample is used up its CDF is 1 and the other's only climbs towards 1, so the
  // largest gap after that point is right where the loop stopped.
  return Math.max(maxDiff, Math.min(1, -minDiff));
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
