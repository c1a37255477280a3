/**
 * One scorer per criterion kind, prepared once from the criterion's params and the task's lexicon.
 * Scorers see a rollout whose words are already folded, and return a score in [0, 1].
 * Empty outputs never reach them: `compileRubric` scores those 0 on every criterion.
 */
import { compilePattern } from './pattern';
import type { CriterionParams } from './schema';
import type { Lexicon } from './types';
import { foldWord, wordSet } from './words';

/** A rollout as scorers see it: folded words (at least one), the raw text, the folded topic. */
export interface FoldedRollout {
  words: readonly string[];
  text: string;
  topic: string;
}

export type Scorer = (rollout: FoldedRollout) => number;

const binary = (condition: boolean): number => (condition ? 1 : 0);

function countIn(words: readonly string[], set: ReadonlySet<string>): number {
  let count = 0;
  for (const w of words) if (set.has(w)) count++;
  return count;
}

/** Builds the scorer; throws on params that `checkCriterion` reports (callers check first). */
export function prepareScorer(params: CriterionParams, lexicon: Lexicon): Scorer {
  switch (params.kind) {
    case 'length': {
      const { min, max, tolerance } = params;
      return ({ words }) => {
        const n = words.length;
        const distance = n < min ? min - n : n > max ? n - max : 0;
        return Math.max(0, 1 - distance / tolerance);
      };
    }
    case 'topic':
      return ({ words, topic }) => binary(topic !== '' && words.includes(topic));
    case 'includes': {
      const listed = wordSet(params.words);
      if (params.mode === 'any') return ({ words }) => binary(words.some((w) => listed.has(w)));
      return ({ words }) => {
        const present = new Set(words.filter((w) => listed.has(w)));
        return present.size / listed.size;
      };
    }
    case 'avoids': {
      const listed = wordSet(params.words);
      return ({ words }) => binary(!words.some((w) => listed.has(w)));
    }
    case 'no-repeat':
      return ({ words }) => binary(new Set(words).size === words.length);
    case 'starts-with': {
      const listed = wordSet(params.words);
      return ({ words }) => binary(words.length > 0 && listed.has(words[0]));
    }
    case 'ends-with': {
      const listed = wordSet(params.words);
      return ({ words }) => binary(words.length > 0 && listed.has(words[words.length - 1]));
    }
    case 'regex': {
      const compiled = compilePattern(params.pattern, params.caseInsensitive);
      if (!compiled.ok) throw new Error(`pattern ${compiled.message}`);
      const { pattern } = compiled;
      return ({ text }) => binary(pattern.test(text));
    }
    case 'word-class': {
      if (!Object.hasOwn(lexicon.wordClasses, params.wordClass))
        throw new Error(`unknown word class "${params.wordClass}"`);
      const members = wordSet(lexicon.wordClasses[params.wordClass]);
      const { min } = params;
      return ({ words }) => Math.min(1, countIn(words, members) / min);
    }
    case 'rhyme': {
      const rhymeClass = new Map<string, string>();
      for (const [word, cls] of Object.entries(lexicon.rhymes)) {
        const key = foldWord(word);
        if (!rhymeClass.has(key)) rhymeClass.set(key, cls);
      }
      return ({ words, topic }) => {
        const last = words[words.length - 1];
        const lastClass = rhymeClass.get(last);
        return binary(last !== topic && lastClass !== undefined && lastClass === rhymeClass.get(topic));
      };
    }
  }
}
