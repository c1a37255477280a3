/**
 * The fused wasm engine in the page's workers (trainer, backend probe, bench page): `auto` on the
 * wasm backend trains with the fused wasm SIMD kernels (src/core/engine/wasm), as Node's entry
 * points do; the cpu backend keeps TF.js ops, the bit-reproducible reference. Where the page is
 * cross-origin isolated (SharedArrayBuffer) the engine's kernels can run on several threads,
 * module workers of kernel-thread.worker.ts, bit-identical to one: off by default (see
 * KERNEL_THREADS_BY_DEFAULT), on through `useKernelThreads`. Imported for its effect by each
 * worker that trains, so that the probe measures the engine that would really train.
 */
import { setFusedWasmDefault, setFusedWasmThreads } from '../src/core/engine/create';
import { MAX_KERNEL_THREADS, type KernelThread } from '../src/core/engine/wasm/threads';

setFusedWasmDefault(true);

/** One kernel thread: a module worker that says 'ready' once its instance is made, else why not. */
export function spawnKernelThread(): KernelThread {
  const worker = new Worker(new URL('./kernel-thread.worker.ts', import.meta.url), {
    type: 'module',
    name: 'fused wasm kernels',
  });
  return {
    start: (init) =>
      new Promise<void>((resolve, reject) => {
        worker.addEventListener(
          'message',
          (event: MessageEvent) =>
            event.data === 'ready' ? resolve() : reject(new Error(String(event.data))),
          { once: true },
        );
        worker.addEventListener(
          'error',
          (event) => reject(new Error(`a kernel thread failed to load: ${event.message || 'no message'}`)),
          { once: true },
        );
        worker.postMessage(init);
      }),
    terminate: () => worker.terminate(),
  };
}

/** Threads for the kernels: one per logical core up to the cap where isolated, else one. */
export function kernelThreadCount(asked?: number): number {
  if (!self.crossOriginIsolated) return 1;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(MAX_KERNEL_THREADS, cores, asked ?? cores));
}

/**
 * Whether the app's workers run the fused kernels on several threads where the page is isolated.
 * Off: the threaded engine is bit-identical to one thread (test/unit/engine/threads.test.ts) but
 * was not faster on the shared 2-core machine it was measured on, where two threads of independent
 * products reached only 1.05-1.45x one thread's throughput and a whole step 0.7-1.2x
 * (docs/performance.md). The bench page turns threads on with `--threads`, the browser tests' page
 * with `useKernelThreads()`; turn this on once a quiet multi-core machine shows the gain.
 */
export const KERNEL_THREADS_BY_DEFAULT = false;

/**
 * Sets the threads of the fused wasm engines made from now on: `asked` of them (at most one per
 * core and 4), or without it one per core up to 4; one where the page is not isolated.
 */
export function useKernelThreads(asked?: number): void {
  const count = kernelThreadCount(asked);
  setFusedWasmThreads(
    count > 1
      ? {
          count,
          spawn: spawnKernelThread,
          onThreadsFailed: (reason) =>
            console.warn(`fused wasm engine: on one thread, its kernel threads did not start: ${reason}`),
        }
      : undefined,
  );
}

useKernelThreads(KERNEL_THREADS_BY_DEFAULT ? undefined : 1);
