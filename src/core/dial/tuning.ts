/**
 * Choosing tuned static's multiplier: the one with the best mean final held-out rubric score over
 * the tuning seeds, scored with the rubric's stated weights (as every evaluation is), the smaller
 * multiplier on a tie. The tuning seeds are never the compared ones, so the choice does not look
 * at the seeds the arm is then compared on.
 */
import type { RunResult } from '../records/run-result';
import { tuningVariant } from './experiment';

export interface TuningChoice {
  multipliers: number[];
  /** Mean final held-out rubric score per multiplier (null: no finished run). */
  scores: (number | null)[];
  chosen: number;
}

export function chooseMultiplier(
  results: readonly RunResult[],
  multipliers: readonly number[],
): TuningChoice {
  const scores = multipliers.map((m) => {
    const finals = results
      .filter((r) => r.variant === tuningVariant(m) && !r.failure && r.evals.length > 0)
      .map((r) => r.evals[r.evals.length - 1].rubricScore)
      .filter(Number.isFinite);
    return finals.length > 0 ? finals.reduce((a, b) => a + b, 0) / finals.length : null;
  });
  let chosen = multipliers[0] ?? 1;
  let best = -Infinity;
  scores.forEach((s, i) => {
    if (s !== null && s > best) [best, chosen] = [s, multipliers[i]];
  });
  return { multipliers: [...multipliers], scores, chosen };
}
