/**
 * Hand-computed examples. The shared batch (two groups of two, K = 2, weights 3:1 -> w = (0.75, 0.25)):
 *   rollout  group  r_1  r_2
 *     0        0    1    0
 *     1        0    0    1
 *     2        1    1    1
 *     3        1    0.5  1
 * Batch rates mean_b r_k = (2.5/4, 3/4) = (0.625, 0.75).
 */
import { describe, expect, it } from 'vitest';
import { EPS, computeAdvantages, defaultMethodConfig, METHODS } from '../../../src/core/reward';
import { advantagesOf, config } from './fixtures';

const batch = {
  scores: [
    [1, 0],
    [0, 1],
    [1, 1],
    [0.5, 1],
  ],
  groups: [0, 0, 1, 1],
  weights: [3, 1],
};
// Group-standardised pairs: a pair (x, y) has mean (x+y)/2 and population std |x-y|/2, so each
// member is +-(|x-y|/2) / (|x-y|/2 + eps).
const pm = (halfGap: number) => halfGap / (halfGap + EPS);
const u = pm(0.5); // a 0/1 pair
const v = pm(0.25); // a 1/0.5 pair

const close = (actual: ArrayLike<number>, expected: number[], digits = 12) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('static (GRPO)', () => {
  it('sums with the weights, then normalises within groups', () => {
    // R = (0.75, 0.25, 1, 0.75 * 0.5 + 0.25 * 1 = 0.625)
    // group 0: mean 0.5, std 0.25 -> +-0.25 / (0.25 + eps)
    // group 1: mean 0.8125, std 0.1875 -> +-0.1875 / (0.1875 + eps)
    const out = computeAdvantages({ ...batch, config: config({ method: 'static' }) });
    close(out.advantages, [pm(0.25), -pm(0.25), pm(0.1875), -pm(0.1875)]);
    close(out.weights, [0.75, 0.25], 15);
    close(out.saturation, [0.625, 0.75], 15);
    expect(out.state).toBeNull();
  });
});

describe('gdpo', () => {
  it('normalises each criterion within groups, sums, then standardises over the batch', () => {
    // A_1: group 0 (1, 0) -> (u, -u); group 1 (1, 0.5) -> (v, -v)
    // A_2: group 0 (0, 1) -> (-u, u); group 1 (1, 1) -> (0, 0)  (zero std: the term is 0)
    // A~ = 0.75 A_1 + 0.25 A_2 = (0.5u, -0.5u, 0.75v, -0.75v); mean_b 0
    // std_b = sqrt((2 (0.5u)^2 + 2 (0.75v)^2) / 4)
    const std = Math.sqrt((2 * (0.5 * u) ** 2 + 2 * (0.75 * v) ** 2) / 4);
    const out = computeAdvantages({ ...batch, config: config({ method: 'gdpo' }) });
    close(
      out.advantages,
      [0.5 * u, -0.5 * u, 0.75 * v, -0.75 * v].map((a) => a / (std + EPS)),
    );
    close(out.weights, [0.75, 0.25], 15);
    close(out.saturation, [0.625, 0.75], 15);
  });
});

describe('sa-mrpo', () => {
  it('reweights gdpo by w_k (1 - s_k)^gamma with s_k the batch mean', () => {
    // gamma = 1: w~ proportional to (0.75 * 0.375, 0.25 * 0.25) = (0.28125, 0.0625) -> (9/11, 2/11)
    // A~ = (9/11 - 2/11) u, -(7/11) u, (9/11) v, -(9/11) v
    const a = [(7 / 11) * u, (-7 / 11) * u, (9 / 11) * v, (-9 / 11) * v];
    const std = Math.sqrt(a.reduce((t, x) => t + x * x, 0) / 4);
    const out = computeAdvantages({ ...batch, config: config({ method: 'sa-mrpo', gamma: 1 }) });
    close(
      out.advantages,
      a.map((x) => x / (std + EPS)),
    );
    close(out.weights, [9 / 11, 2 / 11], 15);
    close(out.saturation, [0.625, 0.75], 15);
  });

  it('is gdpo at gamma = 0', () => {
    expect(advantagesOf(batch, { method: 'sa-mrpo', gamma: 0 })).toEqual(
      advantagesOf(batch, { method: 'gdpo' }),
    );
  });
});

describe('worst', () => {
  it('takes the minimum over weighted criteria, then normalises within groups', () => {
    // R = min_k r = (0, 0, 1, 0.5); group 0 is constant -> 0; group 1 -> +-0.25 / (0.25 + eps)
    const out = computeAdvantages({ ...batch, config: config({ method: 'worst' }) });
    close(out.advantages, [0, 0, pm(0.25), -pm(0.25)]);
    // The minimum is r_2 in rollout 0, r_1 in rollouts 1 and 3, a tie in rollout 2 (half each):
    // shares (1 + 0.5 + 1, 1 + 0.5) / 4 = (0.625, 0.375)
    close(out.weights, [0.625, 0.375], 15);
  });

  it('ignores criteria with zero weight', () => {
    // weights (1, 0): R = r_1 = (1, 0, 1, 0.5)
    const out = computeAdvantages({ ...batch, weights: [1, 0], config: config({ method: 'worst' }) });
    close(out.advantages, [u, -u, v, -v]);
    close(out.weights, [1, 0], 15);
  });
});

describe('focal', () => {
  it('projects, smooths, reweights, calibrates and standardises (every part on)', () => {
    // judge on r_1: fp a = 0.2, fn b = 0.1, so 1 - a - b = 0.7; r_2 is an exact rule.
    // previous state ema = (0.2, 0.3) after 1 step; beta = 0.5; gamma = 2; alphaMin = 0.05.
    // q_1 = (0.625 - 0.2) / 0.7 = 17/28; q_2 = 0.75
    // ema = 0.5 * (0.2, 0.3) + 0.5 * (17/28, 0.75) = (0.1 + 17/56, 0.525); steps 2
    // s = ema / (1 - 0.5^2) = (113/210, 0.7)
    const s1 = 113 / 210;
    // alpha ~ (0.75 (97/210)^2, 0.25 * 0.3^2); the floors (0.0375, 0.0125) do not bind
    const raw = [0.75 * (1 - s1) ** 2, 0.25 * 0.09];
    const alpha = raw.map((x) => x / (raw[0] + raw[1]));
    // r^_1 = clip((r - 0.2) / 0.7) = (1, 0, 1, 3/7): group 0 -> (u, -u);
    //   group 1 (1, 3/7): half-gap 2/7 -> (p, -p)
    const p = pm(2 / 7);
    // r^_2 = r_2: group 0 -> (-u, u); group 1 constant -> 0
    const a = [(alpha[0] - alpha[1]) * u, -(alpha[0] - alpha[1]) * u, alpha[0] * p, -alpha[0] * p];
    const std = Math.sqrt(a.reduce((t, x) => t + x * x, 0) / 4);

    const out = computeAdvantages({
      ...batch,
      judge: [
        { fp: 0.2, fn: 0.1 },
        { fp: 0, fn: 0 },
      ],
      state: { ema: [0.2, 0.3], steps: 1 },
      config: config({ method: 'focal', gamma: 2, beta: 0.5, alphaMin: 0.05 }),
    });
    close(
      out.advantages,
      a.map((x) => x / (std + EPS)),
      10,
    );
    close(out.weights, alpha, 12);
    close(out.saturation, [s1, 0.7], 12);
    close(out.state!.ema, [0.1 + 17 / 56, 0.525], 12);
    expect(out.state!.steps).toBe(2);
  });

  it('base saturation with the snr scale rewards a rollout above the criterion level even in a pass-only group', () => {
    // K = 1, scores (1, 0 | 1, 1), beta = 0 so s = 0.75; snr = sqrt(0.75 * 0.25) + eps
    // d = (r - 0.75) / snr = (0.25, -0.75, 0.25, 0.25) / snr; mean_b d = 0
    // std_b d = sqrt((3 * 0.0625 + 0.5625) / 4) / snr = sqrt(0.1875) / snr
    const snr = Math.sqrt(0.1875) + EPS;
    const d = [0.25, -0.75, 0.25, 0.25].map((x) => x / snr);
    const std = Math.sqrt(0.1875) / snr;
    const out = advantagesOf(
      { scores: [[1], [0], [1], [1]], groups: [0, 0, 1, 1], weights: [1] },
      { method: 'focal', beta: 0, base: 'saturation', scale: 'snr' },
    );
    close(
      out,
      d.map((x) => x / (std + EPS)),
    );
    // group 1 passes throughout: static gives it 0, focal's saturation base pushes it up
    expect(out[2]).toBeGreaterThan(0);
    expect(
      advantagesOf(
        { scores: [[1], [0], [1], [1]], groups: [0, 0, 1, 1], weights: [1] },
        { method: 'static' },
      )[2],
    ).toBe(0);
  });

  it('scale none with group norm reduces to group standardisation of the weighted deviations', () => {
    // K = 1: d = r - mean_g r = (0.5, -0.5 | 0.25, -0.25); group norm -> (u, -u, v, -v)
    const out = advantagesOf(
      { scores: [[1], [0], [1], [0.5]], groups: [0, 0, 1, 1], weights: [2] },
      { method: 'focal', scale: 'none', norm: 'group' },
    );
    close(out, [u, -u, v, -v]);
  });
});

describe('what aggregation changes', () => {
  // One group of four, two equally weighted binary criteria:
  //   (1,0), (0,1), (0,1), (0,0)
  const group = {
    scores: [
      [1, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ],
    groups: [0, 0, 0, 0],
    weights: [1, 1],
  };

  it('static gives (1,0) and (0,1) the same advantage; gdpo and focal separate them', () => {
    // static: R = (0.5, 0.5, 0.5, 0) -> the first three rollouts are tied
    const st = advantagesOf(group, { method: 'static' });
    expect(st[0]).toBe(st[1]);
    // gdpo: r_1 = (1,0,0,0): mean 0.25, std sqrt(3)/4 -> A_1 = (0.75, -0.25, -0.25, -0.25) / (sqrt(3)/4 + eps)
    //       r_2 = (0,1,1,0): mean 0.5, std 0.5 -> A_2 = (-u, u, u, -u)
    // A~(1,0) = 0.5 (1.732 - 1) = 0.366 > A~(0,1) = 0.5 (-0.577 + 1) = 0.211: the rarer success counts more
    const sigma = Math.sqrt(3) / 4 + EPS;
    const a1 = [0.75 / sigma, -0.25 / sigma, -0.25 / sigma, -0.25 / sigma];
    const a2 = [-u, u, u, -u];
    const tilde = a1.map((x, i) => 0.5 * x + 0.5 * a2[i]);
    const std = Math.sqrt(tilde.reduce((t, x) => t + x * x, 0) / 4);
    const gd = advantagesOf(group, { method: 'gdpo' });
    close(
      gd,
      tilde.map((x) => x / (std + EPS)),
    );
    expect(gd[0]).toBeGreaterThan(gd[1] + 0.1);
    const fo = advantagesOf(group, { method: 'focal' });
    expect(Math.abs(fo[0] - fo[1])).toBeGreaterThan(0.1);
  });

  it("focal's reweighting flips the sign of a rollout's advantage relative to gdpo", () => {
    // One group: (1,0), (1,0), (1,1), (0,0), weights (0.6, 0.4).
    // r_1 = (1,1,1,0): mean 0.75 (saturated-ish), std sqrt(3)/4 -> A_1 = (c, c, c, -3c), c = 0.25 / (sqrt(3)/4 + eps)
    // r_2 = (0,0,1,0): mean 0.25, same std              -> A_2 = (-c, -c, 3c, -c)
    // gdpo  A~(rollout 0) = 0.6c - 0.4c = 0.2c > 0
    // focal s = (0.75, 0.25): alpha ~ (0.6 * 0.0625, 0.4 * 0.5625) = (0.0375, 0.225) -> (1/7, 6/7)
    //       A~(rollout 0) = (1/7 - 6/7) c < 0
    // Batch standardisation keeps signs here: each A_k sums to 0 over the group, so mean_b A~ = 0.
    const flip = {
      scores: [
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
      groups: [0, 0, 0, 0],
      weights: [0.6, 0.4],
    };
    const gd = computeAdvantages({ ...flip, config: config({ method: 'gdpo' }) });
    const fo = computeAdvantages({ ...flip, config: config({ method: 'focal' }) });
    expect(gd.advantages[0]).toBeGreaterThan(0);
    expect(fo.advantages[0]).toBeLessThan(0);
    close(fo.weights, [1 / 7, 6 / 7], 12);
    const c = 0.25 / (Math.sqrt(3) / 4 + EPS);
    const tilde = [-5 / 7, -5 / 7, 1 / 7 + 18 / 7, -3 / 7 - 6 / 7].map((x) => x * c);
    const std = Math.sqrt(tilde.reduce((t, x) => t + x * x, 0) / 4);
    close(
      fo.advantages,
      tilde.map((x) => x / (std + EPS)),
    );
  });
});

describe('degenerate batches', () => {
  it('a batch with no variance gives exactly 0 for every method, never NaN', () => {
    const flat = {
      scores: [
        [0.1, 1],
        [0.1, 1],
        [0.1, 1],
        [0.1, 1],
      ],
      groups: [0, 0, 1, 1],
      weights: [1, 1],
    };
    for (const method of METHODS) {
      const out = computeAdvantages({ ...flat, config: defaultMethodConfig(method) });
      expect(Array.from(out.advantages)).toEqual([0, 0, 0, 0]);
      expect(out.weights.every(Number.isFinite)).toBe(true);
    }
  });

  it('a zero-variance group gets 0 (exactly for the group-normalised methods) next to a varied one', () => {
    const mixed = {
      scores: [
        [0.3, 1],
        [0.3, 1],
        [1, 0],
        [0, 1],
      ],
      groups: [5, 5, 9, 9],
      weights: [1, 2],
    };
    for (const method of METHODS) {
      const a = advantagesOf(mixed, { method });
      expect(Math.abs(a[0])).toBeLessThan(1e-12);
      expect(Math.abs(a[1])).toBeLessThan(1e-12);
      expect(a.every(Number.isFinite)).toBe(true);
    }
    expect(advantagesOf(mixed, { method: 'static' }).slice(0, 2)).toEqual([0, 0]);
    expect(advantagesOf(mixed, { method: 'worst' }).slice(0, 2)).toEqual([0, 0]);
  });
});

describe('entry point', () => {
  it('accepts flat row-major scores and typed group ids', () => {
    const flat = new Float64Array(batch.scores.flat());
    for (const method of METHODS) {
      const fromRows = computeAdvantages({ ...batch, config: defaultMethodConfig(method) });
      const fromFlat = computeAdvantages({
        scores: flat,
        numCriteria: 2,
        groups: Int32Array.from(batch.groups),
        weights: batch.weights,
        config: defaultMethodConfig(method),
      });
      expect(Array.from(fromFlat.advantages)).toEqual(Array.from(fromRows.advantages));
    }
  });

  it('throws a RangeError on shape mismatches', () => {
    const c = defaultMethodConfig('gdpo');
    expect(() => computeAdvantages({ ...batch, groups: [0, 0, 1], config: c })).toThrow(RangeError);
    expect(() => computeAdvantages({ ...batch, weights: [1], config: c })).toThrow(RangeError);
    expect(() => computeAdvantages({ ...batch, scores: [[1, 0], [0]], config: c })).toThrow(RangeError);
    expect(() => computeAdvantages({ ...batch, weights: [0, 0], config: c })).toThrow(RangeError);
  });
});
