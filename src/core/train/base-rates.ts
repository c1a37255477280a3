/**
 * Base rates of a rubric before any training: for each criterion, the pass rate and mean score on
 * the task's corpus (the sentences the starting policy learned from) and on samples of the
 * starting policy itself on the held-out prompts. A criterion met almost never or almost always
 * at the start is the imbalance a static sum struggles with; this shows it before a budget is
 * spent. Scores are exact (no simulated judge noise), as in evaluation.
 */
import type { ExperimentCore } from '../experiment/schema';
import { rubricOf } from '../experiment/resolve';
import { randomStreams } from '../random';
import { compileRubric } from '../rubric';
import type { DecodedRollout } from '../rubric/types';
import { getTask } from '../task';
import { buildCorpus, decodeRollout, PROMPT_LENGTH, sequenceLength, vocabularyOf } from '../task/tokenizer';
import { summariseScores } from '../rubric/summary';
import { createTrainer } from './trainer';
import type { TrainerHooks } from './types';

export interface Rates {
  /** One entry per criterion of the rubric, in rubric order; NaN for a criterion switched off. */
  pass: number[];
  mean: number[];
  allPass: number;
  /** Outputs scored. */
  count: number;
}

export interface BaseRates {
  ids: string[];
  names: string[];
  kinds: string[];
  weights: number[];
  enabled: boolean[];
  corpus: Rates;
  policy: Rates;
}

/** Rates over the enabled criteria (`ids`), spread over the rubric's positions. */
function spreadRates(
  all: readonly string[],
  ids: readonly string[],
  pass: readonly number[],
  mean: readonly number[],
): { pass: number[]; mean: number[] } {
  const at = (values: readonly number[], id: string) => {
    const k = ids.indexOf(id);
    return k < 0 ? Number.NaN : values[k];
  };
  return { pass: all.map((id) => at(pass, id)), mean: all.map((id) => at(mean, id)) };
}

/**
 * The corpus the warm start of `seed` trains on (`warmStart.corpusSize` grammar sentences about
 * every topic, from the seed's corpus stream), scored by the configuration's rubric.
 */
export function corpusRates(config: ExperimentCore, seed: number): Rates {
  const task = getTask(config.task);
  const rubric = rubricOf(config);
  const compiled = compileRubric(rubric, task.lexicon);
  const count = config.warmStart.corpusSize;
  const rows = buildCorpus(task, randomStreams(seed).corpus, count);
  const width = sequenceLength(task);
  const tokens = vocabularyOf(task);
  const decoded: DecodedRollout[] = [];
  for (let n = 0; n < count; n++) {
    const row = rows.subarray(n * width, (n + 1) * width);
    // A corpus row is `<bos> topic <sep>` then the sentence.
    decoded.push({ prompt: { topic: tokens[row[1]] }, ...decodeRollout(task, row, PROMPT_LENGTH) });
  }
  const summary = summariseScores(compiled.scoreBatch(decoded), count, compiled.ids.length, compiled.weights);
  const ids = rubric.criteria.map((c) => c.id);
  return {
    ...spreadRates(ids, compiled.ids, summary.criterionPassRates, summary.criterionMeans),
    allPass: summary.allPassRate,
    count,
  };
}

/**
 * Corpus rates, and the starting policy's rates on `samplesPerPrompt` samples per held-out prompt.
 * The starting policy is whatever `createTrainer` starts from (the warm start today).
 */
export async function baseRates(
  config: ExperimentCore,
  seed: number,
  samplesPerPrompt: number,
  hooks: TrainerHooks = {},
): Promise<BaseRates> {
  const rubric = rubricOf(config);
  const ids = rubric.criteria.map((c) => c.id);
  const corpus = corpusRates(config, seed);
  const trainer = await createTrainer(
    { ...config, eval: { ...config.eval, samples: samplesPerPrompt } },
    seed,
    hooks,
  );
  try {
    const evaluation = await trainer.evaluate();
    // The trainer reports by its own positions; at step 0 those are the rubric's criteria.
    const byId = (values: readonly number[] | undefined) =>
      ids.map((id) => {
        const k = trainer.criterionIds.indexOf(id);
        return k < 0 || !values ? Number.NaN : values[k];
      });
    return {
      ids,
      names: rubric.criteria.map((c) => c.name),
      kinds: rubric.criteria.map((c) => c.params.kind),
      weights: rubric.criteria.map((c) => c.weight),
      enabled: rubric.criteria.map((c) => c.enabled),
      corpus,
      policy: {
        pass: byId(evaluation.criterionPassRates),
        mean: byId(evaluation.criterionMeans),
        allPass: evaluation.allPassRate,
        count: evaluation.samples,
      },
    };
  } finally {
    trainer.dispose();
  }
}
