/**
 * Run by fused-webgpu.test.ts in a child process with the Vulkan environment (LD_LIBRARY_PATH must
 * be set before a process starts). For each policy size: the fused WebGPU engine against the TF.js
 * engine on the cpu backend, on the same weights, tokens and advantages: log-probabilities, the
 * gradient of every parameter, a whole update (mu = 2) and sampling. Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, webgpuAdapter } from '../../../src/cli/backend-node';
import {
  createPolicy,
  disposePolicy,
  getWeights,
  samplePolicy,
  setWeights,
  tokenLogProbs,
} from '../../../src/core/policy';
import { FusedWebgpuEngine } from '../../../src/core/engine/webgpu/engine';
import { createGrpoOptimizer, generatedMask, grpoLoss, grpoUpdate } from '../../../src/core/train/grpo';
import { tokenLogProbsAndEntropy } from '../../../src/core/policy/logprobs';
import { Rng } from '../../../src/core/random';
import type { PolicySize } from '../../../src/core/policy/param-table';
import { B, G, MAX_NEW, N, OPTS, P, T, V, jitter, randomRollouts, scaledError } from './equivalence';

const sizes = (process.argv[2] ?? 'small,medium,large').split(',') as PolicySize[];
await useBackend('webgpu');
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
const errors: string[] = [];
device.addEventListener('uncapturederror', (e) =>
  errors.push(String((e as GPUUncapturedErrorEvent).error.message)),
);
await useBackend('cpu');

const opts = OPTS;
const report: Record<string, Record<string, number>> = {};
for (const size of sizes) {
  const rng = new Rng(7, `fused:${size}`);
  const config = { size, vocabSize: V, maxLen: T };
  const policy = createPolicy(config, rng);
  const reference = createPolicy(config, rng);
  setWeights(policy, jitter(await getWeights(policy), rng, 0.1));
  setWeights(reference, jitter(await getWeights(policy), rng, 0.05));
  const engine = new FusedWebgpuEngine(device, config, { lr: 3e-3 });
  engine.setWeights('policy', await getWeights(policy));
  engine.setWeights('reference', await getWeights(reference));
  const rollouts = randomRollouts(rng);
  const advantages = Float32Array.from({ length: N }, () => rng.normal());
  const batch = { rollouts, advantages };

  // TF.js: log-probabilities and the first pass's gradient.
  const vars = policy.params.map((p) => p.variable);
  const tokens = tf.tensor2d(rollouts.tokens, [N, T], 'int32');
  const mask = tf.tensor2d(generatedMask(rollouts), [N, T - 1]);
  const adv = tf.tensor1d(advantages);
  const temperature = opts.temperature!;
  const logpRef = tf.tidy(() => tokenLogProbs(reference, tokens, temperature));
  const logpTf = tf.tidy(() => tokenLogProbs(policy, tokens, temperature));
  const { grads } = tf.variableGrads(() => {
    const { logp, entropy } = tokenLogProbsAndEntropy(policy, tokens, temperature);
    // The first pass: the old policy is the current one, a constant of the loss.
    return grpoLoss(logp, logpTf, logpRef, adv, mask, opts, entropy).loss;
  }, vars);
  const fused = await engine.gradientOf(batch, opts);
  const logpA = await logpTf.data();
  const maskData = generatedMask(rollouts);
  // Prompt targets sit near -1e4 / temperature: compare the generated positions.
  const gen = (x: ArrayLike<number>) => Array.from(x).filter((_, i) => maskData[i] > 0);
  const out: Record<string, number> = { logp: scaledError(gen(fused.logp), gen(logpA)) };
  // Each tensor's error relative to the largest gradient of any tensor: a tensor whose true
  // gradient is zero (the key bias: softmax ignores a constant shift) holds only rounding noise.
  const tfGrads = await Promise.all(vars.map((v) => grads[v.name].data()));
  let scale = 0;
  let sq = 0;
  let sqF = 0;
  for (const [i, g] of tfGrads.entries())
    for (let j = 0; j < g.length; j++) {
      scale = Math.max(scale, Math.abs(g[j]));
      sq += g[j] ** 2;
      sqF += fused.grads[i].values[j] ** 2;
    }
  out.tfNorm = Math.sqrt(sq);
  out.fusedNorm = Math.sqrt(sqF);
  let worstGrad = 0;
  for (const [i, p] of policy.params.entries()) {
    let e = 0;
    for (let j = 0; j < tfGrads[i].length; j++)
      e = Math.max(e, Math.abs(fused.grads[i].values[j] - tfGrads[i][j]));
    out[`grad ${p.name}`] = e / scale;
    worstGrad = Math.max(worstGrad, e / scale);
  }
  out.worstGrad = worstGrad;
  tf.dispose(Object.values(grads));

  // A whole update, mu = 2, from the same start.
  const optimizer = createGrpoOptimizer(3e-3);
  const tfStats = await grpoUpdate(policy, reference, optimizer, batch, opts);
  const fusedStats = await engine.update(batch, opts);
  for (const k of Object.keys(tfStats) as (keyof typeof tfStats)[])
    // Relative, with a floor of 0.01: the clip loss of the first pass is minus the mean advantage,
    // a sum of terms of order 1 that nearly cancels, so its relative error says nothing there.
    out[`stat ${k}`] = Math.abs(fusedStats[k] - tfStats[k]) / Math.max(Math.abs(tfStats[k]), 0.01);
  out.tfGradNormStat = tfStats.gradNorm;
  const after = await engine.getWeights('policy');
  const tfAfter = await getWeights(policy);
  out.paramsAfter = scaledError(
    after.flatMap((w) => Array.from(w.values)),
    tfAfter.flatMap((w) => Array.from(w.values)),
  );

  // Sampling: same weights, same noise.
  const prompts = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prompts.set([1, 4 + b, 2], b * P);
  const sTf = await samplePolicy(policy, prompts, B, P, G, MAX_NEW, 1, new Rng(4, 'sampling'));
  const sFused = await engine.sample(prompts, B, P, G, MAX_NEW, 1, new Rng(4, 'sampling'));
  out.sampleAgreement = sTf.tokens.filter((t, i) => t === sFused.tokens[i]).length / sTf.tokens.length;
  const gTf = await samplePolicy(policy, prompts, B, P, G, MAX_NEW, 0, new Rng(4, 'sampling'));
  const gFused = await engine.sample(prompts, B, P, G, MAX_NEW, 0, new Rng(4, 'sampling'));
  out.greedyAgreement = gTf.tokens.filter((t, i) => t === gFused.tokens[i]).length / gTf.tokens.length;
  out.dispatches = engine.dispatches();
  tf.dispose([tokens, mask, adv, logpRef, logpTf]);
  optimizer.dispose();
  engine.dispose();
  disposePolicy(policy);
  disposePolicy(reference);
  report[size] = out;
}
await device.queue.onSubmittedWorkDone();
console.log(JSON.stringify({ adapter: webgpuAdapter(), errors, report }));
