/**
 * The corpus the dial measures criteria on: sentences of the task's own generator (what the zoo's
 * base policies learned from) about its training topics, from a fixed seed of its own, so that the
 * generated rubric never depends on a run's seed. Pass vectors and the statistics between them.
 */
import { Rng } from '../random/rng';
import { compileRubric } from '../rubric/compile';
import type { CriterionParams } from '../rubric/schema';
import type { DecodedRollout } from '../rubric/types';
import type { Task } from '../task/types';

export const DIAL_CORPUS_SIZE = 4000;
export const DIAL_CORPUS_SEED = 22022;

/** `count` sentences, the training topics in turn. */
export function dialCorpus(task: Task, count = DIAL_CORPUS_SIZE, seed = DIAL_CORPUS_SEED): DecodedRollout[] {
  const rng = new Rng(seed, `dial-corpus:${task.id}`);
  const topics = task.topics.train;
  return Array.from({ length: count }, (_, n) => {
    const topic = topics[n % topics.length];
    const words = task.generateSentence(rng, topic);
    return { prompt: { topic }, words, text: words.join(' ') };
  });
}

/** 1 where the sentence passes (scores exactly 1 under the lab's scorer), else 0. */
export function passVector(
  task: Task,
  params: CriterionParams,
  corpus: readonly DecodedRollout[],
): Uint8Array {
  return passVectors(task, [params], corpus)[0];
}

/** Most criteria a rubric holds: candidates are scored that many at a time. */
const RUBRIC_LIMIT = 16;

/**
 * Pass vectors of many criteria, scored by the rubric compiler as a run scores them, sixteen
 * criteria to a rubric so that each sentence is folded once per sixteen rather than once each.
 */
export function passVectors(
  task: Task,
  params: readonly CriterionParams[],
  corpus: readonly DecodedRollout[],
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let start = 0; start < params.length; start += RUBRIC_LIMIT) {
    const chunk = params.slice(start, start + RUBRIC_LIMIT);
    const compiled = compileRubric(
      { criteria: chunk.map((p, i) => ({ id: `c${i}`, name: `c${i}`, params: p, weight: 1 })) },
      task.lexicon,
    );
    const scores = compiled.scoreBatch(corpus);
    const K = chunk.length;
    chunk.forEach((_, k) =>
      out.push(Uint8Array.from({ length: corpus.length }, (_, n) => (scores[n * K + k] === 1 ? 1 : 0))),
    );
  }
  return out;
}

export function passRate(pass: Uint8Array): number {
  let k = 0;
  for (const p of pass) k += p;
  return pass.length === 0 ? Number.NaN : k / pass.length;
}

/** P(a | b): the pass rate of `a` among sentences where `b` passes; NaN when `b` never does. */
export function conditionalRate(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let given = 0;
  for (let n = 0; n < a.length; n++)
    if (b[n]) {
      given++;
      both += a[n];
    }
  return given === 0 ? Number.NaN : both / given;
}

/** The phi coefficient of two pass vectors (Pearson on 0/1); NaN when either is constant. */
export function phi(a: Uint8Array, b: Uint8Array): number {
  let n11 = 0;
  let n10 = 0;
  let n01 = 0;
  let n00 = 0;
  for (let n = 0; n < a.length; n++) {
    if (a[n] && b[n]) n11++;
    else if (a[n]) n10++;
    else if (b[n]) n01++;
    else n00++;
  }
  const denominator = Math.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00));
  return denominator === 0 ? Number.NaN : (n11 * n00 - n10 * n01) / denominator;
}
