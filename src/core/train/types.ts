/**
 * What the trainer reports besides its records (../records/types.ts): snapshots for the rollout
 * inspector and the weight views, checkpoints, live edits, and the trainer's interface. Plain data,
 * so that it crosses the worker boundary unchanged.
 */
import type { Method } from '../reward/config';
import type { Judge } from '../rubric/schema';
import type { EvalRecord, MetricRecord } from '../records/types';
import type { EngineChoice, EngineName } from '../engine/types';

/** One rollout of the latest step, for the inspector. */
export interface InspectedRollout {
  text: string;
  /** Judged scores per criterion (what the aggregator saw). */
  scores: number[];
  /** This rollout's advantage under every aggregator (defaults, same batch). */
  advantages: Record<Method, number>;
}

export interface InspectedGroup {
  topic: string;
  rollouts: InspectedRollout[];
}

export interface WeightMatrix {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Edits that take effect at the next step boundary of a running run. */
export interface LiveEdit {
  /**
   * The whole new rubric (criteria added, removed or changed), validated by the rubric schema.
   * Applied before `criteria`. Criteria keep their positions in records by id; a new criterion is
   * appended, a removed one reads NaN from then on.
   */
  rubric?: unknown;
  criteria?: { id: string; weight?: number; enabled?: boolean; judge?: Judge; params?: unknown }[];
  method?: unknown;
  lr?: number;
}

export type StepFailure = { kind: 'non-finite'; step: number; message: string };

/** A plain-data checkpoint: policy and optimiser weights, random streams, aggregator state. */
export interface Checkpoint {
  step: number;
  /** Opaque to callers; structured-clonable (typed arrays and plain objects only). */
  data: unknown;
}

/**
 * One run's trainer, as the worker and the CLI drive it. Implemented in `trainer.ts`:
 * `createTrainer(config, seed, hooks?)` warm-starts the policy and returns this.
 */
export interface RunTrainer {
  readonly criterionIds: string[];
  readonly criterionNames: string[];
  /** Steps taken so far (0 after warm start). */
  readonly stepIndex: number;
  readonly totalSteps: number;
  /** One RL step. Throws `NonFiniteError` (nothing applied) when a loss or advantage is not finite. */
  step(): Promise<MetricRecord>;
  /** Evaluation on held-out prompts with the exact rule. */
  evaluate(): Promise<EvalRecord>;
  /** Queue an edit for the next step boundary; returns problems (nothing queued) when invalid. */
  applyEdit(edit: LiveEdit): { path: string; message: string }[];
  /** The latest step's groups, each rollout with its advantage under every aggregator. */
  inspect(): InspectedGroup[];
  /** The policy's weight matrices, copied. */
  weights(): Promise<WeightMatrix[]>;
  /** The engine that trains: TF.js ops, or the fused WebGPU or wasm kernels. */
  readonly engine: EngineName;
  /** The threads the engine's kernels run on, where it says (the fused wasm engine). */
  readonly engineThreads?: number;
  /** GPU dispatches the fused engine has issued so far (0 for TF.js: count its kernels instead). */
  dispatches(): number;
  checkpoint(): Promise<Checkpoint>;
  /** Replace this trainer's state with a checkpoint's. */
  restore(checkpoint: Checkpoint): Promise<void>;
  dispose(): void;
}

export interface TrainerHooks {
  /** Warm-start progress in [0, 1]. */
  onWarmStart?: (progress: number) => void;
  /**
   * A persistent store of warm-started weights (the browser keeps them in IndexedDB), keyed by
   * task, size, seed and warm-start settings; consulted after the in-memory cache.
   */
  warmStartStore?: {
    get(key: string): Promise<WeightMatrix[] | undefined>;
    set(key: string, weights: WeightMatrix[]): Promise<void>;
  };
  /**
   * Faults injected on purpose, so that failure handling can be tested for real. Set only by
   * tests (the unit tests and the browser tests' page); never part of an experiment, so no link,
   * file or import can carry them.
   */
  faults?: TrainerFaults;
  /**
   * `auto` (default): the fused WebGPU engine where TF.js runs on webgpu, TF.js ops elsewhere;
   * `tfjs`: TF.js ops on every backend (the reference, and the benchmark's comparison);
   * `wasm-fused`: the fused wasm SIMD kernels on the CPU, whatever TF.js's backend.
   */
  engine?: EngineChoice;
}

export interface TrainerFaults {
  /** Replace the advantages of this step with NaN. */
  nonFiniteAtStep?: number;
}

export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    what: string,
  ) {
    // What happens next is the caller's to say: the app pauses at the last good checkpoint, the
    // command line records the run as failed.
    super(`step ${step}: ${what} is not finite; nothing of that step was applied`);
    this.name = 'NonFiniteError';
  }
}
