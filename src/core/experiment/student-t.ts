/**
 * Student's t distribution, as much of it as a paired t test needs: the two-sided tail
 * probability and the quantile. Our own small implementation (no statistics library): the tail
 * is a regularised incomplete beta function, evaluated by its continued fraction; the quantile
 * inverts it by bisection, so it is exact to the precision of the tail (about 1e-13).
 */

/** Lanczos coefficients (g = 7, 9 terms): ln Gamma to about 15 digits for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  // Reflection for small arguments keeps the series in its accurate range.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const clampTiny = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clampTiny(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clampTiny(1 + even * d);
    c = clampTiny(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clampTiny(1 + odd * d);
    c = clampTiny(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1]. */
export function regularisedBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The fraction converges fast on the side of the mean; use the symmetry on the other side.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

function checkDf(df: number, name: string): void {
  if (!(df > 0) || !Number.isFinite(df))
    throw new RangeError(`${name}: degrees of freedom must be > 0, got ${df}`);
}

/** P(|T| >= |t|) for T ~ t(df): the two-sided p-value of a t statistic. */
export function tTwoSided(t: number, df: number): number {
  checkDf(df, 'tTwoSided');
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return regularisedBeta(df / 2, 0.5, df / (df + t * t));
}

/** P(T <= t) for T ~ t(df). */
export function tCdf(t: number, df: number): number {
  const tail = tTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of t(df): the t with P(T <= t) = p, for p in (0, 1). */
export function tQuantile(p: number, df: number): number {
  checkDf(df, 'tQuantile');
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  // Solve for |t| on the upper tail, where the two-sided probability falls from 1 to 0.
  const target = 2 * Math.min(p, 1 - p);
  let low = 0;
  let high = 1;
  while (tTwoSided(high, df) > target) {
    low = high;
    high *= 2;
  }
  for (let i = 0; i < 200 && high - low > 1e-15 * high; i++) {
    const mid = (low + high) / 2;
    if (tTwoSided(mid, df) > target) low = mid;
    else high = mid;
  }
  const t = (low + high) / 2;
  return p > 0.5 ? t : -t;
}
