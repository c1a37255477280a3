/**
 * Editing helpers for the rubric form: fresh parameters for a kind, word lists as text, a new
 * criterion with a unique id. The schema stays the judge of what is valid.
 */
import type { CriterionKind, CriterionParams, RubricInput } from '../../core/rubric/schema';

type CriterionInput = RubricInput['criteria'][number];

export const KIND_LABELS: Record<CriterionKind, string> = {
  length: 'length in a range',
  topic: 'mentions the topic',
  includes: 'includes words',
  avoids: 'avoids words',
  'no-repeat': 'no repeated word',
  'starts-with': 'starts with',
  'ends-with': 'ends with',
  regex: 'matches a pattern',
  'word-class': 'uses a word class',
  rhyme: 'rhymes with the topic',
};

export const KINDS = Object.keys(KIND_LABELS) as CriterionKind[];

/** Parameters a newly chosen kind starts from (valid wherever the kind needs no task words). */
export function defaultParams(kind: CriterionKind, wordClass = 'noun'): CriterionParams {
  switch (kind) {
    case 'length':
      return { kind, min: 6, max: 10, tolerance: 4 };
    case 'includes':
      return { kind, words: ['the'], mode: 'any' };
    case 'avoids':
    case 'starts-with':
    case 'ends-with':
      return { kind, words: ['the'] };
    case 'regex':
      return { kind, pattern: '\\bthe\\b', caseInsensitive: false };
    case 'word-class':
      return { kind, wordClass, min: 1 };
    default:
      return { kind };
  }
}

/** `a, b ,c` -> `['a', 'b', 'c']`; empty items are dropped (the schema reports an empty list). */
export function parseWordList(text: string): string[] {
  return text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
}

export function formatWordList(words: readonly string[] | undefined): string {
  return (words ?? []).join(', ');
}

/** An id derived from the name, made unique among `taken`. */
export function newCriterionId(name: string, taken: readonly string[]): string {
  const stem =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'criterion';
  let id = stem;
  for (let n = 2; taken.includes(id); n++) id = `${stem}-${n}`;
  return id;
}

export function newCriterion(taken: readonly string[]): CriterionInput {
  return {
    id: newCriterionId('no repeat', taken),
    name: 'No repeated word',
    params: { kind: 'no-repeat' },
    weight: 1,
    enabled: true,
    judge: { fp: 0, fn: 0 },
  };
}
