/**
 * One kernel thread of the fused wasm engine (src/core/engine/wasm/threads.ts), a module worker
 * started by the trainer's worker where the page is cross-origin isolated: it instantiates the
 * threaded kernels on the engine's shared memory and then serves its slices of the kernel calls,
 * blocked in Atomics.wait between them, until the engine stops it.
 */
import { serveKernelThread, type KernelThreadInit } from '../src/core/engine/wasm/threads';

self.addEventListener(
  'message',
  (event: MessageEvent<KernelThreadInit>) => {
    serveKernelThread(event.data, () => self.postMessage('ready')).catch((error: unknown) =>
      self.postMessage(error instanceof Error ? error.message : String(error)),
    );
  },
  { once: true },
);
