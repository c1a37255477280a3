/**
 * Summaries of a batch of scores: the user's rubric score, the worst criterion, the all-pass rate.
 * Pure functions over row-major N x K score matrices.
 */
import { passes } from '../rubric/pass';

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

export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}

/** Share of groups (rollouts `g*G .. g*G+G-1`) whose advantages are all zero: no learning signal. */
export function zeroSignalShare(advantages: ArrayLike<number>, groupSize: number): number {
  const groups = Math.floor(advantages.length / groupSize);
  let zero = 0;
  for (let g = 0; g < groups; g++) {
    let all = true;
    for (let i = 0; i < groupSize; i++) if (Math.abs(advantages[g * groupSize + i]) > 1e-9) all = false;
    if (all) zero++;
  }
  return groups ? zero / groups : 0;
}
