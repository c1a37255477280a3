/**
 * The comparison table: one row per arm (a method or variant, over its seeds), from each run's
 * latest evaluation. Mean and sample standard deviation across seeds, and paired wins against the
 * first arm on the seeds both share, as ALGORITHMS.md asks.
 */
import type { EvalRecord } from '../../core/train/types';

export interface ComparedRun {
  arm: string;
  seed: number;
  /** The run's latest evaluation; runs without one are counted but not scored. */
  latest: EvalRecord | null;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n - 1); NaN with fewer than two values. */
  std: number;
  n: number;
}

export interface PairedWins {
  wins: number;
  ties: number;
  losses: number;
  /** Seeds both this arm and the baseline arm have evaluated. */
  pairs: number;
}

export interface ArmSummary {
  arm: string;
  runs: number;
  rubricScore: MeanStd;
  worstScore: MeanStd;
  allPassRate: MeanStd;
  /** Against the first arm, on rubric score; null for the first arm itself. */
  vsBaseline: PairedWins | null;
}

export const TIE_TOLERANCE = 1e-9;

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: NaN, n };
  const sq = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(sq / (n - 1)), n };
}

/** Paired comparison on rubric score; a seed evaluated twice in one arm counts its latest run. */
export function pairedWins(
  arm: ReadonlyMap<number, number>,
  baseline: ReadonlyMap<number, number>,
): PairedWins {
  const result: PairedWins = { wins: 0, ties: 0, losses: 0, pairs: 0 };
  for (const [seed, score] of arm) {
    const other = baseline.get(seed);
    if (other === undefined) continue;
    result.pairs++;
    if (Math.abs(score - other) <= TIE_TOLERANCE) result.ties++;
    else if (score > other) result.wins++;
    else result.losses++;
  }
  return result;
}

export function compareArms(runs: readonly ComparedRun[]): ArmSummary[] {
  const arms = new Map<string, ComparedRun[]>();
  for (const run of runs) {
    const list = arms.get(run.arm);
    if (list) list.push(run);
    else arms.set(run.arm, [run]);
  }
  const bySeed = (list: readonly ComparedRun[]): Map<number, number> => {
    const map = new Map<number, number>();
    for (const r of list) if (r.latest) map.set(r.seed, r.latest.rubricScore);
    return map;
  };
  const entries = [...arms.entries()];
  const baseline = entries.length > 0 ? bySeed(entries[0][1]) : new Map<number, number>();
  return entries.map(([arm, list], index) => {
    const scored = list.flatMap((r) => (r.latest ? [r.latest] : []));
    return {
      arm,
      runs: list.length,
      rubricScore: meanStd(scored.map((e) => e.rubricScore)),
      worstScore: meanStd(scored.map((e) => e.worstScore)),
      allPassRate: meanStd(scored.map((e) => e.allPassRate)),
      vsBaseline: index === 0 ? null : pairedWins(bySeed(list), baseline),
    };
  });
}

/** `0.734 ± 0.021`, or `0.734` with one value, or `—` with none. */
export function formatMeanStd(value: MeanStd, digits = 3): string {
  if (value.n === 0 || !Number.isFinite(value.mean)) return '—';
  const mean = value.mean.toFixed(digits);
  return Number.isFinite(value.std) ? `${mean} ± ${value.std.toFixed(digits)}` : mean;
}
