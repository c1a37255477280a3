// The app's trainer worker with the fused wasm engine's kernel threads on, plus one test-only
// command: on CRASH_MESSAGE it throws an uncaught error, so that the browser tests exercise the
// pool's crash handling with a real worker failure.
// It lives here, apart from the app's code, so that nothing in production can crash a worker.
import '../../../workers/trainer.worker';
import { useKernelThreads } from '../../../workers/fused-wasm';
import { CRASH_MESSAGE } from './crash';

// The app keeps the fused wasm engine on one thread (KERNEL_THREADS_BY_DEFAULT); the test page
// turns the kernel threads on, so that every wasm run here also exercises them in a real page.
useKernelThreads();

self.addEventListener('message', (event: MessageEvent) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && CRASH_MESSAGE in data)
    setTimeout(() => {
      throw new Error('crash requested by a test');
    }, 0);
});
