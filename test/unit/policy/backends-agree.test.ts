/**
 * The wasm backend must compute what the cpu backend computes. A TF.js wasm kernel bug (OneHot
 * ignoring a float32 dtype) once zeroed the embedding and every log-probability on wasm only.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { createPolicy, tokenLogProbs } from '../../../src/core/policy';
import { floatOneHot } from '../../../src/core/policy/one-hot';
import { Rng } from '../../../src/core/random';

async function onBackend(backend: 'cpu' | 'wasm') {
  await useBackend(backend);
  const policy = createPolicy({ size: 'small', vocabSize: 20, maxLen: 6 }, new Rng(1, 'init'));
  const tokens = tf.tensor2d([1, 5, 2, 7, 9, 3, 1, 6, 2, 8, 3, 0], [2, 6], 'int32');
  const logp = tokenLogProbs(policy, tokens);
  const oneHot = floatOneHot(tf.tensor1d([2, 0, 1], 'int32'), 3);
  const out = { logp: Array.from(await logp.data()), oneHot: Array.from(await oneHot.data()) };
  tf.dispose([tokens, logp, oneHot, ...policy.params.map((p) => p.variable)]);
  return out;
}

describe('cpu and wasm backends', () => {
  afterAll(() => useBackend('cpu'));

  it('agree on one-hot rows and on token log-probabilities', async () => {
    const cpu = await onBackend('cpu');
    const wasm = await onBackend('wasm');
    expect(wasm.oneHot).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(cpu.oneHot).toEqual(wasm.oneHot);
    cpu.logp.forEach((x, i) => expect(wasm.logp[i]).toBeCloseTo(x, 2));
    // Not all zero: the bug made every log-probability -0.
    expect(Math.max(...wasm.logp.map(Math.abs))).toBeGreaterThan(1);
  });
});
