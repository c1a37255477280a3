/**
 * The paired bootstrap on differences whose bootstrap distribution can be worked out by hand: with
 * n draws from a few distinct values, the resampled mean takes a few values with binomial
 * probabilities, and each percentile falls inside one of those atoms.
 */
import { describe, expect, it } from 'vitest';
import { pairedBootstrap, verdictOf } from '../../../src/core/experiment/bootstrap';

describe('paired bootstrap', () => {
  it('a constant difference gives a point interval', () => {
    const i = pairedBootstrap([0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(i.mean).toBeCloseTo(0.1, 12);
    expect(i.low).toBeCloseTo(0.1, 12);
    expect(i.high).toBeCloseTo(0.1, 12);
    expect(verdictOf(i)).toBe('win');
  });

  it('two seeds: the mean is a, (a+b)/2 or b with probabilities 1/4, 1/2, 1/4, so the 95% interval is [a, b]', () => {
    const i = pairedBootstrap([-0.2, 0.4]);
    expect(i.mean).toBeCloseTo(0.1, 12);
    expect(i.low).toBeCloseTo(-0.2, 12);
    expect(i.high).toBeCloseTo(0.4, 12);
    expect(verdictOf(i)).toBe('undecided');
  });

  it('[0, 0, 1]: P(mean = 1) = 1/27 > 2.5%, so the upper end is 1; P(mean = 0) = 8/27, so the lower is 0', () => {
    const i = pairedBootstrap([0, 0, 1]);
    expect(i.low).toBe(0);
    expect(i.high).toBe(1);
  });

  it('four of +1 and one of -1: k draws of -1 ~ Binomial(5, 0.2), P(k >= 3) = 5.8% and P(k >= 4) = 0.7%, so [-0.2, 1]', () => {
    const i = pairedBootstrap([1, 1, -1, 1, 1]);
    expect(i.mean).toBeCloseTo(0.6, 12);
    expect(i.low).toBeCloseTo(-0.2, 12);
    expect(i.high).toBeCloseTo(1, 12);
    expect(verdictOf(i)).toBe('undecided');
  });

  it('four of 1 and one of 0.5: the same counts give [0.7, 1], a clear win', () => {
    const i = pairedBootstrap([1, 0.5, 1, 1, 1]);
    expect(i.low).toBeCloseTo(0.7, 12);
    expect(i.high).toBeCloseTo(1, 12);
    expect(verdictOf(i)).toBe('win');
    expect(verdictOf(pairedBootstrap([-1, -0.5, -1, -1, -1]))).toBe('loss');
  });

  it('is deterministic in its seed, and the order of the seeds does not matter to the interval shape', () => {
    const diffs = [0.03, -0.01, 0.05, 0.02, -0.04, 0.01, 0.06, 0.0];
    expect(pairedBootstrap(diffs)).toEqual(pairedBootstrap(diffs));
    const a = pairedBootstrap(diffs, { seed: 1 });
    const b = pairedBootstrap(diffs, { seed: 2 });
    expect(Math.abs(a.low - b.low)).toBeLessThan(0.01);
    expect(a.low).toBeLessThanOrEqual(a.mean);
    expect(a.high).toBeGreaterThanOrEqual(a.mean);
  });

  it('one pair is undecided whatever its sign; bad input is refused', () => {
    expect(verdictOf(pairedBootstrap([0.5]))).toBe('undecided');
    expect(pairedBootstrap([]).n).toBe(0);
    expect(() => pairedBootstrap([0.1, Number.NaN])).toThrow(/finite/);
    expect(() => pairedBootstrap([0.1], { level: 1 })).toThrow(/level/);
  });
});
