/**
 * Identities and invariants on random inputs (docs/algorithms.md, "Identities, and where the tests prove them").
 * Tolerances are absolute on standardised advantages, whose magnitude is at most sqrt(N).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EPS, computeAdvantages, type MethodConfig } from '../../../src/core/reward';
import { batchArb, config, methodConfigArb, populationStd, type Batch } from './fixtures';

const run = (b: Batch, c: MethodConfig, withJudge = true, withState = true) =>
  computeAdvantages({
    scores: b.scores,
    groups: b.groups,
    weights: b.weights,
    judge: withJudge ? b.judge : null,
    state: withState ? b.state : null,
    config: c,
  });

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol);
};

const gdpoLikeFocal = { method: 'focal', gamma: 0, beta: 0, alphaMin: 0, projection: false } as const;
// base: group, scale: group-std, norm: batch are the defaults

describe('identities between methods', () => {
  it('focal (gamma 0, beta 0, alphaMin 0, projection off, group, group-std, batch) == gdpo', () => {
    fc.assert(
      fc.property(batchArb(), (b) => {
        const focal = run(b, config(gdpoLikeFocal));
        const gdpo = run(b, config({ method: 'gdpo' }));
        expectClose(focal.advantages, gdpo.advantages, 1e-9);
        expectClose(focal.weights, gdpo.weights, 1e-12);
        expectClose(focal.saturation, gdpo.saturation, 1e-15);
      }),
      { numRuns: 300 },
    );
  });

  it('the same focal with gamma > 0 == sa-mrpo with that gamma', () => {
    fc.assert(
      fc.property(batchArb(), fc.double({ min: 0.01, max: 10, noNaN: true }), (b, gamma) => {
        const focal = run(b, config({ ...gdpoLikeFocal, gamma }));
        const sa = run(b, config({ method: 'sa-mrpo', gamma }));
        expectClose(focal.advantages, sa.advantages, 1e-9);
        expectClose(focal.weights, sa.weights, 1e-12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('focal warm-up', () => {
  it('inside the warm-up, focal with gdpo-like parts but any gamma, beta and floor == gdpo', () => {
    fc.assert(
      fc.property(
        batchArb(),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (b, gamma, beta, alphaMin, warmup) => {
          // A fresh state makes this step 1, inside any warm-up of 1 step or more.
          const focal = run(
            b,
            config({ method: 'focal', gamma, beta, alphaMin, warmup, projection: false }),
            true,
            false,
          );
          const gdpo = run(b, config({ method: 'gdpo' }));
          expectClose(focal.advantages, gdpo.advantages, 1e-9);
          expectClose(focal.weights, gdpo.weights, 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('past the warm-up, focal is what it is without one (the EMA carried as before)', () => {
    fc.assert(
      fc.property(batchArb(), methodConfigArb, fc.integer({ min: 0, max: 20 }), (b, c, warmup) => {
        const state = { ema: b.weights.map((_, k) => (k % 3) / 4), steps: warmup };
        const focal = { ...c, method: 'focal' as const };
        const after = run({ ...b, state }, config({ ...focal, warmup }));
        const none = run({ ...b, state }, config({ ...focal, warmup: 0 }));
        expectClose(after.advantages, none.advantages, 0);
        expectClose(after.weights, none.weights, 0);
        expect(after.state).toEqual(none.state);
      }),
      { numRuns: 200 },
    );
  });
});

describe('one criterion reduces every method to static (GRPO)', () => {
  // With K = 1 every coefficient is 1, so gdpo, sa-mrpo and focal (base group, scale group-std,
  // norm batch, r^ = r) compute A~ = A_static and then standardise it over the batch. A_static has
  // batch mean 0 (each group's deviations sum to 0), so A = A_static / (std_b A_static + eps):
  // static up to one positive factor per batch. That factor is ~1 when every group varies, but
  // exceeds 1 when some groups are constant (their zeros pull std_b below 1): see docs/algorithms.md.
  const batchScaled = (b: Batch) => {
    const st = Array.from(run(b, config({ method: 'static' })).advantages);
    // mean_b is 0 in exact arithmetic but not in floating point when a group's std is far below
    // eps (r - mean_g r cancels), so the reference subtracts it as the batch standardisation does.
    const mean = st.reduce((t, a) => t + a, 0) / st.length;
    const factor = 1 / (populationStd(st) + EPS);
    return { st, scaled: st.map((a) => (a - mean) * factor) };
  };

  it('worst == static exactly, on any scores', () => {
    fc.assert(
      fc.property(batchArb({ k: 1 }), (b) => {
        expect(Array.from(run(b, config({ method: 'worst' })).advantages)).toEqual(
          Array.from(run(b, config({ method: 'static' })).advantages),
        );
      }),
    );
  });

  it('gdpo, sa-mrpo and focal == static / (std_b + eps), on any scores (degenerate groups included)', () => {
    fc.assert(
      fc.property(
        batchArb({ k: 1 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('off', 'exact-judge', 'binary-scores'),
        (b, gamma, beta, alphaMin, projectionCase) => {
          // r^ = r: projection off, or an exact judge, or binary scores under any judge
          const batch =
            projectionCase === 'binary-scores'
              ? { ...b, scores: b.scores.map((r) => [r[0] >= 0.5 ? 1 : 0]) }
              : b;
          const { scaled } = batchScaled(batch);
          expectClose(run(batch, config({ method: 'gdpo' })).advantages, scaled, 1e-9);
          expectClose(run(batch, config({ method: 'sa-mrpo', gamma })).advantages, scaled, 1e-9);
          const focal = config({
            method: 'focal',
            gamma,
            beta,
            alphaMin,
            projection: projectionCase !== 'off',
          });
          const judged = projectionCase === 'exact-judge' ? { ...batch, judge: [{ fp: 0, fn: 0 }] } : batch;
          expectClose(run(judged, focal).advantages, scaled, 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every method == static within eps / min std when every group varies', () => {
    // Scores on a 0.1 grid, groups of at most 5: a varying group has std >= 0.1 * sqrt(G-1) / G >= 0.04,
    // so the factor above is within eps / 0.04 = 2.5e-5 of 1, and |A_static| <= sqrt(G - 1) = 2.
    const varied = batchArb({ k: 1, kind: 'grid' }).map((b) => {
      const scores = b.scores.map((r) => [...r]);
      const ids = [...new Set(b.groups)];
      for (const id of ids) {
        const members = b.groups.flatMap((g, n) => (g === id ? [n] : []));
        if (members.every((n) => scores[n][0] === scores[members[0]][0]))
          scores[members[0]][0] = scores[members[0]][0] >= 0.5 ? 0 : 1;
      }
      return { ...b, scores };
    });
    fc.assert(
      fc.property(
        varied,
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.constantFrom('group-std', 'snr', 'none'),
        (b, gamma, scale) => {
          const st = run(b, config({ method: 'static' })).advantages;
          for (const c of [
            config({ method: 'gdpo' }),
            config({ method: 'sa-mrpo', gamma }),
            config({ method: 'worst' }),
            config({ method: 'focal', gamma, projection: false }),
            // group norm standardises within groups: any scale works (it divides out)
            config({ method: 'focal', gamma, projection: false, norm: 'group', scale }),
          ])
            expectClose(run(b, c, true, false).advantages, st, 1e-4);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('invariants', () => {
  it('advantages are finite, weights a distribution, saturation in [0,1], for any valid input', () => {
    fc.assert(
      fc.property(batchArb(), methodConfigArb, fc.boolean(), (b, c, withState) => {
        const out = run(b, c, true, withState);
        expect(Array.from(out.advantages).every(Number.isFinite)).toBe(true);
        expect(out.advantages.length).toBe(b.scores.length);
        expect(out.weights.every((w) => w >= 0)).toBe(true);
        expect(Math.abs(out.weights.reduce((t, w) => t + w, 0) - 1)).toBeLessThan(1e-12);
        expect(out.saturation.every((s) => s >= 0 && s <= 1)).toBe(true);
        expect(out.state === null).toBe(c.method !== 'focal');
      }),
      { numRuns: 500 },
    );
  });

  it('permuting rollouts (with their group ids) permutes the advantages', () => {
    const withPermutation = batchArb().chain((b) =>
      fc
        .shuffledSubarray(
          b.scores.map((_, i) => i),
          { minLength: b.scores.length, maxLength: b.scores.length },
        )
        .map((perm) => ({ b, perm })),
    );
    fc.assert(
      fc.property(withPermutation, methodConfigArb, ({ b, perm }, c) => {
        const out = run(b, c).advantages;
        const permuted: Batch = {
          ...b,
          scores: perm.map((i) => b.scores[i]),
          groups: perm.map((i) => b.groups[i]),
        };
        const outP = run(permuted, c).advantages;
        // The order of summation changes, so compare relative to the batch's scale.
        const scale = Math.max(1, ...Array.from(out, Math.abs));
        perm.forEach((i, n) => expect(Math.abs(outP[n] - out[i])).toBeLessThanOrEqual(1e-8 * scale));
      }),
      { numRuns: 300 },
    );
  });

  it('is pure: the same input twice gives the same output, and the input is unchanged', () => {
    fc.assert(
      fc.property(batchArb(), methodConfigArb, (b, c) => {
        const before = JSON.stringify(b);
        const a1 = run(b, c);
        const a2 = run(b, c);
        expect(Array.from(a1.advantages)).toEqual(Array.from(a2.advantages));
        expect(JSON.stringify(b)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
