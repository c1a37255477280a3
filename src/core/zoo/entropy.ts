/**
 * The grammar's own entropy: the lowest next-token loss any policy can reach on the task's
 * language. A sentence's exact probability is summed over every derivation that yields it (the
 * inside algorithm over the non-recursive grammar: the same words can come from `$topic` and from
 * a word class that contains the topic), and the entropy rate is estimated from a large sample of
 * sentences as E[-log P(sentence)] / E[words + 1], the `+ 1` being `<eos>`: the same ratio of sums
 * the warm-start loss averages over.
 */
import type { Rng } from '../random/rng';
import { RHYME, TOPIC, isRule, symbolsOf, weightOf, type Grammar, type GrammarWords } from '../task/grammar';
import type { Task } from '../task/types';

/** Probability that a uniform draw from `members` is `word`. */
function drawProbability(members: readonly string[], word: string): number {
  let hits = 0;
  for (const w of members) if (w === word) hits++;
  return members.length ? hits / members.length : 0;
}

/** P(the grammar generates exactly `words` for `topic`), summed over derivations. */
export function sentenceProbability(
  grammar: Grammar,
  grammarWords: GrammarWords,
  words: readonly string[],
  topic: string,
): number {
  const memo = new Map<string, number>();
  // inside(symbol, i, j): probability that `symbol` expands to words[i..j).
  const inside = (symbol: string, i: number, j: number): number => {
    if (symbol === TOPIC) return j === i + 1 && words[i] === topic ? 1 : 0;
    if (symbol === RHYME) return j === i + 1 ? drawProbability(grammarWords.rhymesOf(topic), words[i]) : 0;
    if (symbol.startsWith('@'))
      return j === i + 1 ? drawProbability(grammarWords.classes[symbol.slice(1)] ?? [], words[i]) : 0;
    if (!isRule(symbol)) return j === i + 1 && words[i] === symbol ? 1 : 0;
    const key = `${symbol} ${i} ${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const alternatives = grammar.rules[symbol] ?? [];
    let total = 0;
    for (const a of alternatives) total += weightOf(a);
    let p = 0;
    for (const a of alternatives) p += (weightOf(a) / total) * sequence(symbolsOf(a), 0, i, j);
    memo.set(key, p);
    return p;
  };
  // sequence(symbols, s, i, j): probability that symbols[s..] expand to words[i..j).
  const sequence = (symbols: readonly string[], s: number, i: number, j: number): number => {
    if (s === symbols.length) return i === j ? 1 : 0;
    let p = 0;
    // Every symbol but a rule yields exactly one word; a rule may yield zero or more.
    for (let k = i; k <= j; k++) {
      const head = inside(symbols[s], i, k);
      if (head > 0) p += head * sequence(symbols, s + 1, k, j);
    }
    return p;
  };
  return inside(grammar.start, 0, words.length);
}

export interface EntropyEstimate {
  /** Nats per predicted token (words and `<eos>`). */
  natsPerToken: number;
  /** Standard error of the estimate (delta method over sentences). */
  standardError: number;
  sentences: number;
}

/** The entropy rate of the task's sentences over `topics` (uniform), from `count` samples. */
export function grammarEntropy(
  task: Task,
  topics: readonly string[],
  rng: Rng,
  count: number,
): EntropyEstimate {
  const { grammar, grammarWords } = task;
  const nll: number[] = [];
  const tokens: number[] = [];
  for (let n = 0; n < count; n++) {
    const topic = rng.pick(topics);
    const words = task.generateSentence(rng, topic);
    const p = sentenceProbability(grammar, grammarWords, words, topic);
    if (!(p > 0))
      throw new Error(`grammarEntropy: task ${task.id} sentence "${words.join(' ')}" has P = ${p}`);
    nll.push(-Math.log(p));
    tokens.push(words.length + 1);
  }
  const sumNll = nll.reduce((a, b) => a + b, 0);
  const sumTok = tokens.reduce((a, b) => a + b, 0);
  const rate = sumNll / sumTok;
  // Ratio estimator's standard error: residuals nll - rate * tokens.
  const meanTok = sumTok / count;
  let ss = 0;
  for (let n = 0; n < count; n++) ss += (nll[n] - rate * tokens[n]) ** 2;
  const standardError = Math.sqrt(ss / (count - 1) / count) / meanTok;
  return { natsPerToken: rate, standardError, sentences: count };
}
