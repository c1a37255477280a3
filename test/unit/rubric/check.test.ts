import { describe, expect, it } from 'vitest';
import {
  checkRubric,
  compileRubric,
  rubricSchema,
  RubricError,
  validateRubric,
  type Rubric,
  type RubricInput,
} from '../../../src/core/rubric';
import { parseWith, type Problem } from '../../../src/core/validation';
import { lexicon, single, type ParamsInput } from './fixtures';

const criterion = (id: string, weight = 1, enabled = true) => ({
  id,
  name: id,
  params: { kind: 'topic' } as ParamsInput,
  weight,
  enabled,
});

function schemaProblems(input: unknown): Problem[] {
  const parsed = parseWith(rubricSchema, input);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? [] : parsed.problems;
}

function compileProblems(input: RubricInput): readonly Problem[] {
  try {
    compileRubric(input, lexicon);
  } catch (error) {
    expect(error).toBeInstanceOf(RubricError);
    return (error as RubricError).problems;
  }
  throw new Error('expected compileRubric to throw');
}

describe('schema rejections, each with its path', () => {
  it('all weights zero', () => {
    const problems = schemaProblems({ criteria: [criterion('a', 0), criterion('b', 0)] });
    expect(problems).toEqual([
      { path: 'criteria', message: 'the enabled criteria need a positive total weight' },
    ]);
  });

  it('no enabled criterion', () => {
    const problems = schemaProblems({ criteria: [criterion('a', 1, false)] });
    expect(problems).toEqual([{ path: 'criteria', message: 'at least one criterion must be enabled' }]);
  });

  it('duplicate ids', () => {
    const problems = schemaProblems({ criteria: [criterion('a'), criterion('b'), criterion('a')] });
    expect(problems).toEqual([{ path: 'criteria.2.id', message: 'duplicate id "a"' }]);
  });

  it('length min above max', () => {
    const problems = schemaProblems(single({ kind: 'length', min: 5, max: 3 }));
    expect(problems).toEqual([{ path: 'criteria.0.params.max', message: 'max must be at least min' }]);
  });

  it('judge with fp + fn >= 1', () => {
    const problems = schemaProblems(single({ kind: 'topic' }, { judge: { fp: 0.5, fn: 0.5 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('criteria.0.judge');
    expect(problems[0].message).toMatch(/fp \+ fn must be below 1/);
  });

  it('NaN weight', () => {
    const problems = schemaProblems({ criteria: [{ ...criterion('a'), weight: Number.NaN }] });
    expect(problems.map((p) => p.path)).toEqual(['criteria.0.weight']);
  });

  it('compileRubric re-validates and throws the same problems', () => {
    const problems = compileProblems({ criteria: [criterion('a', 0)] });
    expect(problems.map((p) => p.path)).toEqual(['criteria']);
  });
});

describe('lexicon checks', () => {
  it('unknown word class names the criterion, the class and the known classes', () => {
    const problems = compileProblems(single({ kind: 'word-class', wordClass: 'verb', min: 1 }));
    expect(problems).toEqual([
      {
        path: 'criteria.0.params.wordClass',
        message: 'criterion "c": unknown word class "verb" (this task has: adjective, noun, empty)',
      },
    ]);
  });

  it('does not mistake an inherited property for a word class', () => {
    const problems = compileProblems(single({ kind: 'word-class', wordClass: 'constructor', min: 1 }));
    expect(problems[0].message).toMatch(/unknown word class "constructor"/);
  });

  it('an empty word class is reported', () => {
    const problems = compileProblems(single({ kind: 'word-class', wordClass: 'empty', min: 1 }));
    expect(problems[0].message).toMatch(/word class "empty" has no words/);
  });

  it('rhyme needs a rhyme table', () => {
    const problems = checkRubric(rubricSchema.parse(single({ kind: 'rhyme' })), {
      wordClasses: {},
      rhymes: {},
    });
    expect(problems).toEqual([
      {
        path: 'criteria.0.params',
        message: 'criterion "c": this task has no rhyme table, so the criterion could never pass',
      },
    ]);
  });

  it('checkRubric reports disabled criteria too, but they do not stop compileRubric', () => {
    const rubric: Rubric = rubricSchema.parse({
      criteria: [
        criterion('ok'),
        { ...criterion('broken', 1, false), params: { kind: 'regex', pattern: '(' } },
      ],
    });
    expect(checkRubric(rubric, lexicon).map((p) => p.path)).toEqual(['criteria.1.params.pattern']);
    expect(compileRubric(rubric, lexicon).ids).toEqual(['ok']);
  });

  it('validateRubric runs the schema, then the lexicon checks', () => {
    expect(validateRubric({ criteria: [] }, lexicon)).toEqual({
      ok: false,
      problems: [{ path: 'criteria', message: 'needs at least one criterion' }],
    });
    const bad = validateRubric(single({ kind: 'word-class', wordClass: 'verb', min: 1 }), lexicon);
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['criteria.0.params.wordClass']);
    const good = validateRubric(single({ kind: 'topic' }), lexicon);
    expect(good.ok && good.value.criteria[0].judge).toEqual({ fp: 0, fn: 0 });
  });
});
