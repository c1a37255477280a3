import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRubric, passes, type RubricInput } from '../../../src/core/rubric';
import { lexicon, rollout, type ParamsInput } from './fixtures';

const everyKind: ParamsInput[] = [
  { kind: 'length', min: 2, max: 4, tolerance: 3 },
  { kind: 'topic' },
  { kind: 'includes', words: ['red', 'sea'], mode: 'all' },
  { kind: 'includes', words: ['red', 'sea'] },
  { kind: 'avoids', words: ['cat'] },
  { kind: 'no-repeat' },
  { kind: 'starts-with', words: ['the'] },
  { kind: 'ends-with', words: ['moon', 'spoon'] },
  { kind: 'regex', pattern: '(a|e)+[^ ]*$', caseInsensitive: true },
  { kind: 'word-class', wordClass: 'adjective', min: 3 },
  { kind: 'rhyme' },
];

const rubricOfEveryKind: RubricInput = {
  criteria: everyKind.map((params, i) => ({ id: `k${i}`, name: params.kind, params, weight: i + 1 })),
};

describe('compileRubric', () => {
  it('keeps enabled criteria in order, normalises their weights and lists their judges', () => {
    const compiled = compileRubric(
      {
        criteria: [
          { id: 'a', name: 'A', params: { kind: 'topic' }, weight: 3 },
          { id: 'off', name: 'Off', params: { kind: 'topic' }, weight: 50, enabled: false },
          { id: 'b', name: 'B', params: { kind: 'no-repeat' }, weight: 1, judge: { fp: 0.1, fn: 0.2 } },
          { id: 'z', name: 'Zero', params: { kind: 'no-repeat' }, weight: 0 },
        ],
      },
      lexicon,
    );
    expect(compiled.ids).toEqual(['a', 'b', 'z']);
    expect(compiled.weights).toEqual([0.75, 0.25, 0]);
    expect(compiled.judges).toEqual([
      { fp: 0, fn: 0 },
      { fp: 0.1, fn: 0.2 },
      { fp: 0, fn: 0 },
    ]);
    expect(compiled.criteria.map((c) => c.name)).toEqual(['A', 'B', 'Zero']);
  });

  it('scoreBatch is score, row-major', () => {
    const compiled = compileRubric(rubricOfEveryKind, lexicon);
    const rollouts = [rollout('the red sea and a silver spoon', 'moon'), rollout('cat cat'), rollout('')];
    const batch = compiled.scoreBatch(rollouts);
    const K = compiled.ids.length;
    expect(batch).toBeInstanceOf(Float64Array);
    expect(batch.length).toBe(rollouts.length * K);
    rollouts.forEach((r, n) =>
      expect(Array.from(batch.subarray(n * K, (n + 1) * K))).toEqual(compiled.score(r)),
    );
  });

  it('scores an empty output 0 on every criterion', () => {
    const compiled = compileRubric(rubricOfEveryKind, lexicon);
    expect(compiled.score(rollout(''))).toEqual(everyKind.map(() => 0));
  });

  it('every score lies in [0, 1] and a lower-case copy of the rollout scores the same words alike', () => {
    const compiled = compileRubric(rubricOfEveryKind, lexicon);
    const vocabulary = ['the', 'red', 'cold', 'Sea', 'moon', 'SPOON', 'cat', 'a', 'June', 'bright'];
    const sentence = fc.array(fc.constantFrom(...vocabulary), { maxLength: 12 });
    const topic = fc.constantFrom('moon', 'cat', 'sea', 'unknown');
    fc.assert(
      fc.property(sentence, topic, (words, t) => {
        const scores = compiled.score({ prompt: { topic: t }, words, text: words.join(' ') });
        expect(scores).toHaveLength(everyKind.length);
        for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
        const lower = words.map((w) => w.toLowerCase());
        expect(
          compiled.score({ prompt: { topic: t.toUpperCase() }, words: lower, text: lower.join(' ') }),
        ).toEqual(
          // the regex is case-insensitive here, so every kind must agree
          scores,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('length scores never increase with the distance from the range', () => {
    const compiled = compileRubric(
      {
        criteria: [
          { id: 'l', name: 'L', params: { kind: 'length', min: 5, max: 8, tolerance: 3 }, weight: 1 },
        ],
      },
      lexicon,
    );
    const scoreAt = (n: number) => compiled.score(rollout(Array.from({ length: n }, () => 'w').join(' ')))[0];
    for (let n = 1; n < 5; n++) expect(scoreAt(n)).toBeLessThanOrEqual(scoreAt(n + 1));
    for (let n = 8; n < 15; n++) expect(scoreAt(n)).toBeGreaterThanOrEqual(scoreAt(n + 1));
  });
});

describe('passes', () => {
  it('is score >= 1 - 1e-9', () => {
    expect(passes(1)).toBe(true);
    expect(passes(1 - 1e-12)).toBe(true);
    expect(passes(0.1 + 0.2 + 0.7)).toBe(true);
    expect(passes(1 - 1e-6)).toBe(false);
    expect(passes(0)).toBe(false);
  });
});
