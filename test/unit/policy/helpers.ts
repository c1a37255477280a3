import { Rng } from '../../../src/core/random/rng';
import { createPolicy, type Policy, type PolicySize } from '../../../src/core/policy';
import { BOS, SEP } from '../../../src/core/policy/tokens';

export const V = 12;
export const P = 3;
export const MAX_NEW = 5;

export function tinyPolicy(seed = 1, size: PolicySize = 'small'): Policy {
  return createPolicy({ size, vocabSize: V, maxLen: P + MAX_NEW }, new Rng(seed, 'init'));
}

/** B prompts [bos, topic, sep] with topics 4, 5, ... */
export function prompts(B: number): Int32Array {
  const out = new Int32Array(B * P);
  for (let b = 0; b < B; b++) out.set([BOS, 4 + (b % (V - 4)), SEP], b * P);
  return out;
}
