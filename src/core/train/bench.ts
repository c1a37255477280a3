/**
 * Benchmark of whole RL steps through the trainer (sampling, scoring, update), on the backend
 * currently selected. Medians after warm-up steps; device->CPU reads counted per step.
 * Used by `npm run bench` in Node and by the browser benchmark page.
 */
import * as tf from '@tensorflow/tfjs';
import { experimentCoreSchema, type ExperimentCore, type ModelSize } from '../experiment/schema';
import { timingConfig } from '../experiment/timing';
import { installKernelCounter, type KernelTally } from '../policy/kernel-count';
import { resetTransferStats, transferStats } from '../policy/transfer';
import { createTrainer } from './trainer';

export interface StepBenchResult {
  backend: string;
  task: string;
  size: ModelSize;
  rollouts: number;
  /** Median milliseconds per RL step, and its parts. */
  msStep: number;
  msSample: number;
  msScore: number;
  msUpdate: number;
  /** Generated tokens (eos included) per second of sampling. */
  tokensPerSecond: number;
  /** Device -> CPU reads per step (the same for every step). */
  readsPerStep: number;
  /** Kernel launches per step (median), counted by wrapping the backend's kernels. */
  launchesPerStep: number;
  /**
   * With `profile`: launches and milliseconds per step by kernel kind, most expensive first. The
   * milliseconds are the kernels' own work on cpu and wasm, only the enqueueing on webgl and webgpu.
   */
  profile?: KernelProfileRow[];
  /** Tensors alive after the timed steps minus before them (0 = no leak). */
  tensorGrowth: number;
  steps: number;
}

export interface KernelProfileRow {
  kernel: string;
  launches: number;
  ms: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The default preset: a medium policy on `meadow` with the default group and batch sizes. */
export function benchConfig(size: ModelSize = 'medium', task = 'meadow'): ExperimentCore {
  return timingConfig(experimentCoreSchema.parse({ task, model: { size }, method: { method: 'focal' } }));
}

export async function benchSteps(
  config: ExperimentCore,
  steps = 8,
  warmup = 2,
  profile = false,
): Promise<StepBenchResult> {
  const trainer = await createTrainer(config, 1);
  // Timing every kernel slows the step a little; the plain counter costs an increment per launch.
  const counter = installKernelCounter(profile);
  try {
    for (let i = 0; i < warmup; i++) await trainer.step();
    const before = tf.memory().numTensors;
    const parts = {
      step: [] as number[],
      sample: [] as number[],
      score: [] as number[],
      update: [] as number[],
    };
    const reads: number[] = [];
    const launches: number[] = [];
    let tokens = 0;
    let sampleMs = 0;
    for (let i = 0; i < steps; i++) {
      resetTransferStats();
      if (i === 0) counter.reset();
      const before = counter.launches();
      const r = await trainer.step();
      launches.push(counter.launches() - before);
      reads.push(transferStats().reads);
      parts.sample.push(r.msSample);
      parts.score.push(r.msScore);
      parts.update.push(r.msUpdate);
      parts.step.push(r.msSample + r.msScore + r.msUpdate);
      // meanLength counts words; each rollout also generates its eos unless it ran to maxNew.
      tokens += (r.meanLength + 1) * config.sampling.groupSize * config.sampling.promptsPerStep;
      sampleMs += r.msSample;
    }
    return {
      backend: tf.getBackend(),
      task: config.task,
      size: config.model.size,
      rollouts: config.sampling.groupSize * config.sampling.promptsPerStep,
      msStep: median(parts.step),
      msSample: median(parts.sample),
      msScore: median(parts.score),
      msUpdate: median(parts.update),
      tokensPerSecond: tokens / (sampleMs / 1000),
      readsPerStep: Math.max(...reads),
      launchesPerStep: median(launches),
      ...(profile ? { profile: profileRows(counter.tally(), steps) } : {}),
      tensorGrowth: tf.memory().numTensors - before,
      steps,
    };
  } finally {
    counter.uninstall();
    trainer.dispose();
  }
}

function profileRows(tally: KernelTally, steps: number): KernelProfileRow[] {
  return [...tally.counts.entries()]
    .map(([kernel, n]) => ({ kernel, launches: n / steps, ms: (tally.ms.get(kernel) ?? 0) / steps }))
    .sort((a, b) => b.ms - a.ms || b.launches - a.launches);
}
