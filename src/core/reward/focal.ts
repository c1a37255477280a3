/**
 * focal: this project's reconstruction of Focal Reward (Huang et al., 2026) from its abstract.
 * The paper's exact formulas are not public; each part below can be switched off or swapped
 * (see docs/algorithms.md).
 */
import type { Aggregator } from './aggregators';
import { saturationWeights } from './reweight';
import { batchRates, readCriterion } from './scores';
import { EPS, groupMoments, standardiseBatch, standardiseInGroups } from './stats';
import type { FocalState } from './types';

/**
 * Inverse reward projection: the latent rate behind an observed rate `m` from a judge with
 * false-positive rate `a` and false-negative rate `b`, `clip((m - a) / (1 - a - b), 0, 1)`.
 * With `a = b = 0` it is the identity on [0,1].
 */
export function projectRate(m: number, a: number, b: number): number {
  if (a === 0 && b === 0) return m;
  const q = (m - a) / (1 - a - b);
  return q < 0 ? 0 : q > 1 ? 1 : q;
}

/**
 * Folds this batch's projected rates `q` into the EMA and returns the bias-corrected saturation
 * `s = ema / (1 - beta^steps)`. A missing state starts at `ema = 0, steps = 0`; `beta = 0` gives
 * `s = q` (this batch alone).
 */
export function updateSaturation(
  q: readonly number[],
  state: FocalState | null,
  beta: number,
): { saturation: number[]; state: FocalState } {
  const steps = (state?.steps ?? 0) + 1;
  const ema = q.map((qk, k) => beta * (state?.ema[k] ?? 0) + (1 - beta) * qk);
  const correction = 1 - Math.pow(beta, steps);
  // Clamped: a hand-edited or mismatched state could push the corrected value outside [0,1].
  const saturation = ema.map((e) => Math.min(1, Math.max(0, e / correction)));
  return { saturation, state: { ema, steps } };
}

/**
 * Focal coefficients: `alpha_k = w_k (1 - s_k)^gamma` normalised, then floored at `alphaMin * w_k`
 * and renormalised, so that no weighted criterion is ever switched off. `gamma = 0` gives `w`.
 */
export function focalCoefficients(
  w: readonly number[],
  s: readonly number[],
  gamma: number,
  alphaMin: number,
): number[] {
  const alpha = saturationWeights(w, s, gamma);
  if (alphaMin === 0) return alpha;
  let total = 0;
  for (let k = 0; k < alpha.length; k++) {
    alpha[k] = Math.max(alpha[k], alphaMin * w[k]);
    total += alpha[k];
  }
  for (let k = 0; k < alpha.length; k++) alpha[k] /= total;
  return alpha;
}

export const focalAggregator: Aggregator = ({ m, g, w, judge, config, state }) => {
  const { gamma, beta, alphaMin, warmup, projection, base, scale, norm } = config;
  const fp = (k: number) => (projection && judge ? judge[k].fp : 0);
  const fn = (k: number) => (projection && judge ? judge[k].fn : 0);

  // Saturation: the projected batch rate, smoothed across steps.
  const q = batchRates(m).map((rate, k) => projectRate(rate, fp(k), fn(k)));
  const next = updateSaturation(q, state, beta);
  const s = next.saturation;
  // Over the warm-up the coefficients are the weights (gamma 0), so that no criterion is postponed
  // before the policy has moved; saturation is still measured, so the EMA is warm when it ends.
  const alpha = focalCoefficients(w, s, next.state.steps <= warmup ? 0 : gamma, alphaMin);

  const total = new Float64Array(m.n);
  const rHat = new Float64Array(m.n);
  const mean = new Float64Array(g.count);
  const std = new Float64Array(g.count);
  for (let k = 0; k < m.k; k++) {
    if (alpha[k] === 0) continue;
    readCriterion(m, k, rHat);
    const a = fp(k);
    const b = fn(k);
    if (a !== 0 || b !== 0) for (let i = 0; i < m.n; i++) rHat[i] = projectRate(rHat[i], a, b);

    if (base === 'group' && scale === 'group-std') {
      // The gdpo term, computed by the same code so that the gdpo identity holds to rounding.
      standardiseInGroups(rHat, g, rHat);
      for (let i = 0; i < m.n; i++) total[i] += alpha[k] * rHat[i];
      continue;
    }
    if (base === 'group' || scale === 'group-std') groupMoments(rHat, g, mean, std);
    // Bernoulli noise at the criterion's level; at s = 0 or 1 it is a zero std, so the term is 0.
    const noise = Math.sqrt(s[k] * (1 - s[k]));
    for (let i = 0; i < m.n; i++) {
      const j = g.of[i];
      const level = base === 'group' ? mean[j] : s[k];
      let d: number;
      if (scale === 'group-std') d = std[j] === 0 ? 0 : (rHat[i] - level) / (std[j] + EPS);
      else if (scale === 'snr') d = noise === 0 ? 0 : (rHat[i] - level) / (noise + EPS);
      else d = rHat[i] - level;
      total[i] += alpha[k] * d;
    }
  }
  const advantages = norm === 'batch' ? standardiseBatch(total, total) : standardiseInGroups(total, g, total);
  return { advantages, weights: alpha, saturation: s, state: next.state };
};
