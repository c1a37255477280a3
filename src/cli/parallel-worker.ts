/** A child process of `runJobsInParallel`: runs the bundles it is handed and reports over IPC. */
import { useBackend } from './backend-node';
import { runToEnd } from '../core/train/run';
import { setZooSource } from '../core/zoo/source';
import type { WorkerMessage, WorkerRequest } from './parallel';
import { runHooksFor } from './run-hooks';
import { diskZooSource } from './zoo-source';

setZooSource(diskZooSource());

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

async function runBundle(
  jobs: Extract<WorkerRequest, { type: 'bundle' }>['jobs'],
  backend: string,
): Promise<void> {
  for (const { index, job } of jobs) {
    try {
      let lastSent = 0;
      const result = await runToEnd(
        job,
        backend,
        (record) => {
          if (record.step - lastSent >= 5) {
            lastSent = record.step;
            void send({ type: 'step', index, step: record.step });
          }
        },
        runHooksFor(job.variant),
      );
      await send({ type: 'result', index, result });
    } catch (error) {
      // Failed before training (e.g. in the warm start): report it and go on with the next job.
      await send({ type: 'error', index, message: error instanceof Error ? error.message : String(error) });
    }
  }
}

let backend = 'wasm';
// Messages are handled one at a time: the parent sends the next bundle only after "idle".
process.on('message', (request: WorkerRequest) => {
  void (async () => {
    if (request.type === 'init') {
      await useBackend(request.backend);
      backend = request.backend;
    } else if (request.type === 'bundle') await runBundle(request.jobs, backend);
    else process.exit(0);
    await send({ type: 'idle' });
  })();
});
