import { describe, expect, it } from 'vitest';
import { computeAdvantages, validateAdvantageInput } from '../../../src/core/reward';
import type { Problem } from '../../../src/core/validation';

const valid = {
  scores: [
    [1, 0],
    [0, 1],
    [0.5, 0.5],
    [0.25, 1],
  ],
  groups: [3, 3, 8, 8],
  weights: [2, 1],
  config: { method: 'focal' },
};

const problemsOf = (input: unknown): Problem[] => {
  const parsed = validateAdvantageInput(input);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? [] : parsed.problems;
};
const paths = (input: unknown) => problemsOf(input).map((p) => p.path);

describe('validateAdvantageInput', () => {
  it('accepts a valid request, fills method defaults, and feeds computeAdvantages', () => {
    const parsed = validateAdvantageInput(valid);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.config).toMatchObject({ method: 'focal', gamma: 2, beta: 0.9, alphaMin: 0.05 });
    expect(computeAdvantages(parsed.value).advantages.length).toBe(4);
  });

  it('accepts flat Float64Array scores and typed-array group ids', () => {
    const parsed = validateAdvantageInput({
      ...valid,
      scores: new Float64Array(valid.scores.flat()),
      groups: Int32Array.from(valid.groups),
    });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.scores).toEqual(valid.scores);
  });

  it('rejects NaN and out-of-range scores at their cell', () => {
    const scores = valid.scores.map((r) => [...r]);
    scores[1][0] = NaN;
    scores[2][1] = 1.5;
    scores[3][0] = -0.1;
    expect(paths({ ...valid, scores })).toEqual(['scores.1.0', 'scores.2.1', 'scores.3.0']);
  });

  it('rejects ragged rows', () => {
    const problems = problemsOf({ ...valid, scores: [[1, 0], [0], [0.5, 0.5], [0.25, 1]] });
    expect(problems).toEqual([{ path: 'scores.1', message: 'has 1 scores, expected 2 (ragged rows)' }]);
  });

  it('rejects a groups length mismatch', () => {
    expect(paths({ ...valid, groups: [3, 3, 8] })).toEqual(['groups']);
  });

  it('rejects a group with a single rollout, naming it', () => {
    const problems = problemsOf({ ...valid, groups: [3, 3, 8, 9] });
    expect(problems.map((p) => p.path)).toEqual(['groups.2', 'groups.3']);
    expect(problems[0].message).toContain('one rollout');
    expect(problems[0].message).toContain('group 8');
  });

  it('rejects weights that are all zero, negative, or of the wrong length', () => {
    expect(problemsOf({ ...valid, weights: [0, 0] })).toEqual([
      { path: 'weights', message: 'need a positive total (at least one weight above 0)' },
    ]);
    expect(paths({ ...valid, weights: [1, -1] })).toEqual(['weights.1']);
    expect(paths({ ...valid, weights: [1, 1, 1] })).toEqual(['weights']);
  });

  it('rejects a judge with fp + fn >= 1, out-of-range rates, or the wrong length', () => {
    expect(
      paths({
        ...valid,
        judge: [
          { fp: 0.6, fn: 0.4 },
          { fp: 0, fn: 0 },
        ],
      }),
    ).toEqual(['judge.0']);
    expect(
      paths({
        ...valid,
        judge: [
          { fp: 0, fn: 0 },
          { fp: -0.1, fn: 0 },
        ],
      }),
    ).toEqual(['judge.1.fp']);
    expect(paths({ ...valid, judge: [{ fp: 0, fn: 0 }] })).toEqual(['judge']);
  });

  it('rejects a malformed state', () => {
    expect(paths({ ...valid, state: { ema: [0.5], steps: 1 } })).toEqual(['state.ema']);
    expect(paths({ ...valid, state: { ema: [0.5, 2], steps: 1.5 } })).toEqual(['state.ema.1', 'state.steps']);
    expect(paths({ ...valid, state: { steps: 1 } })).toEqual(['state.ema']);
    expect(paths({ ...valid, state: 'warm' })).toEqual(['state']);
    expect(validateAdvantageInput({ ...valid, state: null }).ok).toBe(true);
  });

  it('rejects bad method settings through the method schema', () => {
    expect(paths({ ...valid, config: { method: 'best', gamma: -1, scale: 'huge' } })).toEqual([
      'config.method',
      'config.gamma',
      'config.scale',
    ]);
  });

  it('reports every problem in one pass, structural ones included', () => {
    const problems = problemsOf({
      scores: [[1, NaN], [2], [0.5, 0.5]],
      groups: [0, 0, 1],
      weights: [0, 0],
      judge: [{ fp: 0.5, fn: 0.5 }],
      state: { ema: [0.1], steps: -1 },
      config: { method: 'gdpo' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'scores.0.1',
        'scores.1.0',
        'scores.1',
        'groups.2',
        'weights',
        'judge.0',
        'judge',
        'state.ema',
        'state.steps',
      ].sort(),
    );
  });

  it('rejects what is not an object, or missing fields', () => {
    expect(paths(null)).toEqual(['']);
    expect(paths({ config: { method: 'gdpo' } }).sort()).toEqual(['groups', 'scores', 'weights']);
  });
});
