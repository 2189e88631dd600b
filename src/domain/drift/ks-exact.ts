/**
 * Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, Pr(D ≥ h/lcm(m, n))
 * under the null, as SciPy's `ks_2samp(method='exact')` computes it (SciPy 1.10:
 * `_attempt_exact_2kssamp`, `_compute_prob_outside_square`, `_compute_outer_prob_inside_method`).
 *
 * No JS statistics package computes these (they use the asymptotic formula at every size), hence
 * our own port. Both routines stay within [0, 1] by construction, so unlike SciPy's older
 * path-counting code they cannot overflow.
 *
 * A path view: sort the pooled sample and walk a lattice from (0, 0) to (m, n), one step right
 * for each value of the first sample and one up for the second; D ≥ h/lcm exactly when the path
 * leaves the band |x/m − y/n| < h/lcm.
 */

/** Equal sample sizes: Pr(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh)/C(2n, n), in Horner form. */
export function probOutsideSquare(n: number, h: number): number {
  // Each ratio C(2n, n − kh)/C(2n, n) is a product of h factors; nesting them as
  // A₀(1 − A₁(1 − A₂(…))) avoids the subtractive cancellation of the alternating sum.
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * Unequal sizes (g = gcd(m, n)): the proportion of lattice paths that do NOT stay strictly inside
 * the band |nx/g − my/g| < h, by Hodges' "inside" recursion rewritten to carry 1 − proportion
 * directly (Viehmann 2021, arXiv:2102.08037), one column at a time over a sliding window.
 */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;

  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    // A[j] becomes the share of paths to (i, j) that already left the band: a weighted mean of
    // the left neighbour (previous column) and the one below (this column).
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}
