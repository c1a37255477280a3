/**
 * Running one configuration to the end, headless: the loop shared by the CLI's `run`, `compare`
 * and `paper`. (The worker has its own loop, with pause, speed and live edits.)
 */
import { createTrainer } from './trainer';
import { isEvaluationStep } from './schedule';
import type { TrainerHooks } from './types';
import type { EvalRecord, MetricRecord } from '../records/types';
import type { RunFailure, RunJob, RunResult } from '../records/run-result';

export { failedBeforeTraining, type RunFailure, type RunJob, type RunResult } from '../records/run-result';

export async function runToEnd(
  job: RunJob,
  backend: string,
  onStep?: (record: MetricRecord, total: number) => void,
  hooks: TrainerHooks = {},
): Promise<RunResult> {
  const started = Date.now();
  const trainer = await createTrainer(job.config, job.seed, hooks);
  const metrics: MetricRecord[] = [];
  const evals: EvalRecord[] = [];
  const total = job.config.steps;
  let failure: RunFailure | undefined;
  try {
    // Steps 0 evaluates the starting policy and stops.
    if (isEvaluationStep(0, job.config.eval.every, total)) evals.push(await trainer.evaluate());
    for (let step = 1; step <= total; step++) {
      let record: MetricRecord;
      try {
        record = await trainer.step();
      } catch (error) {
        // A run that cannot go on keeps what it measured; the caller reports it as failed.
        failure = { step, reason: error instanceof Error ? error.message : String(error) };
        break;
      }
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
      ...(failure ? { failure } : {}),
    };
  } finally {
    trainer.dispose();
  }
}
