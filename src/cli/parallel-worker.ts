/** A child process of `runJobsInParallel`: runs its jobs in order and reports over IPC. */
import { useBackend } from '../core/policy/backend-node';
import { runToEnd } from '../core/train/run';
import type { WorkerMessage, WorkerRequest } from './parallel';

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

process.once('message', async (request: WorkerRequest) => {
  await useBackend(request.backend);
  for (const [index, job] of request.jobs.entries()) {
    try {
      let lastSent = 0;
      const result = await runToEnd(job, request.backend, (record) => {
        if (record.step - lastSent >= 5) {
          lastSent = record.step;
          void send({ type: 'step', index, step: record.step });
        }
      });
      await send({ type: 'result', index, result });
    } catch (error) {
      await send({ type: 'error', index, message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    }
  }
  process.exit(0);
});
