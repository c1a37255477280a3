/**
 * What one headless run is asked to do and what it gives back: plain data, so that results cross
 * process boundaries and go into results files unchanged. Kept apart from the run loop so that
 * readers of results (the CLI's parent process, the app) need not load TensorFlow.js.
 */
import type { ExperimentCore } from '../experiment/schema';
import type { EvalRecord, MetricRecord } from './types';

export interface RunResult {
  variant: string;
  seed: number;
  backend: string;
  config: ExperimentCore;
  criterionIds: string[];
  criterionNames: string[];
  metrics: MetricRecord[];
  evals: EvalRecord[];
  /** Wall-clock seconds, warm start included. */
  seconds: number;
  /**
   * Present when the run stopped before its last step: the step that failed (null when it failed
   * before training, e.g. in the warm start) and why. Metrics and evaluations up to there are kept.
   */
  failure?: RunFailure;
}

export interface RunFailure {
  step: number | null;
  reason: string;
}

export interface RunJob {
  variant: string;
  config: ExperimentCore;
  seed: number;
}

/** A run that failed before it could start training (no trainer, nothing measured). */
export function failedBeforeTraining(job: RunJob, backend: string, reason: string): RunResult {
  return {
    variant: job.variant,
    seed: job.seed,
    backend,
    config: job.config,
    criterionIds: [],
    criterionNames: [],
    metrics: [],
    evals: [],
    seconds: 0,
    failure: { step: null, reason },
  };
}
