import { describe, expect, it } from 'vitest';
import { compilePattern, compileRubric, RubricError } from '../../../src/core/rubric';
import { lexicon, rollout, single } from './fixtures';

describe('regex safety (RE2)', () => {
  it('finishes on a catastrophic-backtracking pattern over a long input', () => {
    const compiled = compileRubric(single({ kind: 'regex', pattern: '(a+)+$' }), lexicon);
    const text = 'a'.repeat(10_000) + 'b';
    const score = compiled.score({ prompt: { topic: 'moon' }, words: [text], text });
    expect(score).toEqual([0]);
  });

  it('rejects an invalid pattern with a message naming the criterion and the field', () => {
    const input = single({ kind: 'regex', pattern: '(cold' });
    expect(() => compileRubric(input, lexicon)).toThrow(RubricError);
    try {
      compileRubric(input, lexicon);
    } catch (error) {
      const { problems, message } = error as RubricError;
      expect(problems).toHaveLength(1);
      expect(problems[0].path).toBe('criteria.0.params.pattern');
      expect(problems[0].message).toMatch(/criterion "c".*not a valid RE2 pattern.*missing closing \)/);
      expect(message).toContain('criteria.0.params.pattern');
    }
  });

  it('explains that lookaround and backreferences are not RE2', () => {
    for (const source of ['cold(?=sea)', '(a)\\1']) {
      const compiled = compilePattern(source, false);
      expect(compiled.ok).toBe(false);
      if (!compiled.ok) expect(compiled.message).toMatch(/no lookahead, lookbehind or backreferences/);
    }
  });

  it('rejects repetition counts over RE2 limits instead of building a huge program', () => {
    expect(compilePattern('(a{1000}){1000}', false).ok).toBe(false);
  });

  it('matches like a find, with flags', () => {
    const compiled = compilePattern('sea$', true);
    expect(compiled.ok && compiled.pattern.test('the cold SEA')).toBe(true);
    expect(compiled.ok && compiled.pattern.test('the sea is cold')).toBe(false);
    expect(compileRubric(single({ kind: 'regex', pattern: 'x' }), lexicon).score(rollout('a x b'))).toEqual([
      1,
    ]);
  });
});
