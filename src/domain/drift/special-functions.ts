/**
 * The few special functions the drift tests need: log-gamma, the regularized incomplete gamma
 * functions, and what follows from them (chi-square and normal tail probabilities).
 *
 * Written here rather than taken from a package because the p-values are compared with SciPy's
 * to 1e-9 relative, deep into the tails (p = 1e-300 is a legitimate answer for a large batch),
 * and the small JS statistics packages compute tails as `1 - cdf`, which is 0 long before that.
 */

// Lanczos coefficients (g = 671/128, 14 terms; Godfrey's set as printed in Numerical Recipes,
// 3rd ed., `gammln`): about 1e-15 relative over x > 0.
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275,
  -0.000026190838401581408, 0.0000036899182659531625,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum away from its pole at 0: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.9999999999999971;
  let y = x;
  for (const c of LANCZOS) ser += c / ++y;
  return tmp + Math.log((2.5066282746310007 * ser) / x);
}

/**
 * Stirling's error ε(a) = ln Γ(a) − [(a − ½) ln a − a + ln √(2π)], from its asymptotic series;
 * for a ≥ 10 the series is exact to rounding, and it is tiny, so no cancellation is left.
 */
function stirlingError(a: number): number {
  const r = 1 / a;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

/** ln(1 + d) − d without the cancellation of the naive form when d is small. */
function log1pMinus(d: number): number {
  if (Math.abs(d) > 0.1) return Math.log1p(d) - d;
  // −d²/2 + d³/3 − d⁴/4 + …; |d| ≤ 0.1 needs about 15 terms for full precision.
  let term = d; // (−1)^(k+1) d^k, from k = 1
  let sum = 0;
  for (let k = 2; k < 40; k++) {
    term *= -d;
    const add = term / k;
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * xᵃ e⁻ˣ / Γ(a), the factor in front of both incomplete-gamma expansions. For large a its three
 * logarithmic parts are each ~a and nearly cancel, so they are combined analytically first:
 * = √(a/2π) · exp(a·[ln(1+d) − d] − ε(a)) with d = (x − a)/a.
 */
function gammaPrefactor(a: number, x: number): number {
  if (a < 10) return Math.exp(a * Math.log(x) - x - logGamma(a));
  return Math.sqrt(a / (2 * Math.PI)) * Math.exp(a * log1pMinus((x - a) / a) - stirlingError(a));
}

const EPS = 1e-16;
const MAX_ITERATIONS = 100_000;

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h * gammaPrefactor(a, x);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function gammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperContinuedFraction(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), computed directly
 * (not as 1 − P) where it is small, so tails keep their relative precision.
 */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
}

/** Survival function of the chi-square distribution with `df` degrees of freedom: Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** Complementary error function: erfc(x) = Q(½, x²) for x ≥ 0, 1 + P(½, x²) below 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x >= 0 ? gammaQ(0.5, x * x) : 1 + gammaP(0.5, x * x);
}

/**
 * Upper tail of the standard normal, Pr(Z > z) = ½ erfc(z/√2). z²/2 is formed directly rather
 * than by squaring z/√2, which would add a rounding the far tail magnifies.
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const half = (z * z) / 2;
  return z >= 0 ? 0.5 * gammaQ(0.5, half) : 0.5 + 0.5 * gammaP(0.5, half);
}
