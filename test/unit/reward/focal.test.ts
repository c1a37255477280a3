import { describe, expect, it } from 'vitest';
import {
  computeAdvantages,
  focalCoefficients,
  projectRate,
  updateSaturation,
  type FocalState,
} from '../../../src/core/reward';
import { config } from './fixtures';

describe('inverse reward projection', () => {
  it('inverts the judge noise and clips to [0,1]', () => {
    // a = 0.1, b = 0.2: q = (m - 0.1) / 0.7
    expect(projectRate(0.45, 0.1, 0.2)).toBeCloseTo(0.5, 15); // 0.35 / 0.7
    expect(projectRate(0.05, 0.1, 0.2)).toBe(0); // below the false-positive floor
    expect(projectRate(0.9, 0.1, 0.2)).toBe(1); // above the false-negative ceiling (0.8)
  });

  it('is the identity for an exact rule, and keeps binary scores binary for any judge', () => {
    for (const m of [0, 0.123, 0.5, 1]) expect(projectRate(m, 0, 0)).toBe(m);
    // r = 1 -> (1 - a) / (1 - a - b) >= 1 -> 1; r = 0 -> -a / (1 - a - b) <= 0 -> 0
    expect(projectRate(1, 0.3, 0.4)).toBe(1);
    expect(projectRate(0, 0.3, 0.4)).toBe(0);
  });
});

describe('saturation EMA with bias correction', () => {
  it('matches two steps by hand', () => {
    // beta = 0.5, q = 0.4 then 0.7
    // step 1: ema = 0.5 * 0 + 0.5 * 0.4 = 0.2; s = 0.2 / (1 - 0.5) = 0.4 (bias correction: the batch itself)
    // step 2: ema = 0.5 * 0.2 + 0.5 * 0.7 = 0.45; s = 0.45 / (1 - 0.25) = 0.6 = (0.5 * 0.4 + 0.7) / 1.5
    const one = updateSaturation([0.4], null, 0.5);
    expect(one.state).toEqual({ ema: [0.2], steps: 1 });
    expect(one.saturation[0]).toBeCloseTo(0.4, 15);
    const two = updateSaturation([0.7], one.state, 0.5);
    expect(two.state.ema[0]).toBeCloseTo(0.45, 15);
    expect(two.state.steps).toBe(2);
    expect(two.saturation[0]).toBeCloseTo(0.6, 15);
  });

  it('uses this batch alone at beta = 0, whatever the state', () => {
    const out = updateSaturation([0.3, 0.9], { ema: [0.8, 0.1], steps: 7 }, 0);
    expect(out.saturation).toEqual([0.3, 0.9]);
    expect(out.state).toEqual({ ema: [0.3, 0.9], steps: 8 });
  });

  it('threads through computeAdvantages without touching the caller state', () => {
    // Two steps of one criterion, beta = 0.5, no judge (projection is the identity):
    // batch 1 rate 0.25 -> s = 0.25; batch 2 rate 0.75 -> s = (0.5 * 0.25 + 0.75) / 1.5 = 0.58333...
    const c = config({ method: 'focal', beta: 0.5 });
    const base = { groups: [0, 0, 1, 1], weights: [1] };
    const first = computeAdvantages({ ...base, scores: [[1], [0], [0], [0]], config: c, state: null });
    expect(first.saturation[0]).toBeCloseTo(0.25, 15);
    const kept: FocalState = JSON.parse(JSON.stringify(first.state));
    const second = computeAdvantages({
      ...base,
      scores: [[1], [1], [1], [0]],
      config: c,
      state: first.state,
    });
    expect(second.saturation[0]).toBeCloseTo(0.875 / 1.5, 15);
    expect(second.state).toEqual({ ema: [0.5 * 0.125 + 0.5 * 0.75], steps: 2 });
    expect(first.state).toEqual(kept);
  });

  it('projects the batch rate before smoothing', () => {
    // rate 0.5 with a = 0.1, b = 0.1: q = 0.4 / 0.8 = 0.5; rate 0.75: q = 0.65 / 0.8 = 0.8125
    const out = computeAdvantages({
      scores: [[1], [0], [1], [1]],
      groups: [0, 0, 1, 1],
      weights: [1],
      judge: [{ fp: 0.1, fn: 0.1 }],
      config: config({ method: 'focal', beta: 0 }),
    });
    expect(out.saturation[0]).toBeCloseTo(0.8125, 15);
    const off = computeAdvantages({
      scores: [[1], [0], [1], [1]],
      groups: [0, 0, 1, 1],
      weights: [1],
      judge: [{ fp: 0.1, fn: 0.1 }],
      config: config({ method: 'focal', beta: 0, projection: false }),
    });
    expect(off.saturation[0]).toBe(0.75);
  });
});

describe('focal coefficients', () => {
  it('are w at gamma = 0', () => {
    expect(focalCoefficients([0.25, 0.75], [0.9, 0.1], 0, 0)).toEqual([0.25, 0.75]);
  });

  it('floor a saturated criterion at alphaMin * w_k before renormalising', () => {
    // w = (0.5, 0.5), s = (1, 0.5), gamma = 2: raw (0, 0.125) -> (0, 1)
    // floor 0.1 * 0.5 = 0.05 -> (0.05, 1) -> renormalised (0.05, 1) / 1.05
    const alpha = focalCoefficients([0.5, 0.5], [1, 0.5], 2, 0.1);
    expect(alpha[0]).toBeCloseTo(0.05 / 1.05, 15);
    expect(alpha[1]).toBeCloseTo(1 / 1.05, 15);
  });

  it('fall back to w when every weighted criterion is saturated', () => {
    expect(focalCoefficients([0.2, 0.8, 0], [1, 1, 0.3], 2, 0)).toEqual([0.2, 0.8, 0]);
  });

  it('never switch on a criterion with zero static weight', () => {
    const alpha = focalCoefficients([0, 1], [0, 0.99], 3, 0.5);
    expect(alpha[0]).toBe(0);
    expect(alpha[1]).toBe(1);
  });
});

describe('focal warm-up', () => {
  it('keeps the coefficients at the weights through the warm-up and measures saturation meanwhile', () => {
    // K = 2, weights (3, 1) -> w = (0.75, 0.25); scores (1, 0 | 1, 1) on criterion 1 and
    // (0, 0 | 0, 1) on criterion 2; beta = 0.5, gamma = 2, warmup = 2, previous state after 1 step.
    const scores = [
      [1, 0],
      [0, 0],
      [1, 0],
      [1, 1],
    ];
    const input = { scores, groups: [0, 0, 1, 1], weights: [3, 1] };
    const state: FocalState = { ema: [0.2, 0.3], steps: 1 };
    const focal = config({ method: 'focal', gamma: 2, beta: 0.5, alphaMin: 0.05, warmup: 2 });
    // step 2 <= warmup: alpha = w exactly, while the EMA folds in q = (0.75, 0.25):
    // ema = 0.5 * (0.2, 0.3) + 0.5 * (0.75, 0.25) = (0.475, 0.275); s = ema / 0.75
    const inside = computeAdvantages({ ...input, state, config: focal });
    expect(inside.weights).toEqual([0.75, 0.25]);
    expect(inside.state).toEqual({ ema: [0.475, 0.275], steps: 2 });
    expect(inside.saturation[0]).toBeCloseTo(0.475 / 0.75, 15);
    // step 3 > warmup: alpha = w (1 - s)^2 normalised (floors do not bind), s from the carried EMA
    const past = computeAdvantages({ ...input, state: inside.state, config: focal });
    const s = [0.5 * 0.475 + 0.5 * 0.75, 0.5 * 0.275 + 0.5 * 0.25].map((e) => e / (1 - 0.125));
    const raw = [0.75 * (1 - s[0]) ** 2, 0.25 * (1 - s[1]) ** 2];
    expect(past.weights[0]).toBeCloseTo(raw[0] / (raw[0] + raw[1]), 12);
    expect(past.weights[1]).toBeCloseTo(raw[1] / (raw[0] + raw[1]), 12);
  });
});
