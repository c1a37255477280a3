/**
 * The fused CPU engine (engine/wasm) against the TF.js engine on the cpu backend, in this process,
 * at every policy size, with the fused WebGPU engine's tolerances: the log-probabilities, every
 * parameter's gradient (relative to the largest gradient of any tensor: the key bias's true
 * gradient is zero and holds only rounding noise), a whole update (mu = 2: statistics and the
 * parameters after it) and sampling with the same Gumbel noise. The same weights and batch as the
 * WebGPU engine's check (the seed `fused:<size>`). Of 20 other seeds tried at large
 * (`fused:large:<k>`), 3 miss 1e-4 after mu = 2 (2e-4 to 2e-3) and agree with mu = 1. Traced on two
 * (k = 16, 19): the whole miss sits in one hidden unit, its column of w1 and its bias (h1 unit 118,
 * h2 unit 68; a third of an Adam step), with every other entry of those tensors within 3e-5: in
 * the second pass one row's ReLU input lies within rounding of zero, the two float32 summation
 * orders put it on opposite sides, and that row's gradient passes the unit in one engine only.
 * Not a bug of either; this check keeps seeds whose ReLU inputs clear zero.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import {
  createPolicy,
  disposePolicy,
  getWeights,
  samplePolicy,
  setWeights,
  tokenLogProbs,
  type WeightArray,
} from '../../../src/core/policy';
import { WasmFusedEngine, instantiateKernels } from '../../../src/core/engine/wasm/engine';
import { createGrpoOptimizer, generatedMask, grpoLoss, grpoUpdate } from '../../../src/core/train/grpo';
import { tokenLogProbsAndEntropy } from '../../../src/core/policy/logprobs';
import { Rng } from '../../../src/core/random';
import type { PolicySize } from '../../../src/core/policy/param-table';
import { B, G, MAX_NEW, N, OPTS, P, T, V, jitter, randomRollouts, scaledError } from './equivalence';

async function compare(size: PolicySize): Promise<Record<string, number>> {
  const rng = new Rng(7, `fused:${size}`);
  const config = { size, vocabSize: V, maxLen: T };
  const policy = createPolicy(config, rng);
  const reference = createPolicy(config, rng);
  setWeights(policy, jitter(await getWeights(policy), rng, 0.1));
  setWeights(reference, jitter(await getWeights(policy), rng, 0.05));
  const engine = await WasmFusedEngine.create(config, { lr: 3e-3 });
  engine.setWeights('policy', await getWeights(policy));
  engine.setWeights('reference', await getWeights(reference));
  const batch = {
    rollouts: randomRollouts(rng),
    advantages: Float32Array.from({ length: N }, () => rng.normal()),
  };
  const mask = generatedMask(batch.rollouts);
  const out: Record<string, number> = {};

  const vars = policy.params.map((p) => p.variable);
  const [tokens, maskT, adv] = [
    tf.tensor2d(batch.rollouts.tokens, [N, T], 'int32'),
    tf.tensor2d(mask, [N, T - 1]),
    tf.tensor1d(batch.advantages),
  ];
  const temperature = OPTS.temperature!;
  const logpRef = tf.tidy(() => tokenLogProbs(reference, tokens, temperature));
  const logpTf = tf.tidy(() => tokenLogProbs(policy, tokens, temperature));
  const { grads } = tf.variableGrads(() => {
    const { logp, entropy } = tokenLogProbsAndEntropy(policy, tokens, temperature);
    return grpoLoss(logp, logpTf, logpRef, adv, maskT, OPTS, entropy).loss;
  }, vars);
  const mine = await engine.gradientOf(batch, OPTS);
  // Prompt targets sit near -1e4 / temperature: only the generated positions.
  const generated = (x: ArrayLike<number>) => Array.from(x).filter((_, i) => mask[i] > 0);
  out.logp = scaledError(generated(mine.logp), generated(await logpTf.data()));
  const theirs = await Promise.all(vars.map((v) => grads[v.name].data()));
  const largest = Math.max(...theirs.map((g) => Array.from(g).reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
  policy.params.forEach((p, i) => {
    let e = 0;
    theirs[i].forEach((x, j) => (e = Math.max(e, Math.abs(mine.grads[i].values[j] - x))));
    out[`grad ${p.name}`] = e / largest;
  });
  tf.dispose([...Object.values(grads), tokens, maskT, adv, logpRef, logpTf]);

  const optimizer = createGrpoOptimizer(3e-3);
  const tfStats = await grpoUpdate(policy, reference, optimizer, batch, OPTS);
  const stats = await engine.update(batch, OPTS);
  for (const k of Object.keys(tfStats) as (keyof typeof tfStats)[])
    out[`stat ${k}`] = Math.abs(stats[k] - tfStats[k]) / Math.max(Math.abs(tfStats[k]), 0.01);
  const flat = (ws: WeightArray[]) => ws.flatMap((w) => Array.from(w.values));
  out.paramsAfter = scaledError(flat(await engine.getWeights('policy')), flat(await getWeights(policy)));

  const prompts = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prompts.set([1, 4 + b, 2], b * P);
  for (const [key, temp] of [
    ['sampleAgreement', 1],
    ['greedyAgreement', 0],
  ] as const) {
    const a = await samplePolicy(policy, prompts, B, P, G, MAX_NEW, temp, new Rng(4, 'sampling'));
    const b = await engine.sample(prompts, B, P, G, MAX_NEW, temp, new Rng(4, 'sampling'));
    out[key] = a.tokens.filter((t, i) => t === b.tokens[i]).length / a.tokens.length;
  }
  optimizer.dispose();
  engine.dispose();
  disposePolicy(policy);
  disposePolicy(reference);
  return out;
}

describe('the fused wasm engine', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('computes exp and log to about 1e-7 relative', async () => {
    const k = (await instantiateKernels()) as unknown as Record<string, (x: number) => number>;
    const rng = new Rng(3, 'exp-log');
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = Math.fround(-87 + 175 * rng.next());
      const y = Math.fround(Math.exp(40 * rng.next() - 20));
      for (const [got, want] of [
        [k.exp_f32(x), Math.exp(x)],
        [k.exp4_f32(x), Math.exp(x)],
      ])
        worst = Math.max(worst, Math.abs(got - want) / want);
      for (const got of [k.log_f32(y), k.log_fast_f32(y), k.log4_f32(y)])
        worst = Math.max(worst, Math.abs(got - Math.log(y)) / Math.max(Math.abs(Math.log(y)), 1));
    }
    expect(worst).toBeLessThan(2.5e-7);
  });

  for (const size of ['small', 'medium', 'large'] as const)
    it(`matches TF.js autodiff and the TF.js step (${size})`, async () => {
      const r = await compare(size);
      const where = `${size}: ${JSON.stringify(r)}`;
      for (const [k, v] of Object.entries(r)) {
        if (k.endsWith('Agreement')) expect(v, where).toBeGreaterThan(0.97);
        else expect(v, `${size} ${k}: ${where}`).toBeLessThan(1e-4);
      }
    }, 300_000);
});
