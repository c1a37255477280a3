/**
 * Comparing runs across seeds: mean and standard deviation of a final score per variant, and
 * paired wins (same seed) against a baseline. Pure; used by the CLI and the app.
 */
import type { Method } from '../reward/config';
import { pairedBootstrap, verdictOf, type BootstrapOptions, type Interval, type Verdict } from './bootstrap';
import { pairedT, type PairedT } from './paired-t';

/** The static aggregations the paper's headline compares against. */
export const STATIC_BASELINES: readonly Method[] = ['static', 'gdpo', 'worst'];
/** Baselines also reported one by one: the static aggregations and sa-mrpo, where each ran. */
export const SEPARATE_BASELINES: readonly Method[] = [...STATIC_BASELINES, 'sa-mrpo'];

export interface SeedScores {
  /** seed -> value */
  [seed: number]: number;
}

export interface Summary {
  mean: number;
  /** Sample standard deviation across seeds (0 for a single seed). */
  std: number;
  n: number;
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export interface PairedComparison {
  /** Seeds present in both. */
  pairs: number;
  wins: number;
  ties: number;
  losses: number;
  /** Mean of (candidate - baseline) over paired seeds, and its sample std. */
  meanDiff: number;
  stdDiff: number;
}

/** candidate - baseline on every seed both have, in order of seed. */
export function pairedDiffs(candidate: SeedScores, baseline: SeedScores): number[] {
  return Object.keys(candidate)
    .map(Number)
    .filter((seed) => seed in baseline)
    .sort((a, b) => a - b)
    .map((seed) => candidate[seed] - baseline[seed]);
}

/** Differences within 1e-9 count as ties. */
export function pairedComparison(candidate: SeedScores, baseline: SeedScores): PairedComparison {
  const diffs: number[] = [];
  let wins = 0;
  let ties = 0;
  let losses = 0;
  for (const key of Object.keys(candidate)) {
    const seed = Number(key);
    if (!(seed in baseline)) continue;
    const d = candidate[seed] - baseline[seed];
    diffs.push(d);
    if (Math.abs(d) <= 1e-9) ties++;
    else if (d > 0) wins++;
    else losses++;
  }
  const s = summarise(diffs);
  return { pairs: diffs.length, wins, ties, losses, meanDiff: s.mean, stdDiff: s.std };
}

/** The best of the candidates by mean score; `undefined` when there is none. */
export function strongest<T extends { scores: SeedScores }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestMean = -Infinity;
  for (const c of candidates) {
    const m = summarise(Object.values(c.scores)).mean;
    if (m > bestMean) {
      bestMean = m;
      best = c;
    }
  }
  return best;
}

export function formatMeanStd(s: Summary, digits = 3): string {
  if (s.n === 0) return '—';
  return s.n > 1 ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : s.mean.toFixed(digits);
}

/** What a run contributes to a comparison: its variant, method, seed and final evaluation. */
export interface FinalScores {
  variant: string;
  method: Method;
  seed: number;
  rubricScore: number;
  worstScore: number;
  allPassRate: number;
}

export interface VariantRow {
  variant: string;
  method: Method;
  rubric: Summary;
  worst: Summary;
  allPass: Summary;
  /** Paired (same seed) against the baseline on the rubric score; absent for the baseline itself. */
  vsBaseline?: PairedComparison;
  /** The same on the worst-criterion score. */
  vsBaselineWorst?: PairedComparison;
  /** The same on the all-pass rate. */
  vsBaselineAllPass?: PairedComparison;
}

export interface ComparisonTable {
  rows: VariantRow[];
  /** The strongest static aggregation (best of static, gdpo, worst by mean rubric score), if any ran. */
  baseline?: string;
}

/** Per-variant summaries and paired wins against the strongest static aggregation. */
export function compareVariants(finals: readonly FinalScores[]): ComparisonTable {
  const names = [...new Set(finals.map((f) => f.variant))];
  const of = (name: string) => finals.filter((f) => f.variant === name);
  const bySeed = (
    list: readonly FinalScores[],
    key: 'rubricScore' | 'worstScore' | 'allPassRate',
  ): SeedScores => Object.fromEntries(list.map((f) => [f.seed, f[key]]));
  const candidates = names
    .filter((name) => STATIC_BASELINES.includes(of(name)[0].method))
    .map((name) => ({ name, scores: bySeed(of(name), 'rubricScore') }));
  const baseline = strongest(candidates)?.name;
  const rows = names.map((name): VariantRow => {
    const list = of(name);
    const row: VariantRow = {
      variant: name,
      method: list[0].method,
      rubric: summarise(list.map((f) => f.rubricScore)),
      worst: summarise(list.map((f) => f.worstScore)),
      allPass: summarise(list.map((f) => f.allPassRate)),
    };
    if (baseline !== undefined && name !== baseline) {
      row.vsBaseline = pairedComparison(bySeed(list, 'rubricScore'), bySeed(of(baseline), 'rubricScore'));
      row.vsBaselineWorst = pairedComparison(bySeed(list, 'worstScore'), bySeed(of(baseline), 'worstScore'));
      row.vsBaselineAllPass = pairedComparison(
        bySeed(list, 'allPassRate'),
        bySeed(of(baseline), 'allPassRate'),
      );
    }
    return row;
  });
  return { rows, baseline };
}

export type Metric = 'rubricScore' | 'worstScore' | 'allPassRate';
export const METRICS: readonly Metric[] = ['rubricScore', 'worstScore', 'allPassRate'];

/** One metric of one cell: the baseline it was compared with, the paired interval and the verdict. */
export interface CellStatistic {
  baseline: string;
  interval: Interval;
  verdict: Verdict;
}

/**
 * A cell of the paper grid on one metric: `candidate` minus the strongest static aggregation on
 * that metric (the best of static, gdpo and worst by mean over seeds), paired by seed, with a
 * 95% paired-bootstrap interval and its verdict. Undefined when the candidate or every baseline is
 * missing.
 */
export function cellStatistic(
  finals: readonly FinalScores[],
  metric: Metric,
  candidate = 'focal',
  opts: BootstrapOptions = {},
): CellStatistic | undefined {
  const bySeed = (variant: string): SeedScores =>
    Object.fromEntries(finals.filter((f) => f.variant === variant).map((f) => [f.seed, f[metric]]));
  const own = bySeed(candidate);
  if (Object.keys(own).length === 0) return undefined;
  const variants = [
    ...new Set(finals.filter((f) => STATIC_BASELINES.includes(f.method)).map((f) => f.variant)),
  ];
  const baseline = strongest(variants.map((name) => ({ name, scores: bySeed(name) })))?.name;
  if (baseline === undefined) return undefined;
  const interval = pairedBootstrap(pairedDiffs(own, bySeed(baseline)), opts);
  return { baseline, interval, verdict: verdictOf(interval) };
}

/**
 * The best of several baselines chosen without looking at the seed it is compared on: for each
 * seed, the baseline with the highest mean over the *other* seeds (the first listed on a tie), and
 * the candidate's difference from it on that seed. The records have no seeds set apart for choosing,
 * so each seed is left out of its own choice instead (the differences then share their choosers'
 * data, a small dependence the t interval ignores). Only seeds that the candidate and every baseline
 * have take part; fewer than two give no differences (nothing to choose on).
 */
export function bestOfOtherSeeds(
  candidate: SeedScores,
  baselines: readonly { name: string; scores: SeedScores }[],
): { seeds: number[]; chosen: string[]; diffs: number[] } {
  const seeds = Object.keys(candidate)
    .map(Number)
    .filter((seed) => baselines.every((b) => seed in b.scores))
    .sort((a, b) => a - b);
  if (seeds.length < 2 || baselines.length === 0) return { seeds: [], chosen: [], diffs: [] };
  const chosen = seeds.map((left) => {
    const others = seeds.filter((seed) => seed !== left);
    let best = baselines[0];
    let bestMean = -Infinity;
    for (const b of baselines) {
      const mean = others.reduce((a, seed) => a + b.scores[seed], 0) / others.length;
      if (mean > bestMean) [best, bestMean] = [b, mean];
    }
    return best;
  });
  return {
    seeds,
    chosen: chosen.map((b) => b.name),
    diffs: seeds.map((seed, i) => candidate[seed] - chosen[i].scores[seed]),
  };
}

/** `gdpo` when every seed chose it, else how often each was chosen: `gdpo 4, static 1`. */
export function choiceLabel(chosen: readonly string[]): string {
  if (chosen.length === 0) return '—';
  const counts = new Map<string, number>();
  for (const name of chosen) counts.set(name, (counts.get(name) ?? 0) + 1);
  if (counts.size === 1) return chosen[0];
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, k]) => `${name} ${k}`)
    .join(', ');
}

/** One metric of one cell, tested: against the best of by other seeds, and each baseline alone. */
export interface MetricTests {
  bestOf: { baseline: string; chosen: string[]; test: PairedT };
  /** Each of static, gdpo, worst and sa-mrpo that ran, alone, paired by seed. */
  separate: { baseline: string; test: PairedT }[];
  /** The statistic published before these tests: the bootstrap against the best on the same seeds. */
  sameSeeds?: CellStatistic;
}

/**
 * `candidate` minus the baselines on one metric, as paired t tests (uncorrected: the caller holds
 * the family and corrects it). The best of static, gdpo and worst is chosen seed by seed on the
 * other seeds (`bestOfOtherSeeds`); every baseline variant is also tested alone. Undefined when
 * the candidate or every static aggregation is missing.
 */
export function metricTests(
  finals: readonly FinalScores[],
  metric: Metric,
  candidate = 'focal',
): MetricTests | undefined {
  const bySeed = (variant: string): SeedScores =>
    Object.fromEntries(finals.filter((f) => f.variant === variant).map((f) => [f.seed, f[metric]]));
  const own = bySeed(candidate);
  const variantsOf = (methods: readonly Method[]) => [
    ...new Set(
      finals.filter((f) => methods.includes(f.method) && f.variant !== candidate).map((f) => f.variant),
    ),
  ];
  const pool = variantsOf(STATIC_BASELINES).map((name) => ({ name, scores: bySeed(name) }));
  if (Object.keys(own).length === 0 || pool.length === 0) return undefined;
  const best = bestOfOtherSeeds(own, pool);
  return {
    bestOf: { baseline: choiceLabel(best.chosen), chosen: best.chosen, test: pairedT(best.diffs) },
    separate: variantsOf(SEPARATE_BASELINES).map((baseline) => ({
      baseline,
      test: pairedT(pairedDiffs(own, bySeed(baseline))),
    })),
    sameSeeds: cellStatistic(finals, metric, candidate),
  };
}
