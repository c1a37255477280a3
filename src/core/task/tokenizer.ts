/**
 * Word-level tokens of a task. Layout: 0 `<pad>`, 1 `<bos>`, 2 `<sep>`, 3 `<eos>`, then the task's
 * words in vocabulary order. A prompt is `[<bos>, topic, <sep>]`; the policy then generates up to
 * `maxNew` tokens, the last of which may be `<eos>`.
 */
import type { Rng } from '../random/rng';
import type { Task } from './types';

export const SPECIAL = { pad: 0, bos: 1, sep: 2, eos: 3 } as const;
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<sep>', '<eos>'] as const;
/** Prompt length P: `<bos>`, topic, `<sep>`. */
export const PROMPT_LENGTH = 3;

/** Every token of the task: specials, then words. Index = token id. */
export function vocabularyOf(task: Task): string[] {
  return [...SPECIAL_TOKENS, ...task.vocabulary];
}

const idMaps = new WeakMap<Task, Map<string, number>>();

function idsOf(task: Task): Map<string, number> {
  let ids = idMaps.get(task);
  if (!ids) {
    ids = new Map(vocabularyOf(task).map((w, i) => [w, i]));
    idMaps.set(task, ids);
  }
  return ids;
}

/** Token id of a word of the task; throws for a word outside the vocabulary. */
export function tokenOf(task: Task, word: string): number {
  const id = idsOf(task).get(word);
  if (id === undefined || id < SPECIAL_TOKENS.length)
    throw new Error(`task ${task.id}: "${word}" is not a word`);
  return id;
}

/** Full sequence length of one row: prompt plus generated tokens. */
export function sequenceLength(task: Task): number {
  return PROMPT_LENGTH + task.maxNew;
}

export function encodePrompt(task: Task, topic: string): Int32Array {
  return Int32Array.from([SPECIAL.bos, tokenOf(task, topic), SPECIAL.sep]);
}

/**
 * The words a rollout generated: tokens from position `P` up to the first `<eos>`; other special
 * tokens (pad, and a stray bos or sep) are not words and are dropped.
 */
export function decodeRollout(
  task: Task,
  tokens: ArrayLike<number>,
  P: number = PROMPT_LENGTH,
): { words: string[]; text: string } {
  const words: string[] = [];
  for (let i = P; i < tokens.length; i++) {
    const id = tokens[i];
    if (id === SPECIAL.eos) break;
    if (id < SPECIAL_TOKENS.length) continue;
    const word = task.vocabulary[id - SPECIAL_TOKENS.length];
    if (word === undefined) throw new Error(`task ${task.id}: token id ${id} is outside the vocabulary`);
    words.push(word);
  }
  return { words, text: words.join(' ') };
}

/**
 * Warm-start corpus: `count` rows of `P + maxNew` tokens, each a prompt, a grammar sentence about
 * its topic, `<eos>`, then padding. Row-major, deterministic in `rng`. Prompts come from every
 * topic, held-out ones included: the warm start plays the part of pretraining, which has seen the
 * language; RL trains on the training topics only, and evaluation measures whether what RL
 * learned carries over to prompts it never trained on. (With training topics only, a tiny model
 * never learns to copy an unseen prompt word and every topic criterion starts near 0 on held-out
 * prompts.)
 */
export function buildCorpus(task: Task, rng: Rng, count: number): Int32Array {
  return buildCorpusFor(task, [...task.topics.train, ...task.topics.heldOut], rng, count);
}

/** As {@link buildCorpus}, with prompts drawn uniformly from `topics`. */
export function buildCorpusFor(task: Task, topics: readonly string[], rng: Rng, count: number): Int32Array {
  const width = sequenceLength(task);
  const out = new Int32Array(count * width); // zero = <pad>
  for (let row = 0; row < count; row++) {
    const topic = rng.pick(topics);
    const words = task.generateSentence(rng, topic);
    if (words.length > task.maxNew - 1)
      throw new Error(
        `task ${task.id}: a sentence of ${words.length} words does not fit maxNew = ${task.maxNew}`,
      );
    const base = row * width;
    out.set(encodePrompt(task, topic), base);
    words.forEach((w, i) => (out[base + PROMPT_LENGTH + i] = tokenOf(task, w)));
    out[base + PROMPT_LENGTH + words.length] = SPECIAL.eos;
  }
  return out;
}
