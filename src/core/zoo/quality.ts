/**
 * How good a base policy is, measured on held-out prompts: its next-token loss on fresh grammar
 * sentences (compared with the grammar's own entropy), and the rate at which its samples meet each
 * default criterion (compared with the same rate on grammar sentences, the corpus base rate).
 */
import * as tf from '@tensorflow/tfjs';
import { outputMask, readBack, samplePolicy, tokenLogProbs, type Policy } from '../policy';
import type { Rng } from '../random/rng';
import { compileRubric } from '../rubric';
import { summariseScores } from '../rubric/summary';
import { PROMPT_LENGTH, decodeRollout, encodePrompt } from '../task/tokenizer';
import type { Task } from '../task/types';

/** Mean next-token loss (nats per predicted token, `<eos>` included) over corpus rows. */
export async function corpusLoss(
  policy: Policy,
  corpus: Int32Array,
  T: number,
  batch = 256,
): Promise<number> {
  let nll = 0;
  let count = 0;
  await forEachMaskedBatch(
    corpus,
    T,
    batch,
    (tokens, m) => tf.neg(tf.sum(tokenLogProbs(policy, tokens).mul(m))),
    (sum, n) => {
      nll += sum;
      count += n;
    },
  );
  return nll / count;
}

/**
 * Run `reduce` over the corpus in batches of rows, with the mask of predicted positions (the
 * outputs after the prompt, through <eos>), and hand each batch's scalar and its count of masked
 * positions to `take`. One read-back per batch, off the training hot path (zoo checks only).
 */
async function forEachMaskedBatch(
  corpus: Int32Array,
  T: number,
  batch: number,
  reduce: (tokens: tf.Tensor2D, mask: tf.Tensor2D) => tf.Tensor,
  take: (value: number, masked: number) => void,
): Promise<void> {
  const rows = corpus.length / T;
  const mask = outputMask(corpus, rows, T);
  for (let r0 = 0; r0 < rows; r0 += batch) {
    const n = Math.min(batch, rows - r0);
    const value = tf.tidy(() =>
      reduce(
        tf.tensor2d(corpus.subarray(r0 * T, (r0 + n) * T), [n, T], 'int32'),
        tf.tensor2d(mask.subarray(r0 * (T - 1), (r0 + n) * (T - 1)), [n, T - 1]),
      ),
    );
    const read = (await readBack(value))[0];
    value.dispose();
    let masked = 0;
    for (let i = r0 * (T - 1); i < (r0 + n) * (T - 1); i++) masked += mask[i];
    take(read, masked);
  }
}

export interface Rates {
  ids: string[];
  /** Mean score per default criterion. */
  criterionMeans: number[];
  rubricScore: number;
  allPassRate: number;
  samples: number;
}

/** Rates of the task's default rubric on grammar sentences about `topics` (the base rates). */
export function corpusRates(task: Task, topics: readonly string[], rng: Rng, count: number): Rates {
  const rubric = compileRubric(task.defaultRubric, task.lexicon);
  const decoded = Array.from({ length: count }, () => {
    const topic = rng.pick(topics);
    const words = task.generateSentence(rng, topic);
    return { prompt: { topic }, words, text: words.join(' ') };
  });
  const s = summariseScores(rubric.scoreBatch(decoded), count, rubric.ids.length, rubric.weights);
  return { ids: [...rubric.ids], ...pick(s), samples: count };
}

/** Rates of the policy's own samples (temperature 1, exact rules) on the held-out prompts: step 0 of RL. */
export async function policyRates(policy: Policy, task: Task, perTopic: number, rng: Rng): Promise<Rates> {
  const rubric = compileRubric(task.defaultRubric, task.lexicon);
  const topics = task.topics.heldOut;
  const prompts = new Int32Array(topics.length * PROMPT_LENGTH);
  topics.forEach((t, b) => prompts.set(encodePrompt(task, t), b * PROMPT_LENGTH));
  const rollouts = await samplePolicy(
    policy,
    prompts,
    topics.length,
    PROMPT_LENGTH,
    perTopic,
    task.maxNew,
    1,
    rng,
  );
  const decoded = Array.from({ length: rollouts.N }, (_, n) => {
    const { words, text } = decodeRollout(
      task,
      rollouts.tokens.subarray(n * rollouts.T, (n + 1) * rollouts.T),
    );
    return { prompt: { topic: topics[Math.floor(n / perTopic)] }, words, text };
  });
  const s = summariseScores(rubric.scoreBatch(decoded), rollouts.N, rubric.ids.length, rubric.weights);
  return { ids: [...rubric.ids], ...pick(s), samples: rollouts.N };
}

function pick(s: ReturnType<typeof summariseScores>): Omit<Rates, 'ids' | 'samples'> {
  return { criterionMeans: s.criterionMeans, rubricScore: s.rubricScore, allPassRate: s.allPassRate };
}

/** Largest |log p_a - log p_b| over the predicted tokens of `corpus`: the cost of a compact copy. */
export async function maxLogProbChange(
  a: Policy,
  b: Policy,
  corpus: Int32Array,
  T: number,
  batch = 256,
): Promise<number> {
  let worst = 0;
  await forEachMaskedBatch(
    corpus,
    T,
    batch,
    (tokens, m) => tf.max(tf.abs(tokenLogProbs(a, tokens).sub(tokenLogProbs(b, tokens))).mul(m)),
    (max) => (worst = Math.max(worst, max)),
  );
  return worst;
}
