/**
 * Supervised warm start: next-token cross-entropy on the generated part of example sequences
 * (the prompt is given, never predicted), so that RL starts from a policy that writes the task's
 * format. The loss curve is kept on the device and read back in a few batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import { clippedAdamStep, createAdam, disposeAdam, type AdamOptimizer } from './adam';
import { tokenLogProbs } from './logprobs';
import type { Policy } from './model';
import { PAD, SEP } from './tokens';
import { readBack } from './transfer';

export interface WarmStartOptions {
  steps: number;
  batchSize: number;
  lr: number;
  /** Picks the batch rows; advanced by batchSize per step. */
  rng: Rng;
  /** Row length of the corpus (default: the policy's maxLen). */
  T?: number;
  /** Global gradient-norm clip (default 1; <= 0 disables). */
  maxGradNorm?: number;
  /** How many times the loss curve is read back over the run (default min(steps, 10)). */
  reads?: number;
  /**
   * An optimizer to continue with (its moments and step count carry over; `lr` is set on it); the
   * caller keeps and disposes it. Default: a fresh Adam, disposed at the end.
   */
  optimizer?: AdamOptimizer;
  /** Called after each read back with the fraction of steps done (0..1] and the losses so far. */
  onProgress?: (progress: number, losses: readonly number[]) => void;
}

/**
 * [rows, T-1] mask of the predicted positions that count: the tokens after the prompt's <sep>, up
 * to and including <eos>; never <pad>.
 */
export function outputMask(tokens: Int32Array, rows: number, T: number): Float32Array {
  const mask = new Float32Array(rows * (T - 1));
  for (let r = 0; r < rows; r++) {
    const row = tokens.subarray(r * T, r * T + T);
    const sep = row.indexOf(SEP);
    if (sep < 0) throw new Error(`warm start: corpus row ${r} has no <sep> ending its prompt`);
    for (let j = sep; j < T - 1; j++) if (row[j + 1] !== PAD) mask[r * (T - 1) + j] = 1;
  }
  return mask;
}

/**
 * Train `policy` in place on `corpus` ([count * T] row-major, rollout layout: prompt ending with
 * <sep>, output, <eos>, <pad>...). Returns the loss of every step (read back in a few batches).
 */
export async function warmStart(
  policy: Policy,
  corpus: Int32Array,
  opts: WarmStartOptions,
): Promise<{ losses: number[] }> {
  const T = opts.T ?? policy.config.maxLen;
  const count = corpus.length / T;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`warmStart: corpus length ${corpus.length} is not a multiple of T = ${T}`);
  if (T > policy.config.maxLen)
    throw new Error(`warmStart: T = ${T} exceeds the policy's maxLen ${policy.config.maxLen}`);
  const { steps, batchSize, lr, rng } = opts;
  if (!Number.isInteger(steps) || steps < 0)
    throw new Error(`warmStart: steps must be an integer >= 0, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`warmStart: batchSize must be a positive integer, got ${batchSize}`);
  const rowMasks = outputMask(corpus, count, T); // validates every row once
  const maxGradNorm = opts.maxGradNorm ?? 1;
  const reads = Math.max(1, Math.min(steps, opts.reads ?? 10));
  const optimizer = opts.optimizer ?? createAdam(lr);
  optimizer.lr = lr;
  const vars = policy.params.map((p) => p.variable);
  const losses: number[] = [];
  let pending: tf.Scalar[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    tf.dispose(pending);
    pending = [];
    losses.push(...(await readBack(stacked)));
    stacked.dispose();
    opts.onProgress?.(losses.length / steps, losses);
  };
  try {
    for (let step = 0; step < steps; step++) {
      const batch = new Int32Array(batchSize * T);
      const mask = new Float32Array(batchSize * (T - 1));
      for (let b = 0; b < batchSize; b++) {
        const row = rng.int(count);
        batch.set(corpus.subarray(row * T, row * T + T), b * T);
        mask.set(rowMasks.subarray(row * (T - 1), (row + 1) * (T - 1)), b * (T - 1));
      }
      const loss = tf.tidy(() => {
        const tokens = tf.tensor2d(batch, [batchSize, T], 'int32');
        const m = tf.tensor2d(mask, [batchSize, T - 1]);
        const { value, grads } = tf.variableGrads(() => {
          const logp = tokenLogProbs(policy, tokens);
          return tf.neg(tf.sum(logp.mul(m))).div(tf.maximum(tf.sum(m), 1)) as tf.Scalar;
        }, vars);
        const g = vars.map((v) => grads[v.name]);
        clippedAdamStep(optimizer, policy.params, g, maxGradNorm);
        return value;
      });
      pending.push(loss);
      // Read back at evenly spaced steps, the last step included.
      if (Math.floor(((step + 1) * reads) / steps) !== Math.floor((step * reads) / steps)) await flush();
    }
    await flush();
  } finally {
    tf.dispose(pending);
    if (!opts.optimizer) disposeAdam(optimizer);
  }
  return { losses };
}
