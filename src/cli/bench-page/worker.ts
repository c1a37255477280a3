/**
 * The browser benchmark, inside a module worker like the trainer: the app's backend selection
 * (an explicit choice, with its fallbacks recorded), then whole RL steps through the trainer, with
 * the engine the app would train with (fused kernels on webgpu and wasm) unless `wasm-tfjs` asks
 * for TF.js's own kernels on wasm.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { experimentCoreSchema } from '../../core/experiment/schema';
import { benchConfig, benchSteps } from '../../core/train/bench';
import { createTrainer } from '../../core/train/trainer';
import { selectBackend, type BackendName } from '../../../workers/backend';
import { KERNEL_THREADS_BY_DEFAULT, useKernelThreads } from '../../../workers/fused-wasm';
import type { BenchApi, BenchBackend } from './protocol';

/** The tiny run of the tensor-count check: small policy, 2 prompts x 2 rollouts, no warm start. */
const tinyConfig = () =>
  experimentCoreSchema.parse({
    task: 'meadow',
    model: { size: 'small' },
    sampling: { groupSize: 2, promptsPerStep: 2 },
    warmStart: { steps: 0 },
    method: { method: 'focal' },
  });

/** The backend to select; `wasm-tfjs` is wasm, trained with TF.js ops instead of the fused engine. */
const backendOf = (requested: BenchBackend): BackendName => (requested === 'wasm-tfjs' ? 'wasm' : requested);

const api: BenchApi = {
  async steps(requested, size, steps, warmup, threads) {
    // Without --threads, what the app's workers do.
    useKernelThreads(threads ?? (KERNEL_THREADS_BY_DEFAULT ? undefined : 1));
    const { name, fallbacks } = await selectBackend(backendOf(requested));
    const engine = requested === 'wasm-tfjs' ? 'tfjs' : 'auto';
    const result = await benchSteps(benchConfig(size), steps, warmup, false, engine);
    return { requested, backend: name, fallbacks, result, warmup };
  },
  async tensors(requested, steps) {
    const { name, fallbacks } = await selectBackend(backendOf(requested));
    const trainer = await createTrainer(tinyConfig(), 1);
    try {
      await trainer.step();
      const afterFirst = tf.memory().numTensors;
      const start = performance.now();
      for (let i = 1; i < steps; i++) await trainer.step();
      const msPerStep = (performance.now() - start) / Math.max(1, steps - 1);
      return {
        requested,
        backend: name,
        fallbacks,
        afterFirst,
        afterLast: tf.memory().numTensors,
        steps,
        msPerStep,
      };
    } finally {
      trainer.dispose();
    }
  },
};

Comlink.expose(api);
