/**
 * Run by fused-webgpu.test.ts in a child process with the Vulkan environment. The trainer on the
 * fused WebGPU engine: it trains, its GPU buffers stay flat over many steps, checkpoints move between
 * it and the TF.js engine in both directions (the next step then agrees), and a fixed experiment
 * ends near the TF.js engine's held-out score. Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/cli/backend-node';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import { createTrainer } from '../../../src/core/train/trainer';
import type { MetricRecord } from '../../../src/core/records/types';
import type { RunTrainer } from '../../../src/core/train/types';
import '../setup-zoo';

const flatSteps = Number(process.argv[2] ?? 1000);
const longSteps = Number(process.argv[3] ?? 100);

await useBackend('webgpu');
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
let created = 0;
const createBuffer = device.createBuffer.bind(device);
device.createBuffer = (descriptor) => {
  created++;
  return createBuffer(descriptor);
};
const errors: string[] = [];
device.addEventListener('uncapturederror', (e) =>
  errors.push(String((e as GPUUncapturedErrorEvent).error.message)),
);

const config = experimentCoreSchema.parse({
  task: 'meadow',
  model: { size: 'small' },
  method: { method: 'focal' },
  sampling: { groupSize: 4, promptsPerStep: 2 },
  eval: { samples: 4 },
});

async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  await useBackend('cpu');
  try {
    return await f();
  } finally {
    await useBackend('webgpu');
  }
}

const log = (m: string) => console.error(`[trainer.child ${(performance.now() / 1000).toFixed(1)}s] ${m}`);
const fused = await createTrainer(config, 1);
log('created');
const first = await fused.step();
// Everything that builds a plan or a staging buffer once: an evaluation, the weight views, a checkpoint.
await fused.evaluate();
await fused.weights();
await fused.checkpoint();
const buffersAfterFirst = created;
const t0 = performance.now();
let last: MetricRecord = first;
for (let i = 1; i < flatSteps; i++) last = await fused.step();
const msPerStep = (performance.now() - t0) / Math.max(flatSteps - 1, 1);
await fused.evaluate();
await fused.weights();
await fused.checkpoint();
const buffersAfterMany = created;
log(`flat steps done, ${msPerStep.toFixed(1)} ms/step`);

/** Step both trainers from the same checkpoint and report how far the records are apart. */
async function stepBoth(a: RunTrainer, b: RunTrainer, bOnCpu: boolean) {
  const ra = await a.step();
  const rb = bOnCpu ? await onCpu(() => b.step()) : await b.step();
  const keys = ['loss', 'kl', 'rubricScore', 'gradNorm', 'entropy'] as const;
  return Object.fromEntries(keys.map((k) => [k, Math.abs(ra[k] - rb[k]) / Math.max(Math.abs(rb[k]), 1e-3)]));
}

// Fused -> TF.js (on cpu) and TF.js -> fused.
const checkpoint = await fused.checkpoint();
const tfjs = await onCpu(() => createTrainer(config, 1, { engine: 'tfjs' }));
await onCpu(() => tfjs.restore(checkpoint));
const fusedToTfjs = await stepBoth(fused, tfjs, true);
const back = await onCpu(() => tfjs.checkpoint());
const fused2 = await createTrainer(config, 1);
await fused2.restore(back);
const tfjsToFused = await stepBoth(fused2, tfjs, true);
log('checkpoints done');

// A fixed experiment from the same start on both engines.
const long = { ...config, steps: longSteps };
const a = await createTrainer(long, 2);
const b = await onCpu(() => createTrainer(long, 2, { engine: 'tfjs' }));
for (let i = 0; i < longSteps; i++) {
  await a.step();
  await onCpu(() => b.step());
}
const heldOutFused = (await a.evaluate()).rubricScore;
const heldOutTfjs = (await onCpu(() => b.evaluate())).rubricScore;
log('long run done');
for (const t of [fused, fused2, a]) t.dispose();
await onCpu(async () => {
  tfjs.dispose();
  b.dispose();
});
await device.queue.onSubmittedWorkDone();
console.log(
  JSON.stringify({
    engine: fused.engine,
    errors,
    first: { loss: first.loss, kl: first.kl, rubricScore: first.rubricScore },
    last: { loss: last.loss, kl: last.kl, rubricScore: last.rubricScore, step: last.step },
    msPerStep,
    buffersAfterFirst,
    buffersAfterMany,
    fusedToTfjs,
    tfjsToFused,
    heldOutFused,
    heldOutTfjs,
    tensors: tf.memory().numTensors,
  }),
);
