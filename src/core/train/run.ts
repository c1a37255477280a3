/**
 * Running one configuration to the end, headless: the loop shared by the CLI's `run`, `compare`
 * and `paper`. (The worker has its own loop, with pause, speed and live edits.)
 */
import type { ExperimentCore } from '../experiment/schema';
import { createTrainer } from './trainer';
import { isEvaluationStep } from './schedule';
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
}

export interface RunJob {
  variant: string;
  config: ExperimentCore;
  seed: number;
}

export async function runToEnd(
  job: RunJob,
  backend: string,
  onStep?: (record: MetricRecord, total: number) => void,
): Promise<RunResult> {
  const started = Date.now();
  const trainer = await createTrainer(job.config, job.seed);
  const metrics: MetricRecord[] = [];
  const evals: EvalRecord[] = [];
  const total = job.config.steps;
  try {
    if (isEvaluationStep(0, job.config.eval.every, total)) evals.push(await trainer.evaluate());
    for (let step = 1; step <= total; step++) {
      const record = await trainer.step();
      metrics.push(record);
      onStep?.(record, total);
      if (isEvaluationStep(step, job.config.eval.every, total)) evals.push(await trainer.evaluate());
    }
    return {
      variant: job.variant,
      seed: job.seed,
      backend,
      config: job.config,
      criterionIds: trainer.criterionIds,
      criterionNames: trainer.criterionNames,
      metrics,
      evals,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
  }
}
