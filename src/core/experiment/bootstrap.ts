/**
 * Paired bootstrap over seeds: how sure a difference between two methods is, given the few seeds
 * a cell has. The differences (candidate - baseline, one per seed, same seeds) are resampled with
 * replacement; the interval is the percentile interval of the resampled means. Seeded, so the same
 * differences always give the same interval.
 */
import { Rng } from '../random/rng';

export interface Interval {
  /** Mean of the paired differences. */
  mean: number;
  low: number;
  high: number;
  /** Paired seeds. */
  n: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

export type Verdict = 'win' | 'loss' | 'undecided';

export interface BootstrapOptions {
  /** Resamples (default 10,000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
}

/** Percentile interval of the mean of `diffs` under resampling with replacement. */
export function pairedBootstrap(diffs: readonly number[], opts: BootstrapOptions = {}): Interval {
  const n = diffs.length;
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? 10_000;
  if (!(level > 0 && level < 1)) throw new Error(`pairedBootstrap: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new Error(`pairedBootstrap: resamples must be a positive integer, got ${resamples}`);
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n, level };
  if (diffs.some((d) => !Number.isFinite(d)))
    throw new Error('pairedBootstrap: every difference must be a finite number');
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const rng = new Rng(opts.seed ?? 1, 'bootstrap');
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[rng.int(n)];
    means[b] = sum / n;
  }
  means.sort();
  const alpha = 1 - level;
  const low = means[Math.floor((alpha / 2) * resamples)];
  const high = means[Math.max(0, Math.ceil((1 - alpha / 2) * resamples) - 1)];
  return { mean, low, high, n, level };
}

/**
 * A clear win when the whole interval is above 0, a clear loss when it is below, undecided when it
 * holds 0 (or when there are fewer than two pairs: one seed says nothing about the spread).
 */
export function verdictOf(interval: Interval): Verdict {
  if (interval.n < 2) return 'undecided';
  if (interval.low > 0) return 'win';
  if (interval.high < 0) return 'loss';
  return 'undecided';
}
