// The benchmark page (`npm run bench -- --where browser`): each call starts a fresh module worker
// (the app's backend selection and trainer, see worker.ts), runs there and ends the worker.
import * as Comlink from 'comlink';
import type { BenchApi } from './protocol';

async function inWorker<T>(name: string, call: (api: Comlink.Remote<BenchApi>) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  try {
    return await call(Comlink.wrap<BenchApi>(worker));
  } finally {
    worker.terminate();
  }
}

window.__bench = {
  steps: (backend, size, steps, warmup, threads) =>
    inWorker(`bench-${backend}`, (api) => api.steps(backend, size, steps, warmup, threads)),
  tensors: (backend, steps) => inWorker(`bench-tensors-${backend}`, (api) => api.tensors(backend, steps)),
};
