/**
 * Running many jobs over several Node processes (one per core by default). Jobs that share a
 * warm start (task, size, seed) go to the same process, so each warm start is computed once.
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RunJob, RunResult } from '../core/train/run';
import type { CliBackend } from './experiment-file';
import { progressBar } from './progress';

export type WorkerRequest = { jobs: RunJob[]; backend: CliBackend };
export type WorkerMessage =
  | { type: 'step'; index: number; step: number }
  | { type: 'result'; index: number; result: RunResult }
  | { type: 'error'; index: number; message: string };

export function defaultProcesses(jobCount: number): number {
  return Math.max(1, Math.min(cpus().length, jobCount));
}

/** Split jobs into `parts` lists, keeping jobs with the same warm start together, balanced by steps. */
export function partitionJobs(jobs: readonly RunJob[], parts: number): number[][] {
  const byWarmStart = new Map<string, number[]>();
  jobs.forEach((job, i) => {
    const key = JSON.stringify([job.config.task, job.config.model.size, job.seed, job.config.warmStart]);
    byWarmStart.set(key, [...(byWarmStart.get(key) ?? []), i]);
  });
  const cost = (indices: number[]) => indices.reduce((sum, i) => sum + jobs[i].config.steps, 0);
  const bundles = [...byWarmStart.values()].sort((a, b) => cost(b) - cost(a));
  const out: number[][] = Array.from({ length: parts }, () => []);
  const load = new Array<number>(parts).fill(0);
  for (const bundle of bundles) {
    const target = load.indexOf(Math.min(...load));
    out[target].push(...bundle);
    load[target] += cost(bundle);
  }
  return out.filter((list) => list.length > 0);
}

export async function runJobsInParallel(
  jobs: readonly RunJob[],
  backend: CliBackend,
  processes: number,
  onStep?: (jobIndex: number, step: number) => void,
): Promise<RunResult[]> {
  const results = new Array<RunResult>(jobs.length);
  const workerPath = fileURLToPath(new URL('./parallel-worker.ts', import.meta.url));
  const lists = partitionJobs(jobs, processes);
  await Promise.all(
    lists.map(
      (indices) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.on('message', (message: WorkerMessage) => {
            const index = indices[message.index];
            if (message.type === 'step') onStep?.(index, message.step);
            else if (message.type === 'result') results[index] = message.result;
            else reject(new Error(`job ${jobs[index].variant} seed ${jobs[index].seed}: ${message.message}`));
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`a worker process exited with code ${code}`)),
          );
          const request: WorkerRequest = { jobs: indices.map((i) => jobs[i]), backend };
          child.send(request);
        }),
    ),
  );
  return results;
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
