/**
 * The contract between the app and the training workers: what the UI can ask of a run and what it
 * hears back. The UI never reaches into a trainer; it sends these commands and receives records.
 */
import type { ExperimentCore, BackendChoice } from '../core/experiment/schema';
import type { InspectedGroup, LiveEdit, WeightMatrix } from '../core/train/types';
import type { EvalRecord, MetricRecord } from '../core/records/types';

export type RunStatus =
  | 'queued' // waiting for a free worker (the pool has a cap)
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
  /** wasm only: the threads it computes on (more than 1 needs a cross-origin isolated page). */
  threads?: number;
  /** wasm only: whether it runs the SIMD build. */
  simd?: boolean;
  /** wasm only: whether the page is cross-origin isolated (needed for the threaded build). */
  isolated?: boolean;
}

export interface RunSpec {
  /** Stable id chosen by the client. */
  id: string;
  name: string;
  config: ExperimentCore;
  seed: number;
  backend: BackendChoice;
  /** For 'auto': backends fastest first, as the page's probe measured them (backend-choice.ts). */
  backendOrder?: ('webgpu' | 'webgl' | 'wasm' | 'cpu')[];
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

export interface RunSnapshot {
  step: number;
  groups: InspectedGroup[];
  weights: WeightMatrix[];
}

export type Speed = { stepsPerBatch: number; delayMs: number };

/** Typed commands the UI uses; implemented by the worker pool client. */
export interface RunCommands {
  start(id: string): void;
  pause(id: string): void;
  singleStep(id: string): void;
  stop(id: string): void;
  setSpeed(id: string, speed: Speed): void;
  edit(id: string, edit: LiveEdit): void;
  snapshot(id: string): Promise<RunSnapshot | null>;
  /** Resume a failed or paused run from its last checkpoint, optionally on another backend. */
  resume(id: string, backend?: BackendChoice): void;
  remove(id: string): void;
}
