/**
 * One trainer worker as the pool sees it: the service's commands plus failure notification and
 * termination. The real one wraps a module Worker with Comlink; tests pass a fake factory.
 */
import * as Comlink from 'comlink';
import type { RunSink, TrainerService } from '../../workers/protocol';

export interface WorkerHandle extends TrainerService {
  /** Called once if the worker dies or sends something unreadable. */
  onFailure(listener: (reason: string) => void): void;
  terminate(): void;
}

export type WorkerFactory = (name: string) => WorkerHandle;

export const createTrainerWorker: WorkerFactory = (name) =>
  wrapTrainerWorker(
    new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module', name }),
  );

/** The handle of a started trainer worker (the browser tests' page wraps its own worker entry). */
export function wrapTrainerWorker(worker: Worker): WorkerHandle {
  const remote = Comlink.wrap<TrainerService>(worker);
  const listeners: ((reason: string) => void)[] = [];
  let failed = false;
  const fail = (reason: string) => {
    if (failed) return;
    failed = true;
    for (const listener of listeners) listener(reason);
  };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    fail(`worker crashed: ${event.message || 'script error (could not load or run the worker)'}`);
  });
  worker.addEventListener('messageerror', () => fail('worker sent a message that could not be read'));

  return {
    init: (spec, sink: RunSink, options) => remote.init(spec, Comlink.proxy(sink), options),
    start: () => remote.start(),
    pause: () => remote.pause(),
    singleStep: () => remote.singleStep(),
    stop: () => remote.stop(),
    setSpeed: (speed) => remote.setSpeed(speed),
    edit: (edit) => remote.edit(edit),
    snapshot: () => remote.snapshot(),
    checkpoint: () => remote.checkpoint(),
    restoreFrom: (checkpoint) => remote.restoreFrom(checkpoint),
    onFailure: (listener) => listeners.push(listener),
    terminate: () => {
      failed = true;
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
