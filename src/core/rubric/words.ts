/**
 * How criteria compare words: case-insensitively, on the words exactly as decoded (no stemming,
 * no punctuation stripping; a task's vocabulary defines what a word is).
 */

/** The form a word is compared in. */
export function foldWord(word: string): string {
  return word.toLowerCase();
}

/** A set of folded words, for membership tests in constant time. */
export function wordSet(words: readonly string[]): Set<string> {
  return new Set(words.map(foldWord));
}
