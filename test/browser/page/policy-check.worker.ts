/**
 * The policy check, inside a module worker like the trainer: a small policy from a fixed seed,
 * a short supervised warm start (forward, gradients, global-norm clip, Adam), then the token
 * log-probabilities of fixed corpus rows. Run on two backends, the results must agree.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { createPolicy, disposePolicy, outputMask, tokenLogProbs, warmStart } from '../../../src/core/policy';
import { randomStreams } from '../../../src/core/random';
import { getTask } from '../../../src/core/task';
import { buildCorpus, PROMPT_LENGTH, vocabularyOf } from '../../../src/core/task/tokenizer';
import { selectBackend } from '../../../workers/backend';

export type PolicyCheckBackend = 'cpu' | 'webgpu';

export interface PolicyCheckResult {
  /** The backend that ran (selection falls back when the one asked for fails). */
  backend: string;
  warmStartLosses: number[];
  /** [rows * (T-1)] token log-probabilities after the warm start. */
  logp: number[];
  /** [rows * (T-1)] 1 where a position counts (the generated part), else 0. */
  mask: number[];
}

export interface PolicyCheckApi {
  run(backend: PolicyCheckBackend): Promise<PolicyCheckResult>;
}

const SEED = 11;
const ROWS = 4;

const api: PolicyCheckApi = {
  async run(choice) {
    const { name } = await selectBackend(choice);
    const task = getTask('meadow');
    const T = PROMPT_LENGTH + task.maxNew;
    const streams = randomStreams(SEED);
    const policy = createPolicy(
      { size: 'small', vocabSize: vocabularyOf(task).length, maxLen: T },
      streams.init,
    );
    try {
      const corpus = buildCorpus(task, streams.corpus, 32);
      const { losses } = await warmStart(policy, corpus, {
        steps: 2,
        batchSize: 8,
        lr: 0.01,
        rng: streams.warmstart,
      });
      const rows = corpus.slice(0, ROWS * T);
      const logp = tf.tidy(() => tokenLogProbs(policy, tf.tensor2d(rows, [ROWS, T], 'int32')));
      const values = Array.from(await logp.data());
      logp.dispose();
      return {
        backend: name,
        warmStartLosses: losses,
        logp: values,
        mask: Array.from(outputMask(rows, ROWS, T)),
      };
    } finally {
      disposePolicy(policy);
    }
  },
};

Comlink.expose(api);
