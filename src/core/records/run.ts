/**
 * A run as the page holds it, the one contract between the page's pool and a trainer worker: what
 * a worker is asked to train (`RunSpec`), its status, its backend, and the records it sends back.
 * The worker's messages (workers/protocol.ts), the pool (src/client/) and the run store
 * (src/web/) all use these types. Plain data, so that it crosses the worker boundary and goes
 * into IndexedDB and saved-run files unchanged.
 */
import type { EngineName } from '../engine/types';
import type { BackendChoice, ExperimentCore } from '../experiment/schema';
import type { EvalRecord, MetricRecord } from './types';

export type RunStatus =
  | 'queued' // waiting for a free worker (the pool has a cap); never a worker's status
  | 'starting' // worker booting, backend selection, warm start
  | 'ready' // warm-started, not stepping
  | 'running'
  | 'paused' // by the user, or by a non-finite value (see `reason`)
  | 'done'
  | 'stopped'
  | 'failed'; // worker error or lost device: metrics kept, resumable from the checkpoint

export interface BackendInfo {
  /** The backend in use: webgpu, webgl, wasm or cpu. */
  name: string;
  /** Why earlier choices were skipped, one line per fallback (empty when the first choice worked). */
  fallbacks: string[];
  /** wasm only: the threads XNNPACK runs on (1 where the page is not cross-origin isolated). */
  threads?: number;
  /** wasm only: whether it runs the SIMD build. */
  simd?: boolean;
  /** wasm only: whether the page is cross-origin isolated (needed for the threaded build). */
  isolated?: boolean;
  /** The engine training on it, once the trainer exists: TF.js ops, or fused WebGPU or wasm kernels. */
  engine?: EngineName;
  /**
   * The fused wasm engine only: the threads its kernels run on (several where the page is
   * cross-origin isolated, else 1); `threads` above is TF.js's, which then does little.
   */
  kernelThreads?: number;
}

/** The run a worker is asked to train. */
export interface RunSpec {
  /** Stable id chosen by the client. */
  id: string;
  name: string;
  config: ExperimentCore;
  seed: number;
  backend: BackendChoice;
  /** For 'auto': backends fastest first, as the page's probe measured them (backend-choice.ts). */
  backendOrder?: Exclude<BackendChoice, 'auto'>[];
}

/** Everything the UI shows of a run; updated in batches, never per step. */
export interface RunView {
  spec: RunSpec;
  status: RunStatus;
  /** Human-readable reason for paused/failed/stopped states, and warm-start progress text. */
  reason: string | null;
  backend: BackendInfo | null;
  criterionIds: string[];
  criterionNames: string[];
  metrics: MetricRecord[];
  evals: EvalRecord[];
  /** Step of the last good checkpoint kept by the worker (null before the first). */
  checkpointStep: number | null;
}
