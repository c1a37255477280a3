/**
 * The browser benchmark, inside a module worker like the trainer: the app's backend selection
 * (an explicit choice, with its fallbacks recorded), then whole RL steps through the trainer.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { experimentCoreSchema, type ModelSize } from '../../../src/core/experiment/schema';
import { benchConfig, benchSteps, type StepBenchResult } from '../../../src/core/train/bench';
import { createTrainer } from '../../../src/core/train/trainer';
import { selectBackend, type BackendName } from '../../../workers/backend';

export type BenchBackend = BackendName;

interface Selected {
  /** The backend asked for. */
  requested: BenchBackend;
  /** The backend that ran (selection falls back when the one asked for fails). */
  backend: string;
  /** One line per backend skipped before it, saying why. */
  fallbacks: string[];
}

export interface BenchStepsResult extends Selected {
  result: StepBenchResult;
  warmup: number;
}

export interface BenchTensorsResult extends Selected {
  /** `tf.memory().numTensors` after the first step and after the last. */
  afterFirst: number;
  afterLast: number;
  steps: number;
  msPerStep: number;
}

export interface BenchApi {
  steps(backend: BenchBackend, size: ModelSize, steps: number, warmup: number): Promise<BenchStepsResult>;
  tensors(backend: BenchBackend, steps: number): Promise<BenchTensorsResult>;
}

/** The tiny run of the tensor-count check: small policy, 2 prompts x 2 rollouts, no warm start. */
const tinyConfig = () =>
  experimentCoreSchema.parse({
    task: 'meadow',
    model: { size: 'small' },
    sampling: { groupSize: 2, promptsPerStep: 2 },
    warmStart: { steps: 0 },
    method: { method: 'focal' },
  });

const api: BenchApi = {
  async steps(requested, size, steps, warmup) {
    const { name, fallbacks } = await selectBackend(requested);
    const result = await benchSteps(benchConfig(size), steps, warmup);
    return { requested, backend: name, fallbacks, result, warmup };
  },
  async tensors(requested, steps) {
    const { name, fallbacks } = await selectBackend(requested);
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
