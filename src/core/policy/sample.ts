/**
 * Batched sampling of rollouts: all N = B*G rollouts advance together, one token per step, with a
 * key/value cache. Gumbel-max with noise drawn from the seeded Rng on the CPU and uploaded once;
 * argmax and the <eos>/<pad> bookkeeping stay on the device; one read back at the end.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import { decodeStep, prefill, type Policy } from './model';
import { EOS, PAD } from './tokens';
import { readBack } from './transfer';

/** Sampled sequences, row n = prompt b = floor(n / G), member g = n % G of its group. */
export interface Rollouts {
  /** [N * T] row-major: the prompt (P tokens), then generated tokens, <pad> after <eos>. */
  tokens: Int32Array;
  /** [N]: generated tokens per rollout, <eos> included (maxNew when cut without <eos>). */
  lengths: Int32Array;
  N: number;
  /** P + maxNew. */
  T: number;
  P: number;
}

/**
 * Gumbel-max: argmax(logits + temperature * gumbel) ~ softmax(logits / temperature), row by row.
 * logits and gumbel [N, V] float32; returns int32 [N].
 */
export function gumbelMaxSample(logits: tf.Tensor2D, gumbel: tf.Tensor2D, temperature = 1): tf.Tensor1D {
  const noise = temperature === 1 ? gumbel : gumbel.mul(temperature);
  return tf.argMax(logits.add(noise), 1) as tf.Tensor1D;
}

/** Checks of samplePolicy's arguments, shared by every engine. */
export function validateSampling(
  config: { vocabSize: number; maxLen: number },
  prompts: Int32Array,
  B: number,
  P: number,
  G: number,
  maxNew: number,
  temperature: number,
): void {
  const ints = { B, P, G, maxNew };
  for (const [k, v] of Object.entries(ints)) {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`samplePolicy: ${k} must be a positive integer, got ${v}`);
  }
  if (prompts.length !== B * P) {
    throw new Error(`samplePolicy: prompts has ${prompts.length} tokens, expected B*P = ${B * P}`);
  }
  if (P + maxNew > config.maxLen) {
    throw new Error(`samplePolicy: P + maxNew = ${P + maxNew} exceeds the policy's maxLen ${config.maxLen}`);
  }
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new Error(`samplePolicy: temperature must be finite and >= 0, got ${temperature}`);
  }
  const v = config.vocabSize;
  for (let i = 0; i < prompts.length; i++) {
    if (prompts[i] < 0 || prompts[i] >= v)
      throw new Error(`samplePolicy: prompt token ${prompts[i]} outside [0, ${v})`);
  }
}

/**
 * Sample G rollouts for each of B prompts (`prompts`: [B * P] row-major), rollout n = b * G + g.
 * `temperature` > 0 samples from softmax(logits / temperature); 0 is greedy and draws no noise.
 * Draws N * maxNew * V Gumbel values from `rng`, uploads them once, and reads the tokens back once.
 */
export async function samplePolicy(
  policy: Policy,
  prompts: Int32Array,
  B: number,
  P: number,
  G: number,
  maxNew: number,
  temperature: number,
  rng: Rng,
): Promise<Rollouts> {
  validateSampling(policy.config, prompts, B, P, G, maxNew, temperature);
  const N = B * G;
  const T = P + maxNew;
  const V = policy.config.vocabSize;
  const expanded = expandPrompts(prompts, G, P, P, new Int32Array(N * P));
  const noise = samplingNoise(rng, maxNew, N, V, temperature);
  const sequences = tf.tidy(() => {
    const promptTokens = tf.tensor2d(expanded, [N, P], 'int32');
    const gumbel = noise ? tf.tensor3d(noise, [maxNew, N, V]) : null;
    const pad = tf.fill([N], PAD, 'int32') as tf.Tensor1D;
    let { logits, cache } = prefill(policy, promptTokens);
    let done = tf.zeros([N], 'bool') as tf.Tensor1D;
    const generated: tf.Tensor1D[] = [];
    for (let s = 0; s < maxNew; s++) {
      const z = gumbel ? logits.add(gumbel.slice([s, 0, 0], [1, N, V]).reshape([N, V])) : logits;
      const token = tf.where(done, pad, tf.argMax(z, 1)) as tf.Tensor1D;
      generated.push(token);
      done = tf.logicalOr(done, tf.equal(token, EOS)) as tf.Tensor1D;
      if (s + 1 < maxNew) ({ logits, cache } = decodeStep(policy, token, P + s, cache));
    }
    return tf.concat([promptTokens, tf.stack(generated, 1) as tf.Tensor2D], 1);
  });
  const tokens = (await readBack(sequences)) as Int32Array;
  sequences.dispose();
  return { tokens, lengths: rolloutLengths(tokens, N, P, maxNew), N, T, P };
}

/**
 * Each prompt [B * P] copied to the start of its G rollouts' rows (row n = b * G + g) of
 * `rowLength` tokens in `rows`, the rest of a row left as it is; returns `rows`.
 */
export function expandPrompts(
  prompts: Int32Array,
  G: number,
  P: number,
  rowLength: number,
  rows: Int32Array,
): Int32Array {
  const N = (prompts.length / P) * G;
  for (let n = 0; n < N; n++) {
    const b = Math.floor(n / G);
    rows.set(prompts.subarray(b * P, b * P + P), n * rowLength);
  }
  return rows;
}

/**
 * The Gumbel noise of one sampling call, shared by every engine so that a seed samples the same
 * tokens on each: layout [maxNew, N, V] (each step's slice contiguous), pre-scaled by the
 * temperature; null when greedy (no draws, so the stream does not move).
 */
export function samplingNoise(
  rng: Rng,
  maxNew: number,
  N: number,
  V: number,
  temperature: number,
): Float32Array | null {
  if (!(temperature > 0)) return null;
  const noise = rng.gumbelArray(maxNew * N * V);
  if (temperature !== 1) for (let i = 0; i < noise.length; i++) noise[i] *= temperature;
  return noise;
}

/** Generated tokens per rollout, <eos> included (maxNew when cut without one), of rows [N, P + maxNew]. */
export function rolloutLengths(tokens: Int32Array, N: number, P: number, maxNew: number): Int32Array {
  const T = P + maxNew;
  const lengths = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let len = maxNew;
    for (let s = 0; s < maxNew; s++) {
      if (tokens[n * T + P + s] === EOS) {
        len = s + 1;
        break;
      }
    }
    lengths[n] = len;
  }
  return lengths;
}
