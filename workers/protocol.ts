/**
 * The messages between the pool client (main thread) and a trainer worker, built on the run
 * contract (src/core/records/run.ts). Types only, shared by both sides; everything here is
 * structured-clonable plain data.
 */
import type { ExperimentCore } from '../src/core/experiment/schema';
import type {
  Checkpoint,
  InspectedGroup,
  LiveEdit,
  TrainerFaults,
  WeightMatrix,
} from '../src/core/train/types';
import type { EngineName } from '../src/core/engine/types';
import type { BackendInfo, RunSpec, RunStatus } from '../src/core/records/run';
import type { EvalRecord, MetricRecord } from '../src/core/records/types';

/** The worker-side status of a run (the pool adds 'queued'). */
export type WorkerRunStatus = Exclude<RunStatus, 'queued'>;

/** How fast a run steps: steps per batch, and a pause between batches. */
export type Speed = { stepsPerBatch: number; delayMs: number };

export interface LoopOptions {
  /** Flush a batch at least every this many steps... */
  flushEverySteps: number;
  /** ...or when this much time has passed since the last flush, whichever comes first. */
  flushIntervalMs: number;
  /** Take a checkpoint (and send it to the main thread) every this many steps. */
  checkpointEvery: number;
  stepsPerBatch: number;
  delayMs: number;
}

export const DEFAULT_LOOP_OPTIONS: LoopOptions = {
  flushEverySteps: 10,
  flushIntervalMs: 100,
  checkpointEvery: 10,
  stepsPerBatch: 1,
  delayMs: 0,
};

export interface InitOptions extends Partial<LoopOptions> {
  /** Start from this checkpoint (after warm start) instead of step 0. */
  checkpoint?: Checkpoint;
  /** Start stepping as soon as the trainer is ready. */
  autoStart?: boolean;
  /** Test-only faults (see `TrainerHooks.faults`); the app never sets them. */
  faults?: TrainerFaults;
}

/** One batched update from a worker; every field but the arrays is optional (unchanged). */
export interface RunBatch {
  status?: WorkerRunStatus;
  /** Reason for paused/failed/stopped, or warm-start progress text; null clears it. */
  reason?: string | null;
  backend?: BackendInfo;
  criterionIds?: string[];
  criterionNames?: string[];
  totalSteps?: number;
  /** Steps taken so far. */
  step?: number;
  metrics: MetricRecord[];
  evals: EvalRecord[];
  /** A new last-good checkpoint; the main thread keeps it so that it survives a worker crash. */
  checkpoint?: Checkpoint;
  /** The run was restored to this step: records after it are obsolete. */
  truncateAfter?: number;
}

/** The callback object the main thread passes to `init` (proxied with Comlink). */
export interface RunSink {
  batch(update: RunBatch): void | Promise<void>;
}

/** The latest groups and the weights, for the rollout inspector and the weight views. */
export interface RunSnapshot {
  step: number;
  groups: InspectedGroup[];
  weights: WeightMatrix[];
}

export type EditProblem = { path: string; message: string };

/** The service a trainer worker exposes with Comlink. */
export interface TrainerService {
  init(spec: RunSpec, sink: RunSink, options?: InitOptions): Promise<void>;
  start(): Promise<void>;
  pause(): Promise<void>;
  singleStep(): Promise<void>;
  stop(): Promise<void>;
  setSpeed(speed: Speed): Promise<void>;
  edit(edit: LiveEdit): Promise<EditProblem[]>;
  snapshot(): Promise<RunSnapshot>;
  checkpoint(): Promise<Checkpoint>;
  restoreFrom(checkpoint: Checkpoint): Promise<void>;
}

/** What stands behind a GPU backend, from WebGPU's adapter info or WebGL's renderer string. */
export interface GpuInfo {
  available: boolean;
  /** A software rasteriser (SwiftShader, llvmpipe, WARP): slower than wasm for this work. */
  software: boolean;
  /** The adapter or renderer as the browser names it; or why the backend is unavailable. */
  description: string;
}

export interface ProbeMeasure {
  backend: string;
  /** Backend start-up and model creation. */
  msInit: number;
  /** The first RL step (kernel or shader compilation included). */
  msFirstStep: number;
  /** Mean of the steps after it. */
  msStep: number;
  /** The engine that trained those steps (the one a run on this backend gets). */
  engine: EngineName;
}

/** The service of the backend probe worker (workers/probe.worker.ts). */
export interface ProbeService {
  gpus(): Promise<{ webgpu: GpuInfo; webgl: GpuInfo }>;
  measure(
    backend: 'webgpu' | 'webgl' | 'wasm' | 'cpu',
    config: ExperimentCore,
    steps: number,
  ): Promise<ProbeMeasure>;
}
