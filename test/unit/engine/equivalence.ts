/**
 * The one equivalence check both fused engines are held to (fused.child.ts for WebGPU,
 * fused-wasm.test.ts for wasm): the same shapes, loss settings, weights and batch per size, and
 * the same error measure.
 */
import type { WeightArray } from '../../../src/core/policy';
import type { Rollouts } from '../../../src/core/policy/sample';
import { EOS, PAD } from '../../../src/core/policy/tokens';
import type { Rng } from '../../../src/core/random';
import type { GrpoOptions } from '../../../src/core/train/grpo';

export const V = 23;
export const P = 3;
export const MAX_NEW = 9;
export const T = P + MAX_NEW;
// N (T - 1) = 264 rows: enough for the WebGPU weight gradients to take the split-K path.
export const B = 6;
export const G = 4;
export const N = B * G;

/** Every term of the loss on, and a temperature, so that each has a gradient to get right. */
export const OPTS: GrpoOptions = {
  mu: 2,
  epsClip: 0.2,
  betaKL: 0.05,
  entCoef: 0.01,
  maxGradNorm: 1,
  temperature: 0.9,
};

/** max |a - b| / max |b|: the error relative to the tensor's scale. */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Weights with every tensor perturbed, so that gains and biases are not 1 and 0. */
export function jitter(weights: WeightArray[], rng: Rng, scale: number): WeightArray[] {
  return weights.map((w) => ({ ...w, values: w.values.map((v) => v + scale * rng.normal()) }));
}

/** Prompt [bos, word, sep], then words of random length ending in eos (or cut at MAX_NEW), pad. */
export function randomRollouts(rng: Rng): Rollouts {
  const tokens = new Int32Array(N * T);
  const lengths = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    const row = n * T;
    tokens.set([1, 4 + rng.int(V - 4), 2], row);
    const len = 1 + rng.int(MAX_NEW);
    lengths[n] = len;
    for (let s = 0; s < MAX_NEW; s++) {
      let t = PAD;
      if (s < len - 1) t = 3 + rng.int(V - 3);
      else if (s === len - 1) t = len < MAX_NEW ? EOS : 5;
      tokens[row + P + s] = t;
    }
  }
  return { tokens, lengths, N, T, P };
}
