import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJudge } from '../../../src/core/rubric';
import { Rng } from '../../../src/core/random/rng';

const meanOf = (xs: Float64Array, K: number, k: number): number => {
  let sum = 0;
  for (let n = 0; n < xs.length / K; n++) sum += xs[n * K + k];
  return sum / (xs.length / K);
};

describe('applyJudge', () => {
  it('with zero rates returns the scores unchanged, as a copy, and draws nothing', () => {
    const scores = Float64Array.from([0, 0.25, 1, 0.5, 1, 0]);
    const rng = new Rng(7, 'judge');
    const before = rng.getState();
    const judged = applyJudge(
      scores,
      [
        { fp: 0, fn: 0 },
        { fp: 0, fn: 0 },
        { fp: 0, fn: 0 },
      ],
      rng,
    );
    expect(Array.from(judged)).toEqual(Array.from(scores));
    expect(judged).not.toBe(scores);
    expect(rng.getState()).toEqual(before);
  });

  it('flips failing verdicts to pass at the false-positive rate', () => {
    const N = 20_000;
    const judged = applyJudge(new Float64Array(N), [{ fp: 0.2, fn: 0 }], new Rng(1234, 'judge'));
    expect(Math.abs(meanOf(judged, 1, 0) - 0.2)).toBeLessThan(0.02);
  });

  it('flips passing verdicts to fail at the false-negative rate', () => {
    const N = 20_000;
    const judged = applyJudge(new Float64Array(N).fill(1), [{ fp: 0, fn: 0.3 }], new Rng(99, 'judge'));
    expect(Math.abs(meanOf(judged, 1, 0) - 0.7)).toBeLessThan(0.02);
  });

  it('reads a graded score as the probability of a pass, then flips: mean a + (1 - a - b) s', () => {
    const N = 20_000;
    const judged = applyJudge(new Float64Array(N).fill(0.4), [{ fp: 0.1, fn: 0.2 }], new Rng(5, 'judge'));
    expect(judged.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Math.abs(meanOf(judged, 1, 0) - (0.1 + 0.7 * 0.4))).toBeLessThan(0.02);
  });

  it('draws only for noisy criteria and leaves exact ones untouched', () => {
    const N = 1000;
    const K = 2;
    const scores = new Float64Array(N * K);
    for (let n = 0; n < N; n++) scores[n * K + 1] = 0.5;
    const rng = new Rng(3, 'judge');
    const judged = applyJudge(
      scores,
      [
        { fp: 0.5, fn: 0 },
        { fp: 0, fn: 0 },
      ],
      rng,
    );
    for (let n = 0; n < N; n++) expect(judged[n * K + 1]).toBe(0.5);
    // exactly N draws were consumed: a fresh generator advanced N times lands in the same state
    const reference = new Rng(3, 'judge');
    for (let i = 0; i < N; i++) reference.next();
    expect(rng.getState()).toEqual(reference.getState());
  });

  it('is deterministic for a seed, row-major', () => {
    const judges = [
      { fp: 0.3, fn: 0.1 },
      { fp: 0, fn: 0 },
      { fp: 0.05, fn: 0.4 },
    ];
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 60 }),
        fc.integer(),
        (xs, seed) => {
          const scores = Float64Array.from(xs.slice(0, xs.length - (xs.length % 3)));
          const a = applyJudge(scores, judges, new Rng(seed, 'judge'));
          const b = applyJudge(scores, judges, new Rng(seed, 'judge'));
          expect(Array.from(a)).toEqual(Array.from(b));
          // hand-rolled row-major draw order gives the same verdicts
          const rng = new Rng(seed, 'judge');
          for (let i = 0; i < scores.length; i++) {
            const { fp, fn } = judges[i % 3];
            if (fp === 0 && fn === 0) continue;
            const s = scores[i];
            expect(a[i]).toBe(rng.next() < s * (1 - fn) + (1 - s) * fp ? 1 : 0);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects scores that do not split into rows of K', () => {
    expect(() =>
      applyJudge(
        new Float64Array(5),
        [
          { fp: 0.1, fn: 0 },
          { fp: 0, fn: 0 },
        ],
        new Rng(1),
      ),
    ).toThrow(/do not split into rows of 2/);
  });
});
