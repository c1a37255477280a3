/**
 * The fused wasm engine on several kernel threads (engine/wasm/threads.ts, Node worker threads
 * here as module workers in the page) is bit-identical to the engine on one: the same sampled
 * tokens, the same gradients, statistics, weights and Adam moments after updates, bit for bit.
 * Once with every call split however small (so that every split kernel and uneven cuts are
 * exercised), once with the engine's own thresholds on the benchmark's shapes.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { createPolicy, disposePolicy, getWeights, type WeightArray } from '../../../src/core/policy';
import { WasmFusedEngine } from '../../../src/core/engine/wasm/engine';
import {
  balancedParts,
  evenParts,
  type FusedWasmThreads,
  type KernelThread,
} from '../../../src/core/engine/wasm/threads';
import { Rng } from '../../../src/core/random';
import type { PolicySize } from '../../../src/core/policy/param-table';
import type { Rollouts } from '../../../src/core/policy/sample';
import { OPTS, jitter, randomRollouts, V, T as EQ_T, B as EQ_B, P, G as EQ_G, MAX_NEW } from './equivalence';

const live: Worker[] = [];

const spawn = (): KernelThread => {
  const worker = new Worker(new URL('./kernel-thread.child.mjs', import.meta.url));
  live.push(worker);
  return {
    start: (init) =>
      new Promise<void>((resolve, reject) => {
        worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
        worker.once('error', reject);
        worker.postMessage(init);
      }),
    terminate: () => void worker.terminate(),
  };
};

/** Bits of every float, so that -0 and 0, or two NaNs, compare as the memory holds them. */
const bits = (ws: readonly WeightArray[]) =>
  ws.map((w) => Array.from(new Uint32Array(w.values.buffer.slice(0))));
const floatBits = (x: Float32Array) => Array.from(new Uint32Array(Float32Array.from(x).buffer));

interface Trace {
  tokens: number[][];
  stats: unknown[];
  grads: number[][];
  logp: number[];
  weights: number[][];
  moments: number[][];
  threads: number;
}

/** Sampling (both temperatures), a gradient and two updates of `mu` passes, everything kept. */
async function trace(
  size: PolicySize,
  threads: FusedWasmThreads | undefined,
  shape: 'small' | 'bench',
): Promise<Trace> {
  const rng = new Rng(11, `threads:${size}`);
  const maxLen = EQ_T;
  const config = { size, vocabSize: V, maxLen };
  const policy = createPolicy(config, rng);
  const weights = jitter(await getWeights(policy), rng, 0.1);
  disposePolicy(policy);
  const engine = await WasmFusedEngine.create(config, { lr: 3e-3 }, threads);
  try {
    engine.setWeights('policy', weights);
    engine.setWeights('reference', jitter(weights, rng, 0.05));
    // The benchmark's batch: 8 prompts x 8 rollouts; the equivalence tests' otherwise.
    const [B, G] = shape === 'bench' ? [8, 8] : [EQ_B, EQ_G];
    const prompts = new Int32Array(B * P);
    for (let b = 0; b < B; b++) prompts.set([1, 4 + (b % (V - 4)), 2], b * P);
    const out: Trace = {
      tokens: [],
      stats: [],
      grads: [],
      logp: [],
      weights: [],
      moments: [],
      threads: engine.threads,
    };
    for (const temp of [1, 0]) {
      const r = await engine.sample(prompts, B, P, G, MAX_NEW, temp, new Rng(4, 'sampling'));
      out.tokens.push(Array.from(r.tokens));
    }
    const batches: Rollouts[] = [];
    if (shape === 'bench') {
      batches.push(await engine.sample(prompts, B, P, G, MAX_NEW, 1, new Rng(5, 'batch')));
      batches.push(await engine.sample(prompts, B, P, G, MAX_NEW, 1, new Rng(6, 'batch')));
    } else batches.push(randomRollouts(rng), randomRollouts(rng));
    const advantages = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const g = await engine.gradientOf({ rollouts: batches[0], advantages: advantages(batches[0].N) }, OPTS);
    out.grads = bits(g.grads);
    out.logp = floatBits(g.logp);
    for (const rollouts of batches)
      out.stats.push(await engine.update({ rollouts, advantages: advantages(rollouts.N) }, OPTS));
    out.weights = bits(await engine.getWeights('policy'));
    out.moments = bits((await engine.getOptimizerState()).moments);
    return out;
  } finally {
    engine.dispose();
  }
}

describe('the fused wasm engine on kernel threads', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(async () => {
    await Promise.all(live.map((w) => w.terminate()));
  });

  it('cuts work into even parts at multiples of the unit, and by cost', () => {
    expect(evenParts(100, 2, 8)).toEqual([
      [0, 56],
      [56, 100],
    ]);
    expect(evenParts(5, 4, 8)).toEqual([[0, 5]]);
    expect(evenParts(10, 3, 1)).toEqual([
      [0, 3],
      [3, 7],
      [7, 10],
    ]);
    expect(balancedParts([9, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2)).toEqual([
      [0, 1],
      [1, 10],
    ]);
    expect(balancedParts([1, 1, 1, 1], 2)).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  for (const [size, count] of [
    ['small', 2],
    ['medium', 3],
  ] as const)
    it(`is bit-identical to one thread with every call split (${size}, ${count} threads)`, async () => {
      const one = await trace(size, undefined, 'small');
      const many = await trace(size, { count, spawn, splitAll: true }, 'small');
      expect(one.threads).toBe(1);
      expect(many.threads).toBe(count);
      expect(many.tokens).toEqual(one.tokens);
      expect(many.logp).toEqual(one.logp);
      expect(many.grads).toEqual(one.grads);
      expect(many.stats).toEqual(one.stats);
      expect(many.weights).toEqual(one.weights);
      expect(many.moments).toEqual(one.moments);
    }, 120_000);

  it('is bit-identical with its own thresholds on 8 x 8 rollouts (medium, 2 threads)', async () => {
    const one = await trace('medium', undefined, 'bench');
    const two = await trace('medium', { count: 2, spawn }, 'bench');
    expect(two.threads).toBe(2);
    expect(two.tokens).toEqual(one.tokens);
    expect(two.grads).toEqual(one.grads);
    expect(two.stats).toEqual(one.stats);
    expect(two.weights).toEqual(one.weights);
    expect(two.moments).toEqual(one.moments);
  }, 120_000);
});
