/**
 * The published aggregators: static (GRPO), gdpo, sa-mrpo, and the worst-criterion baseline.
 * Each maps one batch of scores to advantages; none keeps state across steps.
 */
import type { MethodConfig } from './config';
import { saturationWeights } from './reweight';
import { batchRates, readCriterion, type ScoreMatrix } from './scores';
import { standardiseBatch, standardiseInGroups, type GroupIndex } from './stats';
import type { AdvantageResult, FocalState, JudgeRates } from './types';

/** What every aggregator receives: validated shapes, static weights already normalised to sum 1. */
export interface AggregatorArgs {
  m: ScoreMatrix;
  g: GroupIndex;
  w: number[];
  judge: readonly JudgeRates[] | null;
  config: MethodConfig;
  state: FocalState | null;
}

export type Aggregator = (args: AggregatorArgs) => AdvantageResult;

/** static: `R[n] = sum_k w_k r[n,k]`, then `A = (R - mean_g R) / (std_g R + eps)`. */
export const staticAggregator: Aggregator = ({ m, g, w }) => {
  const R = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let sum = 0;
    for (let k = 0, at = i * m.k; k < m.k; k++, at++) sum += w[k] * m.r[at];
    R[i] = sum;
  }
  return {
    advantages: standardiseInGroups(R, g, R),
    weights: w.slice(),
    saturation: batchRates(m),
    state: null,
  };
};

/**
 * `A~[n] = sum_k coef_k A_k[n]` with `A_k = (r_k - mean_g r_k) / (std_g r_k + eps)`, then
 * standardised over the batch: gdpo with `coef = w`, sa-mrpo with `coef = w~`.
 */
export function groupNormalisedSum(m: ScoreMatrix, g: GroupIndex, coef: readonly number[]): Float64Array {
  const total = new Float64Array(m.n);
  const col = new Float64Array(m.n);
  for (let k = 0; k < m.k; k++) {
    const c = coef[k];
    if (c === 0) continue; // exact: A_k is finite, so 0 * A_k adds nothing
    standardiseInGroups(readCriterion(m, k, col), g, col);
    for (let i = 0; i < m.n; i++) total[i] += c * col[i];
  }
  return standardiseBatch(total, total);
}

/** gdpo: normalise each criterion within its group, sum with `w`, standardise over the batch. */
export const gdpoAggregator: Aggregator = ({ m, g, w }) => ({
  advantages: groupNormalisedSum(m, g, w),
  weights: w.slice(),
  saturation: batchRates(m),
  state: null,
});

/**
 * sa-mrpo: gdpo with `w~_k = w_k (1 - s_k)^gamma`, `s_k = mean_b r_k`. `w~` is normalised to sum 1
 * before the sum; batch standardisation is scale-invariant up to eps, and the normalised form is
 * what focal uses, so the identity focal == sa-mrpo holds to rounding.
 */
export const saMrpoAggregator: Aggregator = ({ m, g, w, config }) => {
  const s = batchRates(m);
  const wTilde = saturationWeights(w, s, config.gamma);
  return { advantages: groupNormalisedSum(m, g, wTilde), weights: wTilde, saturation: s, state: null };
};

/**
 * worst: `R[n] = min_k r[n,k]` over criteria with `w_k > 0`, then group-normalised as static.
 * Its effective weights are the share of rollouts in which each criterion is the minimum (ties
 * split evenly): the criteria that actually set the reward.
 */
export const worstAggregator: Aggregator = ({ m, g, w }) => {
  const R = new Float64Array(m.n);
  const share = new Float64Array(m.k);
  for (let i = 0; i < m.n; i++) {
    const row = i * m.k;
    let lo = Infinity;
    for (let k = 0; k < m.k; k++) if (w[k] > 0 && m.r[row + k] < lo) lo = m.r[row + k];
    R[i] = lo;
    let ties = 0;
    for (let k = 0; k < m.k; k++) if (w[k] > 0 && m.r[row + k] === lo) ties++;
    for (let k = 0; k < m.k; k++) if (w[k] > 0 && m.r[row + k] === lo) share[k] += 1 / ties;
  }
  const weights = Array.from(share, (c) => c / m.n);
  return { advantages: standardiseInGroups(R, g, R), weights, saturation: batchRates(m), state: null };
};
