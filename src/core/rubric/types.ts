/**
 * What a scorer sees: one decoded rollout and the task's lexicon.
 */

/** A prompt of a tiny-language task: a topic word. */
export interface Prompt {
  topic: string;
}

/** Word classes and rhymes of a task's language, used by the `word-class` and `rhyme` kinds. */
export interface Lexicon {
  /** Class name -> its words, e.g. `{ adjective: ['red', 'cold'] }`. */
  wordClasses: Readonly<Record<string, readonly string[]>>;
  /** Word -> rhyme class; two words rhyme when their classes are equal. */
  rhymes: Readonly<Record<string, string>>;
}

/** One decoded rollout: its words (end-of-sequence dropped), the text they join to, its prompt. */
export interface DecodedRollout {
  prompt: Prompt;
  words: readonly string[];
  text: string;
}
