/**
 * The comparison table: one row per arm (a method or variant, over its seeds), from each run's
 * latest evaluation. Mean and sample standard deviation across seeds, and paired wins against the
 * first arm on the seeds both share.
 */
import type { EvalRecord } from '../../core/records/types';
import {
  formatMeanStd,
  pairedComparison,
  summarise,
  type PairedComparison,
  type SeedScores,
  type Summary,
} from '../../core/experiment/compare';

export { formatMeanStd };

export interface ComparedRun {
  arm: string;
  seed: number;
  /** The run's latest evaluation; runs without one are counted but not scored. */
  latest: EvalRecord | null;
}

export type MeanStd = Summary;
export type PairedWins = Pick<PairedComparison, 'wins' | 'ties' | 'losses' | 'pairs'>;

export interface ArmSummary {
  arm: string;
  runs: number;
  rubricScore: MeanStd;
  worstScore: MeanStd;
  allPassRate: MeanStd;
  /** Against the first arm, on rubric score; null for the first arm itself. */
  vsBaseline: PairedWins | null;
}

export function compareArms(runs: readonly ComparedRun[]): ArmSummary[] {
  const arms = new Map<string, ComparedRun[]>();
  for (const run of runs) {
    const list = arms.get(run.arm);
    if (list) list.push(run);
    else arms.set(run.arm, [run]);
  }
  // A seed evaluated twice in one arm counts its latest run.
  const bySeed = (list: readonly ComparedRun[]): SeedScores => {
    const scores: SeedScores = {};
    for (const r of list) if (r.latest) scores[r.seed] = r.latest.rubricScore;
    return scores;
  };
  const entries = [...arms.entries()];
  const baseline = entries.length > 0 ? bySeed(entries[0][1]) : {};
  return entries.map(([arm, list], index) => {
    const scored = list.flatMap((r) => (r.latest ? [r.latest] : []));
    return {
      arm,
      runs: list.length,
      rubricScore: summarise(scored.map((e) => e.rubricScore)),
      worstScore: summarise(scored.map((e) => e.worstScore)),
      allPassRate: summarise(scored.map((e) => e.allPassRate)),
      vsBaseline: index === 0 ? null : wins(pairedComparison(bySeed(list), baseline)),
    };
  });
}

const wins = ({ wins, ties, losses, pairs }: PairedComparison): PairedWins => ({ wins, ties, losses, pairs });
