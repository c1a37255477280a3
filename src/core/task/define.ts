/**
 * Turns a task written as data into a `Task`: the vocabulary is every word the task can use, in a
 * fixed order (grammar, topics, lexicon, default rubric), and sentences come from the grammar.
 */
import type { Rng } from '../random/rng';
import { generate, maxSentenceLength, terminalsOf } from './grammar';
import type { Task, TaskSpec } from './types';

function rubricWords(spec: TaskSpec): string[] {
  const words: string[] = [];
  for (const c of spec.defaultRubric.criteria) {
    const p = c.params;
    if (p.kind === 'includes' || p.kind === 'avoids' || p.kind === 'starts-with' || p.kind === 'ends-with')
      words.push(...p.words);
  }
  return words;
}

export function defineTask(spec: TaskSpec): Task {
  const { wordClasses, rhymes } = spec.lexicon;
  const longest = maxSentenceLength(spec.grammar);
  if (longest > spec.maxNew - 1)
    throw new Error(
      `task ${spec.id}: sentences of up to ${longest} words do not fit maxNew = ${spec.maxNew}`,
    );
  const vocabulary = [
    ...new Set([
      ...terminalsOf(spec.grammar, wordClasses),
      ...spec.topics.train,
      ...spec.topics.heldOut,
      ...Object.values(wordClasses).flat(),
      ...Object.keys(rhymes),
      ...rubricWords(spec),
    ]),
  ];
  return {
    ...spec,
    vocabulary,
    generateSentence: (rng: Rng, topic: string) => generate(spec.grammar, wordClasses, rng, topic),
  };
}

/** A rhyme table written by rhyme class (`{ ox: ['fox', 'box'] }`), as the lexicon's word -> class map. */
export function rhymeTable(classes: Readonly<Record<string, readonly string[]>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(classes).flatMap(([rhyme, words]) => words.map((w) => [w, rhyme])),
  );
}

/** A word list written as one space-separated string: `words('red cold quick')`. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/);
}
