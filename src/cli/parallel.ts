/**
 * Running many jobs over several Node processes (one per core by default). Jobs that share a
 * warm start (task, size, seed) go to the same process as one bundle, so each warm start is
 * computed once; bundles are handed out from one queue as processes become idle.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { failedBeforeTraining, type RunJob, type RunResult } from '../core/records/run-result';
import type { CliBackend } from './experiment-file';
import { progressBar } from './progress';

/** Parent -> child: the backend once, then one bundle of jobs at a time, then the end. */
export type WorkerRequest =
  | { type: 'init'; backend: CliBackend }
  | { type: 'bundle'; jobs: { index: number; job: RunJob }[] }
  | { type: 'end' };
/** Child -> parent, with the job's index in the whole list; `idle` asks for the next bundle. */
export type WorkerMessage =
  | { type: 'step'; index: number; step: number }
  | { type: 'result'; index: number; result: RunResult }
  | { type: 'error'; index: number; message: string }
  | { type: 'idle' };

export function defaultProcesses(jobCount: number): number {
  return Math.max(1, Math.min(cpus().length, jobCount));
}

/** Relative cost of one RL step per policy size (wasm medians of `npm run bench`: 114, 333, 798 ms). */
const STEP_COST: Record<RunJob['config']['model']['size'], number> = { small: 1, medium: 3, large: 7 };

/** Relative cost of a bundle: every job's RL steps, and its one warm start (a warm-start step costs about a fifth of an RL step). */
function bundleCost(jobs: readonly RunJob[], indices: readonly number[]): number {
  const first = jobs[indices[0]].config;
  const steps = indices.reduce((sum, i) => sum + jobs[i].config.steps, 0);
  return STEP_COST[first.model.size] * (steps + first.warmStart.steps / 5);
}

/**
 * Jobs grouped by warm start (task, size, seed, settings), so that a process computes each warm
 * start once; bundles in decreasing cost, so that a queue served by idle processes balances well
 * (longest first).
 */
export function bundleJobs(jobs: readonly RunJob[]): number[][] {
  const byWarmStart = new Map<string, number[]>();
  jobs.forEach((job, i) => {
    const key = JSON.stringify([job.config.task, job.config.model.size, job.seed, job.config.warmStart]);
    byWarmStart.set(key, [...(byWarmStart.get(key) ?? []), i]);
  });
  return [...byWarmStart.values()].sort((a, b) => bundleCost(jobs, b) - bundleCost(jobs, a));
}

/**
 * Run every job over `processes` child processes fed from one queue of bundles: a process that
 * finishes its bundle takes the next, so no core idles while work remains. A job that fails comes
 * back as a result with its `failure` (and what it measured before); the other jobs go on. A
 * process that dies fails the jobs it held, and the others take the rest of the queue.
 */
export async function runJobsInParallel(
  jobs: readonly RunJob[],
  backend: CliBackend,
  processes: number,
  onStep?: (jobIndex: number, step: number) => void,
): Promise<RunResult[]> {
  const results = new Array<RunResult | undefined>(jobs.length);
  // The TypeScript source under tsx; the bundled worker beside the bundle in a packed copy
  // (scripts/device-pack.sh).
  const source = fileURLToPath(new URL('./parallel-worker.ts', import.meta.url));
  const workerPath = existsSync(source)
    ? source
    : fileURLToPath(new URL('./parallel-worker.mjs', import.meta.url));
  const queue = bundleJobs(jobs);
  const count = Math.max(1, Math.min(processes, queue.length));
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let held: number[] = [];
          const request = (message: WorkerRequest) => child.send(message);
          child.on('message', (message: WorkerMessage) => {
            if (message.type === 'idle') {
              const bundle = queue.shift();
              held = bundle ?? [];
              request(
                bundle
                  ? { type: 'bundle', jobs: bundle.map((index) => ({ index, job: jobs[index] })) }
                  : { type: 'end' },
              );
            } else if (message.type === 'step') onStep?.(message.index, message.step);
            else if (message.type === 'result') results[message.index] = message.result;
            else results[message.index] = failedBeforeTraining(jobs[message.index], backend, message.message);
          });
          const failHeld = (reason: string) => {
            for (const index of held) results[index] ??= failedBeforeTraining(jobs[index], backend, reason);
            held = [];
            resolve();
          };
          child.on('error', (error) => failHeld(`its worker process failed: ${error.message}`));
          child.on('exit', (code, signal) =>
            code === 0
              ? resolve()
              : failHeld(`its worker process exited (${signal ?? `code ${code}`}) before the run finished`),
          );
          request({ type: 'init', backend });
        }),
    ),
  );
  // A job no process reached (every process died first) fails too, rather than vanishing.
  return results.map(
    (result, i) => result ?? failedBeforeTraining(jobs[i], backend, 'no worker process was left to run it'),
  );
}

/** `runJobsInParallel` with a progress bar over the steps of all jobs. */
export async function runWithProgress(
  jobs: readonly RunJob[],
  backend: CliBackend,
  processes: number,
): Promise<RunResult[]> {
  const totalSteps = jobs.reduce((sum, j) => sum + j.config.steps, 0);
  const done = new Array<number>(jobs.length).fill(0);
  const bar = progressBar(`${jobs.length} runs`);
  const results = await runJobsInParallel(jobs, backend, processes, (i, step) => {
    done[i] = step;
    bar(
      done.reduce((a, b) => a + b, 0),
      totalSteps,
    );
  });
  bar(totalSteps, totalSteps);
  return results;
}
