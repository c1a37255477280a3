import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import {
  clonePolicy,
  disposePolicy,
  getWeights,
  samplePolicy,
  setWeights,
  tokenLogProbs,
} from '../../../src/core/policy';
import {
  GRPO_DEFAULTS,
  createGrpoOptimizer,
  generatedMask,
  getOptimizerState,
  grpoLoss,
  grpoUpdate,
  setLearningRate,
  setOptimizerState,
} from '../../../src/core/train/grpo';
import { Rng } from '../../../src/core/random/rng';
import { MAX_NEW, P, prompts, tinyPolicy } from '../policy/helpers';

beforeAll(async () => {
  await useBackend('cpu');
});

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

describe('grpoLoss on hand-made numbers', () => {
  // Rollout 0 generated 2 tokens (positions 1, 2), rollout 1 one token (position 1).
  const logp = [
    [-1.0, -0.5, -2.0],
    [-0.3, -1.2, -0.7],
  ];
  const logpOld = [
    [-1.1, -0.5, -1.0],
    [-0.3, -0.9, -0.7],
  ];
  const logpRef = [
    [-1.0, -0.7, -2.0],
    [-0.5, -1.2, -0.7],
  ];
  const mask = [
    [0, 1, 1],
    [0, 1, 0],
  ];
  const entropy = [
    [5, 1, 2],
    [3, 4, 6],
  ];
  const adv = [1.5, -2.0];

  it('clipped surrogate, clip fraction, k3 KL, entropy and loss', async () => {
    const opts = { epsClip: 0.2, betaKL: 0.1, entCoef: 0.01 };
    const terms = tf.tidy(() => {
      const t = grpoLoss(
        tf.tensor2d(logp),
        tf.tensor2d(logpOld),
        tf.tensor2d(logpRef),
        tf.tensor1d(adv),
        tf.tensor2d(mask),
        opts,
        tf.tensor2d(entropy),
      );
      return tf.stack([t.loss, t.clipLoss, t.kl, t.entropy, t.clipFraction]);
    });
    const [loss, clipLoss, kl, ent, clipFraction] = await terms.data();
    terms.dispose();
    // Rollout 0: ratios 1 and e^-1 (unclipped is the smaller, A > 0): (1.5 + 1.5 e^-1) / 2.
    // Rollout 1: ratio e^-0.3 = 0.7408 < 0.8 with A < 0: the clipped term 0.8 * -2 wins.
    const r0 = (1.5 + 1.5 * Math.exp(-1)) / 2;
    const r1 = -1.6;
    const expectedClip = -(r0 + r1) / 2;
    expect(round(expectedClip)).toBe(0.287045);
    expect(clipLoss).toBeCloseTo(expectedClip, 5);
    expect(clipFraction).toBeCloseTo(1 / 3, 6);
    // k3 at the three valid tokens: lr = -0.2, 0, 0.
    const expectedKl = (Math.exp(-0.2) + 0.2 - 1) / 3;
    expect(kl).toBeCloseTo(expectedKl, 6);
    expect(ent).toBeCloseTo(7 / 3, 5);
    expect(loss).toBeCloseTo(expectedClip + 0.1 * expectedKl - 0.01 * (7 / 3), 5);
  });

  it('ignores masked positions even when their log-probabilities are extreme', async () => {
    const wild = logp.map((row, n) => row.map((x, j) => (mask[n][j] ? x : -1e4)));
    const out = tf.tidy(() => {
      const t = grpoLoss(
        tf.tensor2d(wild),
        tf.tensor2d(logpOld),
        tf.tensor2d(logpRef),
        tf.tensor1d(adv),
        tf.tensor2d(mask),
        { epsClip: 0.2, betaKL: 0.1, entCoef: 0 },
      );
      return tf.stack([t.loss, t.kl]);
    });
    const [loss, kl] = await out.data();
    out.dispose();
    expect(Number.isFinite(loss)).toBe(true);
    expect(kl).toBeCloseTo((Math.exp(-0.2) + 0.2 - 1) / 3, 6);
  });
});

async function batch(seed: number, B = 2, G = 4) {
  const policy = tinyPolicy(seed);
  const rng = new Rng(seed, 'sampling');
  const rollouts = await samplePolicy(policy, prompts(B), B, P, G, MAX_NEW, 1, rng);
  const advantages = Float32Array.from({ length: rollouts.N }, () => rng.normal());
  return { policy, rollouts, advantages, rng };
}

describe('grpoUpdate', () => {
  it('mu = 1 is REINFORCE with the group baseline: same gradient as -(1/N) sum A_n (1/T_n) sum_t logp', async () => {
    const { policy, rollouts, advantages } = await batch(31);
    const { N, T } = rollouts;
    const vars = policy.params.map((p) => p.variable);
    const [gClip, gReinforce] = tf.tidy(() => {
      const tokens = tf.tensor2d(rollouts.tokens, [N, T], 'int32');
      const mask = tf.tensor2d(generatedMask(rollouts), [N, T - 1]);
      const adv = tf.tensor1d(advantages);
      const logpOld = tokenLogProbs(policy, tokens);
      const clip = tf.variableGrads(
        () => grpoLoss(tokenLogProbs(policy, tokens), logpOld, null, adv, mask, GRPO_DEFAULTS).loss,
        vars,
      ).grads;
      const reinforce = tf.variableGrads(() => {
        const perRollout = tf.sum(tokenLogProbs(policy, tokens).mul(mask), 1).div(tf.sum(mask, 1));
        return tf.neg(tf.mean(perRollout.mul(adv))) as tf.Scalar;
      }, vars).grads;
      return [vars.map((v) => clip[v.name]), vars.map((v) => reinforce[v.name])];
    });
    let maxAbs = 0;
    for (let i = 0; i < vars.length; i++) {
      const [a, b] = await Promise.all([gClip[i].data(), gReinforce[i].data()]);
      for (let j = 0; j < a.length; j++) {
        expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-6 + 1e-4 * Math.abs(b[j]));
        maxAbs = Math.max(maxAbs, Math.abs(b[j]));
      }
    }
    expect(maxAbs).toBeGreaterThan(0);
    tf.dispose([...gClip, ...gReinforce]);

    // And the update itself reports clipLoss = -mean(A), nothing clipped, zero KL to itself.
    const ref = clonePolicy(policy);
    const opt = createGrpoOptimizer(1e-3);
    const stats = await grpoUpdate(policy, ref, opt, { rollouts, advantages }, { ...GRPO_DEFAULTS, mu: 1 });
    const meanA = advantages.reduce((s, a) => s + a, 0) / N;
    expect(stats.clipLoss).toBeCloseTo(-meanA, 5);
    expect(stats.clipFraction).toBe(0);
    expect(stats.kl).toBeCloseTo(0, 7);
    expect(stats.gradNorm).toBeGreaterThan(0);
    [policy, ref].forEach(disposePolicy);
    opt.dispose();
  });

  it('mu > 1 moves the ratio: later passes clip, KL grows', async () => {
    const { policy, rollouts, advantages } = await batch(32);
    const ref = clonePolicy(policy);
    const opt = createGrpoOptimizer(0.05);
    const stats = await grpoUpdate(policy, ref, opt, { rollouts, advantages }, { ...GRPO_DEFAULTS, mu: 4 });
    expect(stats.kl).toBeGreaterThan(0);
    expect(stats.clipFraction).toBeGreaterThan(0);
    [policy, ref].forEach(disposePolicy);
    opt.dispose();
  });

  it('checkpoint: weights + optimizer state restored into fresh objects give an identical next update', async () => {
    const { policy, rng } = await batch(33);
    const ref = clonePolicy(policy);
    const opt = createGrpoOptimizer(0.01);
    const step = async (p = policy, o = opt, r = new Rng(0)) => {
      const ro = await samplePolicy(p, prompts(2), 2, P, 4, MAX_NEW, 1, r);
      const advantages = Float32Array.from({ length: ro.N }, () => r.normal());
      return grpoUpdate(p, ref, o, { rollouts: ro, advantages }, GRPO_DEFAULTS);
    };
    await step(policy, opt, rng);
    await step(policy, opt, rng);
    const weights = await getWeights(policy);
    const state = await getOptimizerState(opt);
    expect(state.step).toBe(4); // mu = 2 Adam steps per update
    const first = await step(policy, opt, new Rng(99));
    const after = await getWeights(policy);

    const restored = tinyPolicy(1234);
    setWeights(restored, weights);
    const opt2 = createGrpoOptimizer(0.5); // lr comes back from the state
    setOptimizerState(opt2, state);
    const second = await step(restored, opt2, new Rng(99));
    expect(second).toEqual(first);
    (await getWeights(restored)).forEach((w, i) => expect(w.values).toEqual(after[i].values));

    // A live learning-rate edit takes effect at the next step.
    setLearningRate(opt2, 0);
    const frozen = await getWeights(restored);
    await step(restored, opt2, new Rng(5));
    (await getWeights(restored)).forEach((w, i) => expect(w.values).toEqual(frozen[i].values));
    [policy, ref, restored].forEach(disposePolicy);
    opt.dispose();
    opt2.dispose();
  });

  it('leaks no tensors over 200 sample + update steps', async () => {
    const { policy } = await batch(34);
    const ref = clonePolicy(policy);
    const opt = createGrpoOptimizer(1e-3);
    const rng = new Rng(3);
    const opts = { ...GRPO_DEFAULTS, mu: 1 };
    let afterFew = 0;
    for (let i = 0; i < 200; i++) {
      const ro = await samplePolicy(policy, prompts(2), 2, P, 2, MAX_NEW, 1, rng);
      const advantages = Float32Array.from({ length: ro.N }, () => rng.normal());
      const stats = await grpoUpdate(policy, ref, opt, { rollouts: ro, advantages }, opts);
      expect(Number.isFinite(stats.loss)).toBe(true);
      if (i === 2) afterFew = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFew);
    [policy, ref].forEach(disposePolicy);
    opt.dispose();
  });

  it('rejects a batch whose advantages do not match the rollouts', async () => {
    const { policy, rollouts } = await batch(35);
    const opt = createGrpoOptimizer(1e-3);
    await expect(
      grpoUpdate(policy, null, opt, { rollouts, advantages: [1, 2] }, GRPO_DEFAULTS),
    ).rejects.toThrow(/advantages/);
    await expect(
      grpoUpdate(
        policy,
        null,
        opt,
        { rollouts, advantages: new Float32Array(rollouts.N).fill(NaN) },
        GRPO_DEFAULTS,
      ),
    ).rejects.toThrow(/advantage 0/);
    disposePolicy(policy);
    opt.dispose();
  });
});
