/**
 * Jensen–Shannon distance between two frequency vectors over the same categories (or bins),
 * as `scipy.spatial.distance.jensenshannon(p, q, base=2)`: each vector is normalised to sum to
 * 1, m = (p + q)/2, and the distance is √((KL(p‖m) + KL(q‖m)) / 2) with logarithms in base 2,
 * so it lies in [0, 1]. Counts or proportions may be passed; zeros are fine (0·log 0 = 0).
 *
 * Evidently's `jensenshannon_stat_test` calls exactly this (base 2) on the binned proportions
 * of binning.ts, without the empty-bin substitution PSI needs.
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('Jensen–Shannon needs two vectors over the same categories.');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  if (!(sp > 0) || !(sq > 0)) throw new RangeError('Jensen–Shannon needs vectors with a positive total.');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  const js = (left + right) / Math.LN2;
  // Rounding can leave a hair below zero for identical inputs; the distance is then 0.
  return Math.sqrt(Math.max(0, js / 2));
}
