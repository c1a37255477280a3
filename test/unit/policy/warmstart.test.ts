import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import {
  disposePolicy,
  outputMask,
  resetTransferStats,
  transferStats,
  warmStart,
} from '../../../src/core/policy';
import { BOS, EOS, SEP } from '../../../src/core/policy/tokens';
import { Rng } from '../../../src/core/random/rng';
import { MAX_NEW, P, tinyPolicy } from './helpers';

beforeAll(async () => {
  await useBackend('cpu');
});

const T = P + MAX_NEW;

/** Topic t (4..7) is always followed by the words t+4, t+4, <eos>. */
function corpus(rows: number, rng: Rng): Int32Array {
  const out = new Int32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    const topic = 4 + rng.int(4);
    out.set([BOS, topic, SEP, topic + 4, topic + 4, EOS], r * T);
  }
  return out;
}

describe('warmStart', () => {
  it('masks exactly the output tokens', () => {
    const row = Int32Array.from([BOS, 5, SEP, 9, 9, EOS, 0, 0]);
    expect(Array.from(outputMask(row, 1, T))).toEqual([0, 0, 1, 1, 1, 0, 0]);
  });

  it('lowers the loss on a tiny corpus, reading back only a few times', async () => {
    const policy = tinyPolicy(41);
    const progress: number[] = [];
    resetTransferStats();
    const { losses } = await warmStart(policy, corpus(64, new Rng(1)), {
      steps: 40,
      batchSize: 8,
      lr: 0.02,
      rng: new Rng(2),
      reads: 4,
      onProgress: (p) => progress.push(p),
    });
    expect(losses).toHaveLength(40);
    expect(transferStats().reads).toBe(4);
    expect(progress.at(-1)).toBe(1);
    const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(0.5 * head);
    disposePolicy(policy);
  });

  it('rejects a corpus whose rows do not fit', async () => {
    const policy = tinyPolicy(42);
    await expect(
      warmStart(policy, new Int32Array(T + 1), { steps: 1, batchSize: 1, lr: 0.01, rng: new Rng(0) }),
    ).rejects.toThrow(/multiple of T/);
    disposePolicy(policy);
  });
});
