import { describe, expect, it } from 'vitest';
import { compareArms, formatMeanStd } from '../../../src/app/model/compare';
import { summarise as meanStd } from '../../../src/core/experiment/compare';
import type { EvalRecord } from '../../../src/core/records/types';

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
