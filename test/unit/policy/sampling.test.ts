import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import {
  disposePolicy,
  gumbelMaxSample,
  tokenLogProbs,
  tokenLogProbsAndEntropy,
} from '../../../src/core/policy';
import { Rng } from '../../../src/core/random/rng';
import { P, V, tinyPolicy } from './helpers';

beforeAll(async () => {
  await useBackend('cpu');
});

function softmax(logits: number[], temperature: number): number[] {
  const z = logits.map((l) => l / temperature);
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe('Gumbel-max sampling', () => {
  for (const temperature of [1, 0.5, 2]) {
    it(`matches softmax(logits / ${temperature}) frequencies`, async () => {
      const logits = [2, 1, 0, -1, 0.5];
      const K = logits.length;
      const N = 20000;
      const rng = new Rng(42, `gumbel${temperature}`);
      const tokens = tf.tidy(() =>
        gumbelMaxSample(
          tf.tensor2d(logits, [1, K]).tile([N, 1]) as tf.Tensor2D,
          tf.tensor2d(rng.gumbelArray(N * K), [N, K]),
          temperature,
        ),
      );
      const drawn = await tokens.data();
      tokens.dispose();
      const counts = new Array<number>(K).fill(0);
      for (const t of drawn) counts[t]++;
      const p = softmax(logits, temperature);
      for (let k = 0; k < K; k++) {
        const sd = Math.sqrt((p[k] * (1 - p[k])) / N);
        expect(Math.abs(counts[k] / N - p[k])).toBeLessThan(4.5 * sd + 1e-9);
      }
    });
  }
});

describe('tokenLogProbs', () => {
  it('matches a log-softmax computed by hand from the logits, and the entropy too', async () => {
    const policy = tinyPolicy(21, 'medium');
    const N = 3;
    const T = P + 4;
    const rng = new Rng(5);
    const tokens = Int32Array.from({ length: N * T }, () => 3 + rng.int(V - 3));
    const [logits, logp, logpT, ent] = tf.tidy(() => {
      const t = tf.tensor2d(tokens, [N, T], 'int32');
      const both = tokenLogProbsAndEntropy(policy, t, 0.7);
      return [policy.logits(t), tokenLogProbs(policy, t), both.logp, both.entropy];
    });
    const [l, lp, lpT, e] = await Promise.all([logits.data(), logp.data(), logpT.data(), ent.data()]);
    tf.dispose([logits, logp, logpT, ent]);
    expect(logp.shape).toEqual([N, T - 1]);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < T - 1; j++) {
        const row = Array.from(l.subarray((n * T + j) * V, (n * T + j + 1) * V));
        const target = tokens[n * T + j + 1];
        for (const temperature of [1, 0.7]) {
          const p = softmax(row, temperature);
          const got = temperature === 1 ? lp[n * (T - 1) + j] : lpT[n * (T - 1) + j];
          expect(got).toBeCloseTo(Math.log(p[target]), 4);
          if (temperature === 0.7) {
            const h = -p.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0);
            expect(e[n * (T - 1) + j]).toBeCloseTo(h, 4);
          }
        }
        // Structural tokens are never emitted.
        expect(softmax(row, 1)[0]).toBe(0);
      }
    }
    disposePolicy(policy);
  });
});
