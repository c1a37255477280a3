/**
 * Words and patterns a task can never produce: refused with the closest words it has, for the
 * base rubric and every variant; patterns only where that is decidable.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { closestWords, occursInOutputs, requiredLiterals } from '../../../src/core/experiment/vocabulary';
import { compilePattern } from '../../../src/core/rubric';
import { getTask, TASKS } from '../../../src/core/task';

const market = getTask('market');
const criterion = (id: string, params: unknown) => ({ id, name: id, params, weight: 1 });
const withRubric = (...criteria: unknown[]) => ({ version: 1, task: 'market', rubric: { criteria } });
const problemsOf = (input: unknown) => {
  const parsed = parseExperiment(input);
  return parsed.ok ? [] : parsed.problems;
};

describe('word lists against the vocabulary', () => {
  it('refuses each word the task cannot say, with its path and the closest words', () => {
    const problems = problemsOf(
      withRubric(criterion('end', { kind: 'ends-with', words: ['baskets', 'bowl', 'Crates'] })),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'rubric.criteria.0.params.words.0',
      'rubric.criteria.0.params.words.2',
    ]);
    expect(problems[0].message).toMatch(
      /"baskets" is not a word of task "market".*closest words of the task: basket/,
    );
    expect(problems[1].message).toMatch(/closest words of the task: crate/);
  });

  it('checks includes, avoids and starts-with too, and accepts words in any case', () => {
    const problems = problemsOf(
      withRubric(
        criterion('a', { kind: 'includes', words: ['Plum', 'plums'] }),
        criterion('b', { kind: 'avoids', words: ['bananas'] }),
        criterion('c', { kind: 'starts-with', words: ['THE', 'thee'] }),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'rubric.criteria.0.params.words.1',
      'rubric.criteria.1.params.words.0',
      'rubric.criteria.2.params.words.1',
    ]);
    expect(problems[1].message).toMatch(/avoids would always pass/);
  });

  it('checks every variant that brings its own rubric or task', () => {
    const problems = problemsOf({
      ...withRubric(criterion('end', { kind: 'ends-with', words: ['basket'] })),
      variants: [
        { name: 'fine', overrides: { weights: { end: 2 } } },
        {
          name: 'bad',
          overrides: { rubric: { criteria: [criterion('x', { kind: 'includes', words: ['baskit'] })] } },
        },
        {
          name: 'meadow',
          overrides: {
            task: 'meadow',
            rubric: { criteria: [criterion('y', { kind: 'ends-with', words: ['basket'] })] },
          },
        },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'variants.1.overrides.rubric.criteria.0.params.words.0',
      'variants.2.overrides.rubric.criteria.0.params.words.0',
    ]);
    expect(problems[1].message).toMatch(/task "meadow"/);
  });

  it('accepts every default rubric and every example', () => {
    for (const task of TASKS)
      expect(problemsOf({ version: 1, task: task.id, rubric: task.defaultRubric })).toEqual([]);
  });
});

describe('patterns against the vocabulary', () => {
  it('refuses plain-text patterns no output contains, and says when only the case is wrong', () => {
    const problems = problemsOf(
      withRubric(
        criterion('p', { kind: 'regex', pattern: '\\b(baskets|crates)\\b' }),
        criterion('q', { kind: 'regex', pattern: '^The ripe' }),
        criterion('r', { kind: 'regex', pattern: '^The ripe', caseInsensitive: true }),
        criterion('s', { kind: 'regex', pattern: 'in the (basket|crate)$' }),
        criterion('t', { kind: 'regex', pattern: 'ba[sz]kets' }),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'rubric.criteria.0.params.pattern',
      'rubric.criteria.1.params.pattern',
    ]);
    expect(problems[0].message).toMatch(/can never match.*closest words of the task: basket/);
    expect(problems[1].message).toMatch(/case-sensitive/);
  });

  it('reads plain text, groups and alternatives; gives up on anything else', () => {
    expect(requiredLiterals('^(?:the|a) (red|ripe)\\.$')).toEqual([
      'the red.',
      'the ripe.',
      'a red.',
      'a ripe.',
    ]);
    expect(requiredLiterals('(?P<x>fig)\\b')).toEqual(['fig']);
    for (const p of ['figs?', 'f.g', '[a-z]+', '\\w', '(?i)fig', 'a{2}', '(a|b'])
      expect(requiredLiterals(p)).toBeUndefined();
  });

  it('finds text across word boundaries and only there', () => {
    const vocabulary = ['the', 'red', 'fox'];
    expect(occursInOutputs('e red f', vocabulary, false)).toBe(true);
    expect(occursInOutputs('redfox', vocabulary, false)).toBe(false);
    expect(occursInOutputs('red  fox', vocabulary, false)).toBe(false);
    expect(occursInOutputs('RED', vocabulary, false)).toBe(false);
    expect(occursInOutputs('RED', vocabulary, true)).toBe(true);
  });

  it('never refuses a literal that some real output contains (property)', () => {
    const vocabulary = market.vocabulary;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        (words, a, b) => {
          const text = words.join(' ');
          const start = a % text.length;
          const literal = text.slice(start, start + 1 + (b % (text.length - start)));
          // Where the check says the literal occurs, RE2 agrees on a real output.
          expect(occursInOutputs(literal, vocabulary, false)).toBe(true);
          const compiled = compilePattern(literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), false);
          expect(compiled.ok && compiled.pattern.test(text)).toBe(true);
        },
      ),
    );
  });

  it('suggests the nearest words by edit distance', () => {
    expect(closestWords('baskets', market.vocabulary, 1)).toEqual(['basket']);
    expect(closestWords('CRATE', market.vocabulary, 1)).toEqual(['crate']);
  });
});
