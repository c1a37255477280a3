/**
 * A tiny generative grammar, written as data. A rule maps a name to its alternatives; an
 * alternative is a space-separated list of symbols, optionally weighted (`['A B', 3]`; default 1):
 * - `UPPER` names another rule;
 * - `@class` is a uniformly drawn word of that lexicon word class;
 * - `$topic` is the prompt's topic word;
 * - `$rhyme` is a uniformly drawn word that rhymes with the topic (the topic itself excluded);
 * - anything else is a literal word. An empty alternative `''` produces nothing.
 * Grammars must not recurse, so that every sentence has a bounded length (see `maxSentenceLength`).
 */
import type { Rng } from '../random/rng';

export type Alternative = string | readonly [symbols: string, weight: number];

export interface Grammar {
  start: string;
  rules: Readonly<Record<string, readonly Alternative[]>>;
}

type WordClasses = Readonly<Record<string, readonly string[]>>;

/** What a grammar's word symbols draw from when it generates (see `defineTask` for a task's). */
export interface GrammarWords {
  /** `@class` draws uniformly from `classes[class]`. */
  classes: WordClasses;
  /** `$rhyme` draws uniformly from `rhymesOf(topic)`. */
  rhymesOf(topic: string): readonly string[];
}

export const TOPIC = '$topic';
export const RHYME = '$rhyme';

/** True for the symbols that stand for the prompt's topic or a word derived from it. */
function isTopicSymbol(symbol: string): boolean {
  return symbol === TOPIC || symbol === RHYME;
}

/** The words `$rhyme` may draw for `topic`; throws when there are none. */
export function rhymesFor(words: GrammarWords, topic: string): readonly string[] {
  const rhymes = words.rhymesOf(topic);
  if (rhymes.length === 0) throw new Error(`grammar: no word rhymes with the topic "${topic}"`);
  return rhymes;
}

export function isRule(symbol: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(symbol);
}

export function symbolsOf(alternative: Alternative): string[] {
  const text = typeof alternative === 'string' ? alternative : alternative[0];
  return text.split(/\s+/).filter((s) => s.length > 0);
}

export function weightOf(alternative: Alternative): number {
  return typeof alternative === 'string' ? 1 : alternative[1];
}

function alternativesOf(grammar: Grammar, name: string): readonly Alternative[] {
  const alternatives = grammar.rules[name];
  if (!alternatives || alternatives.length === 0) throw new Error(`grammar: no rule "${name}"`);
  return alternatives;
}

function classOf(wordClasses: WordClasses, symbol: string): readonly string[] {
  const words = wordClasses[symbol.slice(1)];
  if (!words || words.length === 0) throw new Error(`grammar: no word class "${symbol.slice(1)}"`);
  return words;
}

function pickAlternative(alternatives: readonly Alternative[], rng: Rng): Alternative {
  let total = 0;
  for (const a of alternatives) total += weightOf(a);
  let u = rng.next() * total;
  for (const a of alternatives) {
    u -= weightOf(a);
    if (u < 0) return a;
  }
  return alternatives[alternatives.length - 1];
}

/** One sentence of the grammar for `topic`, as words. */
export function generate(grammar: Grammar, words: GrammarWords, rng: Rng, topic: string): string[] {
  const out: string[] = [];
  const expand = (symbol: string): void => {
    if (symbol === TOPIC) out.push(topic);
    else if (symbol === RHYME) out.push(rng.pick(rhymesFor(words, topic)));
    else if (symbol.startsWith('@')) out.push(rng.pick(classOf(words.classes, symbol)));
    else if (isRule(symbol))
      for (const s of symbolsOf(pickAlternative(alternativesOf(grammar, symbol), rng))) expand(s);
    else out.push(symbol);
  };
  expand(grammar.start);
  return out;
}

/** Every word the grammar can produce (topics and rhymes aside), in first-seen order. */
export function terminalsOf(grammar: Grammar, wordClasses: WordClasses): string[] {
  const words = new Set<string>();
  const seen = new Set<string>();
  const visit = (symbol: string): void => {
    if (isTopicSymbol(symbol)) return;
    if (symbol.startsWith('@')) for (const w of classOf(wordClasses, symbol)) words.add(w);
    else if (isRule(symbol)) {
      if (seen.has(symbol)) return;
      seen.add(symbol);
      for (const a of alternativesOf(grammar, symbol)) for (const s of symbolsOf(a)) visit(s);
    } else words.add(symbol);
  };
  visit(grammar.start);
  return [...words];
}

/** Does the grammar use `symbol` anywhere (for example `$rhyme`)? */
export function usesSymbol(grammar: Grammar, symbol: string): boolean {
  return Object.values(grammar.rules).some((alternatives) =>
    alternatives.some((a) => symbolsOf(a).includes(symbol)),
  );
}

/** The longest sentence the grammar can produce, in words; throws on recursion. */
export function maxSentenceLength(grammar: Grammar): number {
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const longest = (symbol: string): number => {
    if (!isRule(symbol)) return 1;
    const known = memo.get(symbol);
    if (known !== undefined) return known;
    if (active.has(symbol)) throw new Error(`grammar: rule "${symbol}" is recursive`);
    active.add(symbol);
    let best = 0;
    for (const a of alternativesOf(grammar, symbol)) {
      let length = 0;
      for (const s of symbolsOf(a)) length += longest(s);
      best = Math.max(best, length);
    }
    active.delete(symbol);
    memo.set(symbol, best);
    return best;
  };
  return longest(grammar.start);
}
