/**
 * Train one base policy of the model zoo to a stated quality (docs/benchmarks.md, "Model zoo"):
 * supervised next-token training on fresh grammar sentences, checked every `checkEvery` steps on
 * held-out prompts, until
 *   1. the gap between its loss and the grammar's own -log P on the same held-out sentences (an
 *      estimate of KL(grammar || policy) per token) is at most `maxGap` nats, and
 *   2. each default criterion's rate in its own samples on held-out prompts (step 0 of RL) is
 *      within `rateTolerance` of the rate on grammar sentences about those prompts.
 * The learning rate halves when the gap has not improved for `PATIENCE` checks in a row (reduce on
 * plateau), so no size depends on a step count tuned in advance. One check is 2,048 sentences, noisy
 * enough that halving on a single stale check drove the rate to its floor long before the target.
 */
import { createAdam, disposeAdam } from '../policy/adam';
import {
  createPolicy,
  disposePolicy,
  getWeights,
  setWeights,
  warmStart,
  type Policy,
  type PolicySize,
} from '../policy';
import { decodeWeights, encodeWeights, type TensorLayout } from './codec';
import { Rng } from '../random/rng';
import {
  PROMPT_LENGTH,
  SPECIAL,
  buildCorpus,
  encodePrompt,
  sequenceLength,
  tokenOf,
  vocabularyOf,
} from '../task/tokenizer';

import type { Task } from '../task/types';
import { sentenceProbability } from './entropy';
import { corpusLoss, corpusRates, maxLogProbChange, policyRates, type Rates } from './quality';

export interface ZooTarget {
  /** Largest accepted loss gap to the grammar's entropy, nats per token. */
  maxGap: number;
  /** Largest accepted |policy rate - corpus rate| per default criterion (mean score). */
  rateTolerance: number;
}

export const ZOO_TARGET: ZooTarget = { maxGap: 0.03, rateTolerance: 0.04 };

export interface SizeSchedule {
  lr: number;
  batchSize: number;
  checkEvery: number;
  maxSteps: number;
}

/** Per size: larger policies take a smaller learning rate (the fixed 0.01 made them start worse). */
export const ZOO_SCHEDULES: Readonly<Record<PolicySize, SizeSchedule>> = {
  small: { lr: 0.01, batchSize: 32, checkEvery: 150, maxSteps: 4500 },
  medium: { lr: 0.005, batchSize: 32, checkEvery: 150, maxSteps: 4500 },
  large: { lr: 0.003, batchSize: 32, checkEvery: 150, maxSteps: 9000 },
};

/** Checks without an improvement of at least `MIN_GAIN` nats before the learning rate halves. */
export const PATIENCE = 2;
const MIN_GAIN = 0.002;

/** Sizes of the held-out checks. */
export const ZOO_EVAL = { sentences: 2048, samplesPerTopic: 512, corpusSentences: 20000 } as const;

export interface ZooFigures {
  task: string;
  size: PolicySize;
  steps: number;
  seconds: number;
  /** Held-out loss, nats per token. */
  loss: number;
  /** The grammar's own -log P per token on the same held-out sentences. */
  entropy: number;
  gap: number;
  reached: boolean;
  /** Default-criterion ids, and step-0 (policy) and corpus mean scores on held-out prompts. */
  criteria: string[];
  step0: number[];
  base: number[];
  step0RubricScore: number;
  baseRubricScore: number;
  step0AllPass: number;
  /** Held-out loss of the float16 weights as shipped, and the largest change of a token's log-probability. */
  shippedLoss: number;
  maxLogProbChange: number;
  lossCurve: { step: number; gap: number; lr: number }[];
}

export interface HeldOutSet {
  rows: Int32Array;
  T: number;
  /** Sum of the grammar's -log P over the sentences, and predicted tokens (words + <eos>). */
  grammarNll: number;
  tokens: number;
}

/** Fresh grammar sentences about the held-out topics, with the grammar's own -log P of each. */
export function heldOutSet(task: Task, rng: Rng, count: number): HeldOutSet {
  const T = sequenceLength(task);
  const rows = new Int32Array(count * T);
  let grammarNll = 0;
  let tokens = 0;
  for (let r = 0; r < count; r++) {
    const topic = rng.pick(task.topics.heldOut);
    const words = task.generateSentence(rng, topic);
    grammarNll -= Math.log(sentenceProbability(task.grammar, task.grammarWords, words, topic));
    tokens += words.length + 1;
    rows.set(encodePrompt(task, topic), r * T);
    words.forEach((w, i) => (rows[r * T + PROMPT_LENGTH + i] = tokenOf(task, w)));
    rows[r * T + PROMPT_LENGTH + words.length] = SPECIAL.eos;
  }
  return { rows, T, grammarNll, tokens };
}

const rateGap = (a: Rates, b: Rates): number =>
  Math.max(...a.criterionMeans.map((m, k) => Math.abs(m - b.criterionMeans[k])));

/** The stream of a task's held-out sentences (tests rebuild the same sentences from it). */
export const heldOutRng = (task: Task, seed: number): Rng => new Rng(seed, `zoo:${task.id}:held-out`);

export interface TrainBaseOptions {
  target?: ZooTarget;
  schedule?: SizeSchedule;
  /** Seed of the zoo (initialisation, data, checks); one per task and size is derived from it. */
  seed?: number;
  /**
   * A further bound on the gap before training stops (the task's smaller sizes' gap), so that a
   * larger policy is at least as good on held-out prompts as every smaller one. `reached` still
   * means the shared target.
   */
  atMostGap?: number;
  onCheck?: (line: string) => void;
}

/** Train a base policy for `task` x `size` to the target; returns its weights and figures. */
export async function trainBase(
  task: Task,
  size: PolicySize,
  opts: TrainBaseOptions = {},
): Promise<{ bytes: Uint8Array; layout: TensorLayout[]; figures: ZooFigures }> {
  const target = opts.target ?? ZOO_TARGET;
  const schedule = opts.schedule ?? ZOO_SCHEDULES[size];
  const seed = opts.seed ?? 1;
  const stopGap = Math.min(target.maxGap, opts.atMostGap ?? Infinity);
  const stream = (purpose: string): Rng => new Rng(seed, `zoo:${task.id}:${size}:${purpose}`);
  const t0 = Date.now();
  const policy: Policy = createPolicy(
    { size, vocabSize: vocabularyOf(task).length, maxLen: PROMPT_LENGTH + task.maxNew },
    stream('init'),
  );
  // The same held-out sentences and base rates for every size of a task, so sizes compare directly.
  const held = heldOutSet(task, heldOutRng(task, seed), ZOO_EVAL.sentences);
  const entropy = held.grammarNll / held.tokens;
  const base = corpusRates(
    task,
    task.topics.heldOut,
    new Rng(seed, `zoo:${task.id}:base-rates`),
    ZOO_EVAL.corpusSentences,
  );
  const data = stream('corpus');
  const batches = stream('batches');
  const optimizer = createAdam(schedule.lr);
  let lr = schedule.lr;
  let steps = 0;
  let best = Infinity;
  let stale = 0;
  let loss = NaN;
  let step0: Rates | null = null;
  const lossCurve: ZooFigures['lossCurve'] = [];
  try {
    while (steps < schedule.maxSteps) {
      // Fresh sentences for every chunk: the policy never sees the same corpus twice, so a larger
      // policy cannot do worse by memorising it.
      const corpus = buildCorpus(task, data, schedule.checkEvery * schedule.batchSize);
      await warmStart(policy, corpus, {
        steps: schedule.checkEvery,
        batchSize: schedule.batchSize,
        lr,
        rng: batches,
        optimizer,
        reads: 1,
      });
      steps += schedule.checkEvery;
      loss = await corpusLoss(policy, held.rows, held.T);
      const gap = loss - entropy;
      lossCurve.push({ step: steps, gap, lr });
      opts.onCheck?.(
        `${task.id}/${size} step ${steps}: loss ${loss.toFixed(4)} entropy ${entropy.toFixed(4)} gap ${gap.toFixed(4)} lr ${lr}`,
      );
      if (gap <= stopGap) {
        step0 = await policyRates(policy, task, ZOO_EVAL.samplesPerTopic, stream(`step0:${steps}`));
        const off = rateGap(step0, base);
        opts.onCheck?.(`${task.id}/${size} step ${steps}: largest rate gap ${off.toFixed(3)}`);
        if (off <= target.rateTolerance) break;
      }
      stale = gap > best - MIN_GAIN ? stale + 1 : 0;
      if (stale >= PATIENCE) {
        lr = Math.max(lr / 2, schedule.lr / 64);
        stale = 0;
      }
      best = Math.min(best, gap);
    }
    step0 ??= await policyRates(policy, task, ZOO_EVAL.samplesPerTopic, stream(`step0:${steps}`));
    const gap = loss - entropy;
    const { bytes, layout } = encodeWeights(await getWeights(policy));
    const shipped = createPolicy(policy.config, stream('init'));
    let shippedLoss: number;
    let drift: number;
    try {
      setWeights(shipped, decodeWeights(bytes, layout));
      shippedLoss = await corpusLoss(shipped, held.rows, held.T);
      drift = await maxLogProbChange(policy, shipped, held.rows, held.T);
    } finally {
      disposePolicy(shipped);
    }
    const figures: ZooFigures = {
      task: task.id,
      size,
      steps,
      seconds: (Date.now() - t0) / 1000,
      loss,
      entropy,
      gap,
      reached: gap <= target.maxGap && rateGap(step0, base) <= target.rateTolerance,
      criteria: base.ids,
      step0: step0.criterionMeans,
      base: base.criterionMeans,
      step0RubricScore: step0.rubricScore,
      baseRubricScore: base.rubricScore,
      step0AllPass: step0.allPassRate,
      shippedLoss,
      maxLogProbChange: drift,
      lossCurve,
    };
    return { bytes, layout, figures };
  } finally {
    disposeAdam(optimizer);
    disposePolicy(policy);
  }
}
