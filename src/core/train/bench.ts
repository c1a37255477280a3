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
import type { EngineChoice, EngineName } from '../engine/types';
import { fusedDispatchTally, resetFusedDispatchTally } from '../engine/webgpu/gpu';
import {
  resetWasmKernelTally,
  setWasmKernelProfiling,
  wasmKernelTally,
  type WasmKernelTally,
} from '../engine/wasm/profile';
import { stepFlops } from '../policy/step-flops';
import { POLICY_SIZES } from '../policy/param-table';
import { getTask } from '../task';
import { PROMPT_LENGTH, vocabularyOf } from '../task/tokenizer';

export interface StepBenchResult {
  backend: string;
  /** The engine that trained: TF.js ops, or the fused WebGPU kernels. */
  engine: EngineName;
  /** The threads the engine's kernels ran on (the fused wasm engine: 1, or several in an isolated page). */
  engineThreads?: number;
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
  /**
   * Kernel launches per step (median): TF.js's kernels, counted by wrapping the backend's kernel
   * functions, plus the fused engine's GPU dispatches, counted as it encodes them.
   */
  launchesPerStep: number;
  /** Of those, the fused engine's GPU dispatches (0 for the TF.js engine). */
  dispatchesPerStep: number;
  /** The step's floating-point work from its shapes (policy/step-flops.ts), the same for every engine. */
  flopsPerStep: number;
  /** flopsPerStep over the median step's time, in 1e9 per second. */
  gflopsPerSecond: number;
  /**
   * With `profile`: launches and milliseconds per step by kernel kind, most expensive first. The
   * milliseconds are the kernels' own work on cpu and wasm, only the enqueueing on webgl and webgpu,
   * and NaN for the fused WebGPU engine's kernels (GPU time per kernel needs timestamp queries);
   * the fused wasm engine's are its exports' own time, with the products' GFLOP/s.
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
  /** The dense products' 2 M N K per step, where the kernel is one (the fused wasm engine's mm). */
  flops?: number;
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
  engine: EngineChoice = 'auto',
): Promise<StepBenchResult> {
  // The fused wasm engine times its kernels only if profiling is on when it is made.
  setWasmKernelProfiling(profile);
  const trainer = await createTrainer(config, 1, { engine }).finally(() => setWasmKernelProfiling(false));
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
    const dispatches: number[] = [];
    let tokens = 0;
    let sampleMs = 0;
    for (let i = 0; i < steps; i++) {
      resetTransferStats();
      if (i === 0) {
        counter.reset();
        resetFusedDispatchTally();
        resetWasmKernelTally();
      }
      const before = counter.launches();
      const dispatchedBefore = trainer.dispatches();
      const r = await trainer.step();
      const dispatched = trainer.dispatches() - dispatchedBefore;
      dispatches.push(dispatched);
      launches.push(counter.launches() - before + dispatched);
      reads.push(transferStats().reads);
      parts.sample.push(r.msSample);
      parts.score.push(r.msScore);
      parts.update.push(r.msUpdate);
      parts.step.push(r.msSample + r.msScore + r.msUpdate);
      // meanLength counts words; each rollout also generates its eos unless it ran to maxNew.
      tokens += (r.meanLength + 1) * config.sampling.groupSize * config.sampling.promptsPerStep;
      sampleMs += r.msSample;
    }
    const msStep = median(parts.step);
    const flopsPerStep = flopsOf(config);
    return {
      backend: tf.getBackend(),
      engine: trainer.engine,
      ...(trainer.engineThreads ? { engineThreads: trainer.engineThreads } : {}),
      task: config.task,
      size: config.model.size,
      rollouts: config.sampling.groupSize * config.sampling.promptsPerStep,
      msStep,
      msSample: median(parts.sample),
      msScore: median(parts.score),
      msUpdate: median(parts.update),
      tokensPerSecond: tokens / (sampleMs / 1000),
      readsPerStep: Math.max(...reads),
      launchesPerStep: median(launches),
      dispatchesPerStep: median(dispatches),
      flopsPerStep,
      gflopsPerSecond: flopsPerStep / msStep / 1e6,
      ...(profile
        ? { profile: profileRows(counter.tally(), fusedDispatchTally(), wasmKernelTally(), steps) }
        : {}),
      tensorGrowth: tf.memory().numTensors - before,
      steps,
    };
  } finally {
    counter.uninstall();
    trainer.dispose();
  }
}

/** The FLOP count of one step of this experiment: its policy's shapes, its batch and its mu. */
function flopsOf(config: ExperimentCore): number {
  const task = getTask(config.task);
  return stepFlops({
    dims: POLICY_SIZES[config.model.size],
    vocabSize: vocabularyOf(task).length,
    rollouts: config.sampling.groupSize * config.sampling.promptsPerStep,
    promptLength: PROMPT_LENGTH,
    maxNew: task.maxNew,
    mu: config.optim.mu,
  });
}

/**
 * TF.js's kernels with their times, the fused wasm engine's with theirs, then the fused WebGPU
 * engine's (dispatch counts; no per-kernel GPU time); each group most expensive first.
 */
function profileRows(
  tally: KernelTally,
  gpuTally: Map<string, number>,
  wasm: WasmKernelTally,
  steps: number,
): KernelProfileRow[] {
  const byTime = (a: KernelProfileRow, b: KernelProfileRow) => b.ms - a.ms || b.launches - a.launches;
  const tfjs = [...tally.counts.entries()]
    .map(([kernel, n]) => ({ kernel, launches: n / steps, ms: (tally.ms.get(kernel) ?? 0) / steps }))
    .sort(byTime);
  const cpu = [...wasm.calls.entries()]
    .map(([kernel, n]) => {
      const flops = wasm.flops.get(kernel);
      return {
        kernel: `fused wasm ${kernel}`,
        launches: n / steps,
        ms: (wasm.ms.get(kernel) ?? 0) / steps,
        ...(flops === undefined ? {} : { flops: flops / steps }),
      };
    })
    .sort(byTime);
  const gpu = [...gpuTally.entries()]
    .map(([kernel, n]) => ({ kernel: `fused ${kernel}`, launches: n / steps, ms: Number.NaN }))
    .sort((a, b) => b.launches - a.launches);
  return [...tfjs, ...cpu, ...gpu];
}
