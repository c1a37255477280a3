import { describe, expect, it } from 'vitest';
import { compileRubric } from '../../../src/core/rubric';
import { lexicon, rollout, single, type ParamsInput } from './fixtures';

/** Score of `text` (topic `topic`) under a one-criterion rubric. */
function scoreOf(params: ParamsInput, text: string, topic = 'moon'): number {
  return compileRubric(single(params), lexicon).score(rollout(text, topic))[0];
}

describe('length', () => {
  const params: ParamsInput = { kind: 'length', min: 3, max: 5, tolerance: 4 };
  it('scores 1 inside [min, max], bounds included', () => {
    expect(scoreOf(params, 'a b c')).toBe(1);
    expect(scoreOf(params, 'a b c d e')).toBe(1);
  });
  it('falls linearly over tolerance words outside the range', () => {
    expect(scoreOf(params, 'a b')).toBeCloseTo(0.75, 12);
    expect(scoreOf(params, 'a b c d e f')).toBeCloseTo(0.75, 12);
    expect(scoreOf(params, 'a b c d e f g h')).toBeCloseTo(0.25, 12);
    expect(scoreOf(params, 'a b c d e f g h i')).toBe(0);
    expect(scoreOf(params, 'a b c d e f g h i j k l')).toBe(0);
  });
  it('uses tolerance 4 by default and accepts fractional tolerance', () => {
    expect(scoreOf({ kind: 'length', min: 3, max: 3 }, 'a')).toBeCloseTo(0.5, 12);
    expect(scoreOf({ kind: 'length', min: 3, max: 3, tolerance: 0.5 }, 'a b')).toBe(0);
  });
  it('does not reward an empty output even when min is 0', () => {
    expect(scoreOf({ kind: 'length', min: 0, max: 2 }, '')).toBe(0);
  });
});

describe('topic', () => {
  it('is 1 when the topic word occurs, case-insensitively', () => {
    expect(scoreOf({ kind: 'topic' }, 'the Moon is cold', 'moon')).toBe(1);
    expect(scoreOf({ kind: 'topic' }, 'the moon is cold', 'MOON')).toBe(1);
  });
  it('is 0 when it does not, or only occurs inside another word', () => {
    expect(scoreOf({ kind: 'topic' }, 'the sea is cold', 'moon')).toBe(0);
    expect(scoreOf({ kind: 'topic' }, 'moonlight is cold', 'moon')).toBe(0);
  });
});

describe('includes', () => {
  it('any: 0/1', () => {
    const params: ParamsInput = { kind: 'includes', words: ['red', 'cold'] };
    expect(scoreOf(params, 'the RED sea')).toBe(1);
    expect(scoreOf(params, 'the blue sea')).toBe(0);
  });
  it('all: share of the listed words present, each counted once', () => {
    const params: ParamsInput = { kind: 'includes', words: ['red', 'cold', 'sea', 'Red'], mode: 'all' };
    expect(scoreOf(params, 'the blue moon')).toBe(0);
    expect(scoreOf(params, 'red red red')).toBeCloseTo(1 / 3, 12);
    expect(scoreOf(params, 'the cold red moon')).toBeCloseTo(2 / 3, 12);
    expect(scoreOf(params, 'cold red sea')).toBe(1);
  });
});

describe('avoids', () => {
  const params: ParamsInput = { kind: 'avoids', words: ['very', 'Really'] };
  it('is 1 when none of the words is used, 0 otherwise', () => {
    expect(scoreOf(params, 'the sea is cold')).toBe(1);
    expect(scoreOf(params, 'the sea is really cold')).toBe(0);
    expect(scoreOf(params, 'VERY cold')).toBe(0);
  });
  it('gives no free point to an empty output', () => {
    expect(scoreOf(params, '')).toBe(0);
  });
});

describe('no-repeat', () => {
  it('is 1 when every word is distinct, case-insensitively', () => {
    expect(scoreOf({ kind: 'no-repeat' }, 'the cold sea')).toBe(1);
    expect(scoreOf({ kind: 'no-repeat' }, 'the cold The sea')).toBe(0);
    expect(scoreOf({ kind: 'no-repeat' }, 'x')).toBe(1);
  });
  it('gives no free point to an empty output', () => {
    expect(scoreOf({ kind: 'no-repeat' }, '')).toBe(0);
  });
});

describe('starts-with and ends-with', () => {
  it('look at the first and the last word only', () => {
    const starts: ParamsInput = { kind: 'starts-with', words: ['the', 'a'] };
    expect(scoreOf(starts, 'The sea')).toBe(1);
    expect(scoreOf(starts, 'sea the')).toBe(0);
    expect(scoreOf(starts, '')).toBe(0);
    const ends: ParamsInput = { kind: 'ends-with', words: ['sea'] };
    expect(scoreOf(ends, 'the cold SEA')).toBe(1);
    expect(scoreOf(ends, 'sea is cold')).toBe(0);
    expect(scoreOf(ends, '')).toBe(0);
  });
});

describe('regex', () => {
  it('finds the pattern anywhere in the text', () => {
    expect(scoreOf({ kind: 'regex', pattern: 'cold (sea|moon)' }, 'the cold sea rises')).toBe(1);
    expect(scoreOf({ kind: 'regex', pattern: '^cold' }, 'the cold sea')).toBe(0);
  });
  it('is case-sensitive unless asked', () => {
    expect(scoreOf({ kind: 'regex', pattern: 'cold' }, 'the COLD sea')).toBe(0);
    expect(scoreOf({ kind: 'regex', pattern: 'cold', caseInsensitive: true }, 'the COLD sea')).toBe(1);
    expect(scoreOf({ kind: 'regex', pattern: '(?i)cold' }, 'the COLD sea')).toBe(1);
  });
  it('does not reward an empty output even when the pattern matches the empty text', () => {
    expect(scoreOf({ kind: 'regex', pattern: '^$' }, '')).toBe(0);
  });
});

describe('word-class', () => {
  const params: ParamsInput = { kind: 'word-class', wordClass: 'adjective', min: 2 };
  it('is min(1, count / min), counting each occurrence', () => {
    expect(scoreOf(params, 'the sea')).toBe(0);
    expect(scoreOf(params, 'the cold sea')).toBe(0.5);
    expect(scoreOf(params, 'the cold cold sea')).toBe(1);
    expect(scoreOf(params, 'bright RED cold sea')).toBe(1);
  });
});

describe('rhyme', () => {
  it('is 1 when the last word rhymes with the topic and differs from it', () => {
    expect(scoreOf({ kind: 'rhyme' }, 'a silver spoon', 'moon')).toBe(1);
    expect(scoreOf({ kind: 'rhyme' }, 'late in june', 'Moon')).toBe(1);
  });
  it('is 0 for the topic itself, a non-rhyme, or a word missing from the table', () => {
    expect(scoreOf({ kind: 'rhyme' }, 'the moon', 'moon')).toBe(0);
    expect(scoreOf({ kind: 'rhyme' }, 'the cat', 'moon')).toBe(0);
    expect(scoreOf({ kind: 'rhyme' }, 'the dune', 'moon')).toBe(0);
    expect(scoreOf({ kind: 'rhyme' }, 'the hat', 'bat')).toBe(0);
  });
});
