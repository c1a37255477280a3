// The benchmark page (`npm run bench -- --where browser`): each call starts a fresh module worker
// (the app's backend selection and trainer, see bench.worker.ts), runs there and ends the worker.
import * as Comlink from 'comlink';
import type { BenchApi, BenchBackend, BenchStepsResult, BenchTensorsResult } from './bench.worker';

export type { BenchBackend, BenchStepsResult, BenchTensorsResult };

export interface BenchHook {
  steps(...args: Parameters<BenchApi['steps']>): Promise<BenchStepsResult>;
  tensors(...args: Parameters<BenchApi['tensors']>): Promise<BenchTensorsResult>;
}

declare global {
  interface Window {
    __bench?: BenchHook;
  }
}

async function inWorker<T>(name: string, call: (api: Comlink.Remote<BenchApi>) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name });
  try {
    return await call(Comlink.wrap<BenchApi>(worker));
  } finally {
    worker.terminate();
  }
}

window.__bench = {
  steps: (backend, size, steps, warmup) =>
    inWorker(`bench-${backend}`, (api) => api.steps(backend, size, steps, warmup)),
  tensors: (backend, steps) => inWorker(`bench-tensors-${backend}`, (api) => api.tensors(backend, steps)),
};
