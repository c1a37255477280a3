/**
 * The paired t test, Holm's correction and the best of the baselines chosen on the other seeds:
 * hand-computed cases (arithmetic in the comments) and the invariants on random differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holm, pairedT, verdictAt } from '../../../src/core/experiment/paired-t';
import {
  bestOfOtherSeeds,
  choiceLabel,
  metricTests,
  type FinalScores,
} from '../../../src/core/experiment/compare';

const diffsArb = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2, maxLength: 12 });

describe('paired t test', () => {
  it('by hand with 3 seeds: differences 1, 2, 3', () => {
    // mean 2, sd 1, se 1/sqrt(3); t = 2 sqrt(3) = 3.4641 on 2 df, so p = 1 - t / sqrt(2 + t^2)
    // = 1 - sqrt(12/14); t_{0.975, 2} = 0.95 / sqrt(2 * 0.975 * 0.025) = 4.302653, half-width
    // 4.302653 / sqrt(3) = 2.484138; d_z = 2 / 1.
    const r = pairedT([1, 2, 3]);
    expect(r).toMatchObject({ n: 3, mean: 2, sd: 1, level: 0.95 });
    expect(r.t).toBeCloseTo(2 * Math.sqrt(3), 12);
    expect(r.p).toBeCloseTo(1 - Math.sqrt(12 / 14), 12);
    expect(r.low).toBeCloseTo(2 - 2.484138, 6);
    expect(r.high).toBeCloseTo(2 + 2.484138, 6);
    expect(r.dz).toBe(2);
    expect(verdictAt(r, r.p)).toBe('undecided'); // p = 0.074
  });

  it('by hand with 2 seeds (Cauchy) and with 5, as the grid has', () => {
    // 0 and 2: mean 1, sd sqrt(2), se 1, t = 1 on 1 df: p = 1/2, half-width tan(0.475 pi) = 12.706.
    const two = pairedT([0, 2]);
    expect(two.p).toBeCloseTo(0.5, 12);
    expect(two.high - two.mean).toBeCloseTo(12.706205, 6);
    expect(two.dz).toBeCloseTo(1 / Math.sqrt(2), 12);
    // 0.01, 0.02, 0.03, 0.04, 0.05: mean 0.03, sd 0.0158114, se 0.00707107; t = 4.242641 on 4 df;
    // half-width 2.776445 * 0.00707107 = 0.0196324; at 4 df p = 1 - sin(u) (1 + cos(u)^2 / 2) with
    // u = atan(t / 2): sin(u) = 0.904534, cos(u)^2 = 1 / 5.5, so p = 1 - 0.986764 = 0.013236.
    const five = pairedT([0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(five.mean).toBeCloseTo(0.03, 15);
    expect(five.t).toBeCloseTo(4.242641, 6);
    expect(five.low).toBeCloseTo(0.03 - 0.0196324, 7);
    expect(five.p).toBeCloseTo(0.013236, 6);
    expect(verdictAt(five, five.p)).toBe('win');
    expect(verdictAt(five, five.p * 5)).toBe('undecided'); // what a correction can undo
  });

  it('says nothing with fewer than two seeds, and handles a zero spread exactly', () => {
    expect(Number.isNaN(pairedT([]).mean)).toBe(true);
    const one = pairedT([0.3]);
    expect(one.mean).toBe(0.3);
    expect(Number.isNaN(one.p) && Number.isNaN(one.low)).toBe(true);
    expect(verdictAt(one, one.p)).toBe('undecided');
    // 0.1 three times: mean exactly 0.1 (summing would give 0.10000000000000002 and a tiny sd).
    const same = pairedT([0.1, 0.1, 0.1]);
    expect(same).toMatchObject({ mean: 0.1, sd: 0, low: 0.1, high: 0.1, p: 0, dz: Infinity });
    expect(pairedT([0, 0, 0])).toMatchObject({ mean: 0, sd: 0, t: 0, p: 1, dz: 0 });
    expect(() => pairedT([0.1, Number.NaN])).toThrow(/finite/);
    expect(() => pairedT([0.1, 0.2], 1)).toThrow(/level/);
  });

  it('rejects at 0.05 exactly when the 95% interval leaves out 0', () => {
    fc.assert(
      fc.property(diffsArb, (diffs) => {
        const r = pairedT(diffs);
        fc.pre(r.sd > 1e-12 && Math.abs(r.p - 0.05) > 1e-9);
        expect(r.p < 0.05).toBe(r.low > 0 || r.high < 0);
        expect(r.low).toBeLessThanOrEqual(r.mean);
        expect(r.high).toBeGreaterThanOrEqual(r.mean);
      }),
    );
  });

  it('is shifted by a shift, unchanged in t, p and d_z by a positive scale, and antisymmetric', () => {
    fc.assert(
      fc.property(
        diffsArb,
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (diffs, c, k) => {
          const r = pairedT(diffs);
          fc.pre(r.sd > 1e-6);
          const shifted = pairedT(diffs.map((d) => d + c));
          expect(shifted.low).toBeCloseTo(r.low + c, 9);
          expect(shifted.sd).toBeCloseTo(r.sd, 9);
          const scaled = pairedT(diffs.map((d) => d * k));
          expect(scaled.t).toBeCloseTo(r.t, 6);
          expect(scaled.p).toBeCloseTo(r.p, 9);
          expect(scaled.dz).toBeCloseTo(r.dz, 9);
          // Baseline minus candidate: the same test, mirrored.
          const mirrored = pairedT(diffs.map((d) => -d));
          expect(mirrored.p).toBeCloseTo(r.p, 12);
          expect(mirrored.high).toBeCloseTo(-r.low, 12);
          expect(mirrored.dz).toBeCloseTo(-r.dz, 12);
        },
      ),
    );
  });
});

describe('Holm correction', () => {
  it('by hand', () => {
    // Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> running max 0.06.
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adjusted[i]).toBeCloseTo(x, 15));
    // A NaN is not in the family: m = 2.
    const partial = holm([Number.NaN, 0.5, 0.2]);
    expect(Number.isNaN(partial[0])).toBe(true);
    expect(partial.slice(1)).toEqual([0.5, 0.4]);
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(holm([0.02])).toEqual([0.02]);
  });

  it('never lowers a p-value, caps at 1 and keeps their order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (ps) => {
          const adjusted = holm(ps);
          ps.forEach((p, i) => {
            expect(adjusted[i]).toBeGreaterThanOrEqual(p);
            expect(adjusted[i]).toBeLessThanOrEqual(1);
            ps.forEach((q, j) => {
              if (p < q) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]);
            });
          });
          // The smallest is multiplied by m (Bonferroni's factor), capped at 1.
          const min = Math.min(...ps);
          expect(Math.min(...adjusted)).toBeCloseTo(Math.min(1, min * ps.length), 12);
        },
      ),
    );
  });
});

describe('best of the baselines, chosen on the other seeds', () => {
  const a = { name: 'a', scores: { 1: 0.9, 2: 0.1, 3: 0.5 } };
  const b = { name: 'b', scores: { 1: 0.2, 2: 0.6, 3: 0.45 } };

  it('by hand', () => {
    // Seed 1 left out: a's mean on 2, 3 is 0.3, b's 0.525 -> b. Seed 2: a 0.7, b 0.325 -> a.
    // Seed 3: a 0.5, b 0.4 -> a. Chosen on the same seeds, a (0.5 against 0.4167) would be used
    // on every seed.
    const own = { 1: 1, 2: 1, 3: 1, 4: 1 };
    const r = bestOfOtherSeeds(own, [a, b]);
    expect(r.seeds).toEqual([1, 2, 3]); // seed 4: no baseline ran it
    expect(r.chosen).toEqual(['b', 'a', 'a']);
    r.diffs.forEach((d, i) => expect(d).toBeCloseTo([0.8, 0.9, 0.5][i], 15));
    expect(choiceLabel(r.chosen)).toBe('a 2, b 1');
    expect(choiceLabel(['a', 'a'])).toBe('a');
    expect(bestOfOtherSeeds({ 1: 1 }, [a, b]).diffs).toEqual([]);
  });

  it('never looks at the seed it is compared on: changing any score of that seed keeps the choice', () => {
    const scores = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(scores, { minLength: 1, maxLength: 4 }),
        scores,
        fc.integer({ min: 0, max: 4 }),
        scores,
        (bs, own, left, fresh) => {
          const table = (xs: number[]) => Object.fromEntries(xs.map((x, i) => [i + 1, x]));
          const baselines = bs.map((xs, j) => ({ name: `b${j}`, scores: table(xs) }));
          const before = bestOfOtherSeeds(table(own), baselines);
          // Seed left + 1 gets new scores everywhere: every baseline and the candidate.
          const moved = baselines.map((b, j) => ({ ...b, scores: { ...b.scores, [left + 1]: fresh[j] } }));
          const after = bestOfOtherSeeds({ ...table(own), [left + 1]: fresh[4] }, moved);
          expect(after.chosen[left]).toBe(before.chosen[left]);
        },
      ),
    );
  });

  it('tests each baseline alone and the best of, from the finals of a cell', () => {
    const f = (variant: string, method: string, seed: number, x: number): FinalScores =>
      ({ variant, method, seed, rubricScore: x, worstScore: x, allPassRate: x }) as FinalScores;
    const finals = [
      ...[0.9, 0.1, 0.5].map((x, i) => f('static', 'static', i + 1, x)),
      ...[0.2, 0.6, 0.45].map((x, i) => f('gdpo', 'gdpo', i + 1, x)),
      ...[0.5, 0.5, 0.5].map((x, i) => f('sa-mrpo', 'sa-mrpo', i + 1, x)),
      ...[1, 1, 1].map((x, i) => f('focal', 'focal', i + 1, x)),
    ];
    const t = metricTests(finals, 'rubricScore')!;
    expect(t.bestOf.chosen).toEqual(['gdpo', 'static', 'static']);
    expect(t.bestOf.test.mean).toBeCloseTo((0.8 + 0.9 + 0.5) / 3, 15);
    // sa-mrpo is reported alone but is not one of the static aggregations the best is drawn from.
    expect(t.separate.map((s) => s.baseline)).toEqual(['static', 'gdpo', 'sa-mrpo']);
    expect(t.separate[2].test).toMatchObject({ mean: 0.5, sd: 0, p: 0 });
    // The statistic published before: the bootstrap against the best on the same seeds (static).
    expect(t.sameSeeds?.baseline).toBe('static');
    expect(metricTests(finals.slice(0, 3), 'rubricScore')).toBeUndefined();
  });
});
