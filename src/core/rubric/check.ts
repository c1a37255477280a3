/**
 * What the schema cannot know: whether a rubric makes sense for a task's lexicon, and whether its
 * patterns compile. Returns problems (path + message) for editors to show next to the field.
 */
import { parseWith, type Parsed, type Problem } from '../validation';
import { compilePattern } from './pattern';
import { rubricSchema, type Criterion, type Rubric } from './schema';
import type { Lexicon } from './types';

/** Problems of one criterion at position `index` of the rubric (enabled or not). */
export function checkCriterion(criterion: Criterion, index: number, lexicon: Lexicon): Problem[] {
  const at = (field: string): string => `criteria.${index}.params${field ? `.${field}` : ''}`;
  const who = `criterion "${criterion.id}"`;
  const params = criterion.params;
  switch (params.kind) {
    case 'regex': {
      const compiled = compilePattern(params.pattern, params.caseInsensitive);
      return compiled.ok ? [] : [{ path: at('pattern'), message: `${who}: pattern ${compiled.message}` }];
    }
    case 'word-class': {
      const classes = Object.keys(lexicon.wordClasses);
      if (!Object.hasOwn(lexicon.wordClasses, params.wordClass)) {
        const known = classes.length > 0 ? `this task has: ${classes.join(', ')}` : 'this task has none';
        return [
          { path: at('wordClass'), message: `${who}: unknown word class "${params.wordClass}" (${known})` },
        ];
      }
      if (lexicon.wordClasses[params.wordClass].length === 0)
        return [{ path: at('wordClass'), message: `${who}: word class "${params.wordClass}" has no words` }];
      return [];
    }
    case 'rhyme':
      return Object.keys(lexicon.rhymes).length > 0
        ? []
        : [
            {
              path: at(''),
              message: `${who}: this task has no rhyme table, so the criterion could never pass`,
            },
          ];
    default:
      return [];
  }
}

/**
 * Problems of every criterion, disabled ones included (an editor shows them all; only enabled
 * ones stop `compileRubric`). Assumes `rubric` already passed `rubricSchema`.
 */
export function checkRubric(rubric: Rubric, lexicon: Lexicon): Problem[] {
  return rubric.criteria.flatMap((criterion, i) => checkCriterion(criterion, i, lexicon));
}

/** Schema, then lexicon and patterns: the one call for a rubric from a link, a file or a form. */
export function validateRubric(input: unknown, lexicon: Lexicon): Parsed<Rubric> {
  const parsed = parseWith(rubricSchema, input);
  if (!parsed.ok) return parsed;
  const problems = checkRubric(parsed.value, lexicon);
  return problems.length === 0 ? parsed : { ok: false, problems };
}
