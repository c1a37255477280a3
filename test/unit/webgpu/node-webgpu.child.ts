/**
 * Run by node-webgpu.test.ts in a child process that has the Vulkan environment (LD_LIBRARY_PATH
 * must be set before a process starts). Computes on cpu and then on webgpu (Dawn in Node): token
 * log-probabilities and sampled rollouts of one policy, then two RL steps on webgpu; prints one
 * JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, webgpuAdapter, type NodeBackend } from '../../../src/cli/backend-node';
import { createPolicy, disposePolicy, samplePolicy, tokenLogProbs } from '../../../src/core/policy';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import { createTrainer } from '../../../src/core/train/trainer';
import { Rng } from '../../../src/core/random';
import '../setup-zoo';

const V = 20;
const P = 3;
const MAX_NEW = 5;
const B = 4;
const G = 4;

/** Sample with fixed seeds, and score `scored` (or the samples) with token log-probabilities. */
async function onBackend(backend: NodeBackend, scored?: Int32Array) {
  await useBackend(backend);
  const policy = createPolicy({ size: 'small', vocabSize: V, maxLen: P + MAX_NEW }, new Rng(3, 'init'));
  const prompts = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prompts.set([1, 4 + b, 2], b * P);
  const rollouts = await samplePolicy(policy, prompts, B, P, G, MAX_NEW, 1, new Rng(4, 'sampling'));
  const tokens = tf.tensor2d(scored ?? rollouts.tokens, [rollouts.N, rollouts.T], 'int32');
  const logp = tokenLogProbs(policy, tokens);
  const out = { tokens: Array.from(rollouts.tokens), logp: Array.from(await logp.data()) };
  tf.dispose([tokens, logp]);
  disposePolicy(policy);
  return out;
}

const cpu = await onBackend('cpu');
const webgpu = await onBackend('webgpu', Int32Array.from(cpu.tokens));

const config = experimentCoreSchema.parse({
  task: 'meadow',
  model: { size: 'small' },
  method: { method: 'focal' },
  sampling: { groupSize: 2, promptsPerStep: 2 },
  warmStart: { steps: 0 },
});
const trainer = await createTrainer(config, 1);
const steps = [];
let tensorsAfterFirst = 0;
for (let i = 0; i < 2; i++) {
  const r = await trainer.step();
  if (i === 0) tensorsAfterFirst = tf.memory().numTensors;
  steps.push({ loss: r.loss, kl: r.kl, gradNorm: r.gradNorm, rubricScore: r.rubricScore });
}
const tensorsAfterLast = tf.memory().numTensors;
trainer.dispose();
console.log(
  JSON.stringify({
    backend: tf.getBackend(),
    adapter: webgpuAdapter(),
    cpu,
    webgpu,
    steps,
    tensorsAfterFirst,
    tensorsAfterLast,
  }),
);
