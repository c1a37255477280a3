/**
 * What the bench page (page.ts, worker.ts) and its driver in Node (../bench-browser.ts) agree on:
 * the backends asked for, the calls and their results. Types and one constant only, so that the
 * Node side loads neither the page nor TensorFlow.js through it.
 */
import type { ModelSize } from '../../core/experiment/schema';
import type { StepBenchResult } from '../../core/train/bench';
import type { BackendName } from '../../../workers/backend';

/** A backend, and `wasm-tfjs`: wasm with TF.js's own kernels (the app's wasm runs fused kernels). */
export type BenchBackend = BackendName | 'wasm-tfjs';

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
  /** `threads`: the fused wasm engine's kernel threads (default: the app's, workers/fused-wasm.ts). */
  steps(
    backend: BenchBackend,
    size: ModelSize,
    steps: number,
    warmup: number,
    threads?: number,
  ): Promise<BenchStepsResult>;
  tensors(backend: BenchBackend, steps: number): Promise<BenchTensorsResult>;
}

/** The backends `npm run bench -- --where browser` can measure; by default the app's four. */
export const BROWSER_BACKENDS = [
  'cpu',
  'wasm',
  'webgl',
  'webgpu',
  'wasm-tfjs',
] as const satisfies readonly BenchBackend[];
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];
export const DEFAULT_BROWSER_BACKENDS: readonly BrowserBackend[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** The page's hook, driven through Playwright. */
export interface BenchHook {
  steps(...args: Parameters<BenchApi['steps']>): Promise<BenchStepsResult>;
  tensors(...args: Parameters<BenchApi['tensors']>): Promise<BenchTensorsResult>;
}

declare global {
  interface Window {
    __bench?: BenchHook;
  }
}
