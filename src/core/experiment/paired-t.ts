/**
 * The paired t test over seeds, and the Holm correction over a family of such tests. A seed's
 * difference (candidate - baseline, same seed) is one observation; with n seeds the interval is
 * mean ± t(n-1) * sd / sqrt(n), the two-sided p-value is that of t = mean / (sd / sqrt(n)), and
 * the effect size is Cohen's d_z = mean / sd. With five seeds the t interval is what a reviewer
 * expects: a percentile bootstrap over five differences is far narrower than it should be.
 */
import type { Verdict } from './bootstrap';
import { tQuantile, tTwoSided } from './student-t';

export interface PairedT {
  /** Paired seeds. */
  n: number;
  /** Mean of the differences, and their sample standard deviation. */
  mean: number;
  sd: number;
  /** The interval at `level` from Student's t with n - 1 degrees of freedom. */
  low: number;
  high: number;
  level: number;
  /** The t statistic and its two-sided p-value (uncorrected). */
  t: number;
  p: number;
  /** Cohen's d_z: mean / sd of the paired differences. */
  dz: number;
}

/**
 * A paired t test on the differences. Fewer than two seeds say nothing about the spread: NaN
 * interval and p. When every difference is the same value the spread is exactly 0: p = 1 (and
 * d_z 0) for a difference of 0, else p = 0 and d_z infinite, an interval of that one value.
 */
export function pairedT(diffs: readonly number[], level = 0.95): PairedT {
  if (!(level > 0 && level < 1)) throw new RangeError(`pairedT: level must be in (0, 1), got ${level}`);
  if (diffs.some((d) => !Number.isFinite(d)))
    throw new RangeError('pairedT: every difference must be finite');
  const n = diffs.length;
  const none = { n, level, sd: Number.NaN, low: Number.NaN, high: Number.NaN, t: Number.NaN, p: Number.NaN };
  if (n === 0) return { ...none, mean: Number.NaN, dz: Number.NaN };
  // Equal values: sum-then-divide would leave a rounding residue in the mean and a tiny spread.
  const mean = diffs.every((d) => d === diffs[0]) ? diffs[0] : diffs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { ...none, mean, dz: Number.NaN };
  const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
  const interval = { n, level, mean, sd, low: mean - half, high: mean + half };
  if (sd === 0)
    return mean === 0
      ? { ...interval, t: 0, p: 1, dz: 0 }
      : { ...interval, t: Math.sign(mean) * Infinity, p: 0, dz: Math.sign(mean) * Infinity };
  const t = mean / (sd / Math.sqrt(n));
  return { ...interval, t, p: tTwoSided(t, n - 1), dz: mean / sd };
}

/**
 * Holm's step-down adjustment: sort the m p-values, multiply the i-th smallest (from 0) by m - i,
 * keep the running maximum, cap at 1. Rejecting where the adjusted p is below alpha holds the
 * family-wise error at alpha. NaN p-values (tests without two seeds) are not in the family and
 * stay NaN.
 */
export function holm(ps: readonly number[]): number[] {
  const order = ps
    .map((p, i) => ({ p, i }))
    .filter((x) => !Number.isNaN(x.p))
    .sort((a, b) => a.p - b.p || a.i - b.i);
  const m = order.length;
  const adjusted = ps.map(() => Number.NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** A clear win or loss when `p` (corrected or not) is below alpha, by the sign of the mean. */
export function verdictAt(test: Pick<PairedT, 'mean' | 'n'>, p: number, alpha = 0.05): Verdict {
  if (test.n < 2 || !(p < alpha)) return 'undecided';
  return test.mean > 0 ? 'win' : test.mean < 0 ? 'loss' : 'undecided';
}
