import { describe, expect, it } from 'vitest';
import { defaultParams, newCriterionId, parseWordList, KINDS } from '../../../src/app/model/criteria';
import { signFlips } from '../../../src/app/model/inspect';
import {
  alignRuns,
  criterionOverlayChoices,
  decimate,
  overlayOf,
  type Columns,
} from '../../../src/app/model/series';
import { criterionParamsSchema } from '../../../src/core/rubric/schema';
import type { InspectedGroup } from '../../../src/core/train/types';

describe('chart series', () => {
  it('aligns runs on the union of their steps with gaps as null', () => {
    expect(
      alignRuns([
        { x: [1, 2, 3], y: [0.1, 0.2, 0.3] },
        { x: [2, 4], y: [0.5, null] },
      ]),
    ).toEqual([
      [1, 2, 3, 4],
      [0.1, 0.2, 0.3, null],
      [null, 0.5, null, null],
    ]);
  });

  it('reads overlays from evaluations or from step records, dropping non-finite values', () => {
    const run = {
      metrics: [{ step: 1, kl: NaN } as never, { step: 2, kl: 0.5 } as never],
      evals: [{ step: 10, rubricScore: 0.7 } as never],
    };
    expect(overlayOf(run, 'kl')).toEqual({ x: [1, 2], y: [null, 0.5] });
    expect(overlayOf(run, 'eval:rubricScore')).toEqual({ x: [10], y: [0.7] });
  });

  it('reads one criterion by id: training mean, effective weight or evaluation, gaps where absent', () => {
    const run = {
      criterionIds: ['topic', 'warm'],
      metrics: [
        // Step 1 from before `warm` was added live: its vectors are one entry short.
        { step: 1, criterionMeans: [0.5], effectiveWeights: [1] } as never,
        { step: 2, criterionMeans: [0.6, 0.1], effectiveWeights: [0.7, 0.3] } as never,
        { step: 3, criterionMeans: [0.7, NaN], effectiveWeights: [0.6, 0.4] } as never,
      ],
      evals: [{ step: 3, criterionMeans: [0.8, 0.2] } as never],
    };
    expect(overlayOf(run, 'score:warm')).toEqual({ x: [1, 2, 3], y: [null, 0.1, null] });
    expect(overlayOf(run, 'weight:warm')).toEqual({ x: [1, 2, 3], y: [null, 0.3, 0.4] });
    expect(overlayOf(run, 'weight:topic')).toEqual({ x: [1, 2, 3], y: [1, 0.7, 0.6] });
    expect(overlayOf(run, 'eval-score:warm')).toEqual({ x: [3], y: [0.2] });
    // A run whose rubric has no such criterion draws nothing.
    expect(overlayOf(run, 'score:rhyme')).toEqual({ x: [], y: [] });
    expect(overlayOf({ ...run, criterionIds: undefined }, 'score:topic')).toEqual({ x: [], y: [] });
  });

  it('offers each criterion of the runs once, named as the first run names it', () => {
    const choices = criterionOverlayChoices([
      { criterionIds: ['topic', 'rhyme'], criterionNames: ['Mentions the topic', 'Rhymes'] },
      { criterionIds: ['rhyme', 'warm'], criterionNames: ['Renamed', 'Warm'] },
    ]);
    expect(choices.map((c) => c.value)).toEqual([
      'score:topic',
      'eval-score:topic',
      'weight:topic',
      'score:rhyme',
      'eval-score:rhyme',
      'weight:rhyme',
      'score:warm',
      'eval-score:warm',
      'weight:warm',
    ]);
    expect(choices[3].label).toBe('Rhymes: score (training batch)');
    expect(choices[8].label).toBe('Warm: effective weight');
  });
});

describe('rollout inspector', () => {
  it('marks the aggregators whose advantage sign differs from the reference', () => {
    const adv = (s: number, f: number) => ({ static: s, gdpo: s, 'sa-mrpo': s, worst: 0, focal: f });
    const group: InspectedGroup = {
      topic: 'fox',
      rollouts: [
        { text: 'a', scores: [1], advantages: adv(0.5, -0.2) },
        { text: 'b', scores: [0], advantages: adv(-0.5, -0.1) },
        { text: 'c', scores: [0], advantages: adv(0, 1) },
      ],
    };
    expect(signFlips(group, 'static')).toEqual([['focal'], [], []]);
  });
});

describe('criterion editing helpers', () => {
  it('gives every kind default parameters the schema accepts', () => {
    for (const kind of KINDS) expect(criterionParamsSchema.safeParse(defaultParams(kind)).success).toBe(true);
  });

  it('parses comma-separated word lists', () => {
    expect(parseWordList(' fox, hill ,, lake ')).toEqual(['fox', 'hill', 'lake']);
    expect(parseWordList('')).toEqual([]);
  });

  it('derives unique ids', () => {
    expect(newCriterionId('No repeated word!', [])).toBe('no-repeated-word');
    expect(newCriterionId('topic', ['topic', 'topic-2'])).toBe('topic-3');
    expect(newCriterionId('!!!', [])).toBe('criterion');
  });
});

describe('decimate', () => {
  it('keeps short series as they are', () => {
    const columns: Columns = [
      [1, 2, 3],
      [0.1, 0.2, 0.3],
    ];
    expect(decimate(columns, 100)).toBe(columns);
  });

  it('bounds the points of a long series and keeps its ends and every bucket extreme', () => {
    const n = 50_000;
    const x = Array.from({ length: n }, (_, i) => i + 1);
    const a = x.map((s) => Math.sin(s / 500));
    const b: (number | null)[] = x.map((s) => (s % 7 === 0 ? null : Math.cos(s / 300)));
    a[31_337] = 5; // a one-step spike
    b[12_345] = -4;
    const [dx, da, db] = decimate([x, a, b], 500);
    expect(dx.length).toBeLessThanOrEqual(500 * 6);
    expect(dx[0]).toBe(1);
    expect(dx.at(-1)).toBe(n);
    expect(Math.max(...(da as number[]))).toBe(5);
    expect(Math.min(...db.filter((v): v is number => v !== null))).toBe(-4);
    // Every kept point is a real point of the series, at its own step.
    dx.forEach((s, i) => {
      expect(da[i]).toBe(a[s - 1]);
      expect(db[i]).toBe(b[s - 1]);
    });
    expect([...dx].sort((p, q) => p - q)).toEqual(dx);
  });
});
