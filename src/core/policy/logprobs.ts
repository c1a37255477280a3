/**
 * Log-probabilities of the tokens a sequence actually contains, under a policy: the quantity the
 * update's ratio, KL and the warm start's loss are built from.
 */
import * as tf from '@tensorflow/tfjs';
import type { Policy } from './model';
import { floatOneHot } from './one-hot';

export interface TokenLogProbs {
  /** [N, T-1]: entry (n, j) is log p(tokens[n, j+1] | tokens[n, <=j]). */
  logp: tf.Tensor2D;
  /** [N, T-1]: entropy of the next-token distribution at position j. */
  entropy: tf.Tensor2D;
}

/**
 * Log-probability and entropy of each next token. Pure: call inside tf.tidy or a gradient
 * function. `temperature` divides the logits (use the sampling temperature so that the update
 * scores the distribution the rollouts were drawn from). Entries outside the generated part are
 * meaningless (prompt and <pad> targets may sit near -1e4) and must be masked by the caller.
 */
export function tokenLogProbsAndEntropy(policy: Policy, tokens: tf.Tensor2D, temperature = 1): TokenLogProbs {
  const [n, t] = tokens.shape;
  const v = policy.config.vocabSize;
  const inputs = tokens.slice([0, 0], [n, t - 1]);
  const targets = tokens.slice([0, 1], [n, t - 1]);
  let logits: tf.Tensor3D = policy.logits(inputs);
  if (temperature !== 1) logits = logits.div(temperature);
  const logpAll = tf.logSoftmax(logits, -1);
  const logp = logpAll.mul(floatOneHot(targets, v)).sum(-1) as tf.Tensor2D;
  const entropy = tf.neg(tf.exp(logpAll).mul(logpAll).sum(-1)) as tf.Tensor2D;
  return { logp, entropy };
}

/** Log-probability of each next token, [N, T-1] (see {@link tokenLogProbsAndEntropy}). */
export function tokenLogProbs(policy: Policy, tokens: tf.Tensor2D, temperature = 1): tf.Tensor2D {
  const [n, t] = tokens.shape;
  const v = policy.config.vocabSize;
  let logits: tf.Tensor3D = policy.logits(tokens.slice([0, 0], [n, t - 1]));
  if (temperature !== 1) logits = logits.div(temperature);
  const targets = floatOneHot(tokens.slice([0, 1], [n, t - 1]), v);
  return tf.logSoftmax(logits, -1).mul(targets).sum(-1) as tf.Tensor2D;
}
