/**
 * Population Stability Index: PSI = Σᵢ (pᵢ − qᵢ) · ln(pᵢ / qᵢ), p the reference proportions and
 * q the current ones over the same bins or categories. Rules of thumb: < 0.1 stable,
 * 0.1–0.25 moderate shift, > 0.25 significant.
 *
 * Binning (binning.ts, Evidently's `psi` stat test): numeric columns whose reference has more
 * than 20 distinct values use Sturges equal-width bins over reference and current together;
 * other columns compare value by value (categories).
 *
 * Empty bins: ln(p/0) is infinite, so before the log each sample's zero proportions are replaced,
 * per sample, by 0.0001 — or, when that sample's smallest non-zero proportion is already at or
 * below 0.0001, by that smallest proportion / 10⁶. This is Evidently's rule (`feel_zeroes`), so
 * our PSI equals Evidently's on the same data.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return psiOfProportions(withoutZeros(reference), withoutZeros(current));
}

/** PSI on proportions exactly as given: no empty-bin substitution (a zero gives Infinity or NaN). */
export function psiOfProportions(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('PSI needs two vectors over the same bins.');
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i]! - q[i]!) * Math.log(p[i]! / q[i]!);
  return sum;
}

export const PSI_EMPTY_BIN = 0.0001;

function withoutZeros(proportions: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(proportions);
  let smallest = Infinity;
  for (const v of out) if (v !== 0 && v < smallest) smallest = v;
  // All zero cannot come from a non-empty sample; leave such a vector alone.
  if (smallest === Infinity) return out;
  const fill = smallest <= PSI_EMPTY_BIN ? smallest / 10 ** 6 : PSI_EMPTY_BIN;
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fill;
  return out;
}
