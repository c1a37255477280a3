/**
 * The GRPO policy update of the numerical contract (docs/algorithms.md, "Policy update, evaluation
 * and reproducibility"): clipped surrogate averaged per rollout over its own generated tokens, k3
 * KL to a frozen reference, optional entropy bonus, Adam with a global gradient-norm clip, `mu`
 * passes over the same rollouts.
 */
import * as tf from '@tensorflow/tfjs';
import {
  clippedAdamStep,
  createAdam,
  getAdamState,
  setAdamState,
  setLearningRate,
  type AdamOptimizer,
  type AdamOptions,
  type AdamState,
} from '../policy/adam';
import { tokenLogProbs, tokenLogProbsAndEntropy } from '../policy/logprobs';
import type { Policy } from '../policy/model';
import type { Rollouts } from '../policy/sample';
import { readBack } from '../policy/transfer';

export type GrpoOptimizer = AdamOptimizer;
export type GrpoOptimizerState = AdamState;

/** Adam for the update. Its learning rate can be changed between steps with `setLearningRate`. */
export function createGrpoOptimizer(lr: number, opts?: AdamOptions): GrpoOptimizer {
  return createAdam(lr, opts);
}

export { setLearningRate, getAdamState as getOptimizerState, setAdamState as setOptimizerState };

export interface GrpoLossOptions {
  epsClip: number;
  betaKL: number;
  entCoef: number;
}

export interface GrpoOptions extends GrpoLossOptions {
  /** Passes over the same rollouts (>= 1). */
  mu: number;
  /** Global gradient-norm clip; <= 0 or Infinity disables it. */
  maxGradNorm: number;
  /** Temperature the rollouts were sampled at; all log-probabilities use it (default 1). */
  temperature?: number;
}

export const GRPO_DEFAULTS: Readonly<GrpoOptions> = {
  mu: 2,
  epsClip: 0.2,
  betaKL: 0.02,
  entCoef: 0,
  maxGradNorm: 1,
  temperature: 1,
};

export interface GrpoBatch {
  rollouts: Rollouts;
  /** [N] one advantage per rollout (from the aggregator). */
  advantages: ArrayLike<number>;
}

export interface GrpoStats {
  /** L = clipLoss + betaKL * kl - entCoef * entropy. */
  loss: number;
  clipLoss: number;
  /** Mean k3 KL to the reference over valid tokens. */
  kl: number;
  /** Mean next-token entropy over valid tokens. */
  entropy: number;
  /** Share of valid tokens where the clipped term is the smaller one (its gradient is cut). */
  clipFraction: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export interface GrpoLossTerms {
  loss: tf.Scalar;
  clipLoss: tf.Scalar;
  kl: tf.Scalar;
  entropy: tf.Scalar;
  clipFraction: tf.Scalar;
}

/**
 * [N, T-1] mask over predicted positions: entry (n, j) is 1 when token j+1 is one of rollout n's
 * generated tokens (its <eos> included). Prompt positions and <pad> never count.
 */
export function generatedMask(rollouts: Rollouts): Float32Array {
  const { N, T, P, lengths } = rollouts;
  const mask = new Float32Array(N * (T - 1));
  for (let n = 0; n < N; n++) mask.fill(1, n * (T - 1) + P - 1, n * (T - 1) + P - 1 + lengths[n]);
  return mask;
}

/** Largest |log ratio| fed to exp in the k3 estimator, so that a runaway policy gives a large, finite KL. */
const KL_LOG_RATIO_BOUND = 20;

/**
 * The loss of the numerical contract (docs/algorithms.md) on per-token tensors [N, T-1] (pure; call
 * inside tf.tidy or a gradient function). `logpRef` null means no reference (kl = 0); `entropy`
 * null means entropy = 0.
 */
export function grpoLoss(
  logp: tf.Tensor2D,
  logpOld: tf.Tensor2D,
  logpRef: tf.Tensor2D | null,
  advantages: tf.Tensor1D,
  mask: tf.Tensor2D,
  opts: GrpoLossOptions,
  entropy: tf.Tensor2D | null = null,
): GrpoLossTerms {
  const validTokens = tf.maximum(tf.sum(mask), 1);
  const tokensPerRollout = tf.maximum(tf.sum(mask, 1), 1); // T_n
  // Masked before exp: outside the generated part log-probabilities may be ~ -1e4.
  const ratio = tf.exp(logp.sub(logpOld).mul(mask));
  const a = advantages.expandDims(1);
  const unclipped = ratio.mul(a);
  const clipped = tf.clipByValue(ratio, 1 - opts.epsClip, 1 + opts.epsClip).mul(a);
  // Order matters: at a tie (ratio 1) tf.minimum sends the gradient to its first argument.
  const surrogate = tf.minimum(unclipped, clipped).mul(mask);
  const clipLoss = tf.neg(tf.mean(tf.sum(surrogate, 1).div(tokensPerRollout))) as tf.Scalar;
  const clipFraction = tf.sum(tf.less(clipped, unclipped).toFloat().mul(mask)).div(validTokens) as tf.Scalar;
  let kl = tf.scalar(0);
  if (logpRef) {
    const logRatio = tf.clipByValue(logpRef.sub(logp).mul(mask), -KL_LOG_RATIO_BOUND, KL_LOG_RATIO_BOUND);
    kl = tf.sum(tf.exp(logRatio).sub(logRatio).sub(1).mul(mask)).div(validTokens) as tf.Scalar;
  }
  const meanEntropy = entropy ? (tf.sum(entropy.mul(mask)).div(validTokens) as tf.Scalar) : tf.scalar(0);
  let loss = clipLoss;
  if (opts.betaKL !== 0) loss = loss.add(kl.mul(opts.betaKL));
  if (opts.entCoef !== 0) loss = loss.sub(meanEntropy.mul(opts.entCoef));
  return { loss, clipLoss, kl, entropy: meanEntropy, clipFraction };
}

/** Identity whose gradient is zero: the old policy's log-probabilities are constants of the loss. */
const stopGradient = tf.customGrad(((x: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
  save([]);
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D) => tf.Tensor2D;

/** Checks of a batch and the update's options, shared by every engine. */
export function validateBatch(batch: GrpoBatch, opts: GrpoOptions): void {
  const { rollouts, advantages } = batch;
  const { N, T, P } = rollouts;
  if (rollouts.tokens.length !== N * T)
    throw new Error(`grpoUpdate: tokens has ${rollouts.tokens.length} entries, expected N*T = ${N * T}`);
  if (rollouts.lengths.length !== N)
    throw new Error(`grpoUpdate: lengths has ${rollouts.lengths.length} entries, expected N = ${N}`);
  if (advantages.length !== N)
    throw new Error(`grpoUpdate: ${advantages.length} advantages for N = ${N} rollouts`);
  for (let n = 0; n < N; n++) {
    if (!Number.isFinite(advantages[n])) throw new Error(`grpoUpdate: advantage ${n} is ${advantages[n]}`);
    if (rollouts.lengths[n] < 1 || P + rollouts.lengths[n] > T)
      throw new Error(`grpoUpdate: rollout ${n} has length ${rollouts.lengths[n]}`);
  }
  if (!Number.isInteger(opts.mu) || opts.mu < 1)
    throw new Error(`grpoUpdate: mu must be an integer >= 1, got ${opts.mu}`);
  if (!(opts.epsClip >= 0)) throw new Error(`grpoUpdate: epsClip must be >= 0, got ${opts.epsClip}`);
}

function validate(policy: Policy, ref: Policy | null, batch: GrpoBatch, opts: GrpoOptions): void {
  validateBatch(batch, opts);
  if (ref && ref.config.vocabSize !== policy.config.vocabSize)
    throw new Error('grpoUpdate: reference and policy differ in vocabulary');
}

/**
 * One GRPO update on a batch of rollouts sampled by `policy` in its current state. The old and
 * reference log-probabilities are computed once, then `mu` passes of loss, gradient, clip and Adam
 * step follow. Returns the statistics averaged over the passes, read back in one transfer.
 * `ref` null skips the reference (kl reported as 0; betaKL must then be 0 to be meaningful).
 */
export async function grpoUpdate(
  policy: Policy,
  ref: Policy | null,
  optimizer: GrpoOptimizer,
  batch: GrpoBatch,
  opts: GrpoOptions,
): Promise<GrpoStats> {
  validate(policy, ref, batch, opts);
  const { rollouts } = batch;
  const { N, T } = rollouts;
  const temperature = opts.temperature ?? 1;
  const vars = policy.params.map((p) => p.variable);
  const tokens = tf.tensor2d(rollouts.tokens, [N, T], 'int32');
  const mask = tf.tensor2d(generatedMask(rollouts), [N, T - 1]);
  const advantages = tf.tensor1d(Float32Array.from(batch.advantages));
  // The reference's log-probabilities once per update; the sampling policy's come from the first
  // pass's own forward (same weights, so the same numbers, one forward pass fewer).
  let logpOld: tf.Tensor2D | null = null;
  const logpRef = ref ? tf.tidy(() => tokenLogProbs(ref, tokens, temperature)) : null;
  let statsSum: tf.Tensor1D | null = null;
  try {
    for (let pass = 0; pass < opts.mu; pass++) {
      const passStats = tf.tidy(() => {
        let aux: tf.Tensor1D | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const { logp, entropy } = tokenLogProbsAndEntropy(policy, tokens, temperature);
          if (!logpOld) logpOld = tf.keep(stopGradient(logp));
          const terms = grpoLoss(logp, logpOld, logpRef, advantages, mask, opts, entropy);
          // Kept past the gradient's own tidy; disposed below.
          aux = tf.keep(
            tf.stack([terms.clipLoss, terms.kl, terms.entropy, terms.clipFraction]) as tf.Tensor1D,
          );
          return terms.loss;
        }, vars);
        const g = vars.map((v) => grads[v.name]);
        const norm = clippedAdamStep(optimizer, policy.params, g, opts.maxGradNorm);
        const stats = tf.concat([value.reshape([1]), aux!, norm.reshape([1])]) as tf.Tensor1D;
        aux!.dispose();
        return statsSum ? (statsSum.add(stats) as tf.Tensor1D) : stats;
      });
      statsSum?.dispose();
      statsSum = passStats;
    }
    const s = await readBack(statsSum!);
    const m = 1 / opts.mu;
    return {
      loss: s[0] * m,
      clipLoss: s[1] * m,
      kl: s[2] * m,
      entropy: s[3] * m,
      clipFraction: s[4] * m,
      gradNorm: s[5] * m,
    };
  } finally {
    tf.dispose([tokens, mask, advantages]);
    if (logpOld) (logpOld as tf.Tensor2D).dispose();
    if (logpRef) logpRef.dispose();
    statsSum?.dispose();
  }
}
