/**
 * Summaries of a batch of scores: the user's rubric score, the worst criterion, the all-pass rate.
 * Pure functions over row-major N x K score matrices.
 */
import { passes } from './pass';

export interface ScoreSummary {
  criterionMeans: number[];
  /** Share of the N rows that pass each criterion. */
  criterionPassRates: number[];
  rubricScore: number;
  worstScore: number;
  allPassRate: number;
  spread: number;
}

export function summariseScores(
  scores: ArrayLike<number>,
  N: number,
  K: number,
  weights: readonly number[],
): ScoreSummary {
  const criterionMeans = new Array<number>(K).fill(0);
  const criterionPassRates = new Array<number>(K).fill(0);
  let allPass = 0;
  for (let n = 0; n < N; n++) {
    let every = true;
    for (let k = 0; k < K; k++) {
      const r = scores[n * K + k];
      criterionMeans[k] += r;
      if (passes(r)) criterionPassRates[k]++;
      else every = false;
    }
    if (every) allPass++;
  }
  for (let k = 0; k < K; k++) {
    criterionMeans[k] /= Math.max(1, N);
    criterionPassRates[k] /= Math.max(1, N);
  }
  const rubricScore = criterionMeans.reduce((sum, m, k) => sum + weights[k] * m, 0);
  const worstScore = Math.min(...criterionMeans);
  const spread = Math.max(...criterionMeans) - worstScore;
  return {
    criterionMeans,
    criterionPassRates,
    rubricScore,
    worstScore,
    allPassRate: allPass / Math.max(1, N),
    spread,
  };
}
