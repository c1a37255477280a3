/**
 * Turns a task written as data into a `Task`: the vocabulary is every word the task can use, in a
 * fixed order (grammar, topics, lexicon, default rubric), and sentences come from the grammar.
 *
 * The grammar draws a held-out topic word only as `$topic` of its own prompt, never from a word
 * class or as a rhyme. Otherwise RL on the training prompts meets the held-out words only as wrong
 * subjects (a rollout about "beet" under the prompt "pear" fails `topic`), pushes them down, and a
 * policy large enough to learn "copy these eight words, avoid those four" gets worse on held-out
 * prompts the longer it trains (docs/benchmarks.md, "Reachability"). The lexicon keeps its full
 * word classes: rubric criteria still count a held-out word as a member of its class.
 */
import type { Rng } from '../random/rng';
import { RHYME, generate, maxSentenceLength, terminalsOf, usesSymbol, type GrammarWords } from './grammar';
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

/** The words the task's grammar draws from: word classes and rhymes without the held-out topics. */
function grammarWordsOf(spec: TaskSpec): GrammarWords {
  const { wordClasses, rhymes } = spec.lexicon;
  const heldOut = new Set(spec.topics.heldOut);
  const classes = Object.fromEntries(
    Object.entries(wordClasses).map(([name, members]) => {
      const drawn = members.filter((w) => !heldOut.has(w));
      if (drawn.length === 0)
        throw new Error(`task ${spec.id}: word class "${name}" holds only held-out topics`);
      return [name, drawn];
    }),
  );
  const rhymesOf = new Map<string, string[]>();
  for (const topic of [...spec.topics.train, ...spec.topics.heldOut]) {
    const rhymeClass = rhymes[topic];
    const partners = Object.keys(rhymes).filter(
      (w) => rhymeClass !== undefined && rhymes[w] === rhymeClass && w !== topic && !heldOut.has(w),
    );
    rhymesOf.set(topic, partners);
  }
  if (usesSymbol(spec.grammar, RHYME))
    for (const [topic, partners] of rhymesOf)
      if (partners.length === 0)
        throw new Error(
          `task ${spec.id}: its grammar uses ${RHYME} but no word rhymes with the topic "${topic}"`,
        );
  return { classes, rhymesOf: (topic) => rhymesOf.get(topic) ?? [] };
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
  const grammarWords = grammarWordsOf(spec);
  return {
    ...spec,
    vocabulary,
    grammarWords,
    generateSentence: (rng: Rng, topic: string) => generate(spec.grammar, grammarWords, rng, topic),
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
