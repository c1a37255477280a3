import { describe, expect, it } from 'vitest';
import { compareArms, formatMeanStd, meanStd, pairedWins } from '../../../src/app/model/compare';
import type { EvalRecord } from '../../../src/core/train/types';

const evalOf = (
  rubricScore: number,
  worstScore = rubricScore / 2,
  allPassRate = rubricScore / 4,
): EvalRecord => ({
  step: 100,
  criterionMeans: [],
  rubricScore,
  worstScore,
  allPassRate,
  spread: 0,
  samples: 32,
});

describe('comparison statistics', () => {
  it('computes the mean and the sample standard deviation', () => {
    const s = meanStd([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([0.5]).std).toBeNaN();
    expect(meanStd([]).mean).toBeNaN();
  });

  it('counts paired wins, ties and losses on shared seeds only', () => {
    const arm = new Map([
      [1, 0.8],
      [2, 0.5],
      [3, 0.6],
      [9, 1],
    ]);
    const base = new Map([
      [1, 0.7],
      [2, 0.5],
      [3, 0.9],
      [4, 0.1],
    ]);
    expect(pairedWins(arm, base)).toEqual({ wins: 1, ties: 1, losses: 1, pairs: 3 });
  });

  it('summarises arms in order of appearance against the first arm', () => {
    const rows = compareArms([
      { arm: 'static', seed: 1, latest: evalOf(0.5) },
      { arm: 'focal', seed: 1, latest: evalOf(0.7) },
      { arm: 'static', seed: 2, latest: evalOf(0.7) },
      { arm: 'focal', seed: 2, latest: evalOf(0.6) },
      { arm: 'focal', seed: 3, latest: null },
    ]);
    expect(rows.map((r) => r.arm)).toEqual(['static', 'focal']);
    expect(rows[0].vsBaseline).toBeNull();
    expect(rows[0].rubricScore.mean).toBeCloseTo(0.6, 12);
    expect(rows[0].rubricScore.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(rows[1].runs).toBe(3);
    expect(rows[1].rubricScore.n).toBe(2);
    expect(rows[1].worstScore.mean).toBeCloseTo(0.325, 12);
    expect(rows[1].vsBaseline).toEqual({ wins: 1, ties: 0, losses: 1, pairs: 2 });
  });

  it('formats mean ± std, a lone mean, or a dash', () => {
    expect(formatMeanStd(meanStd([0.5, 0.7]))).toBe('0.600 ± 0.141');
    expect(formatMeanStd(meanStd([0.5]))).toBe('0.500');
    expect(formatMeanStd(meanStd([]))).toBe('—');
  });
});
